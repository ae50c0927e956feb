# exabgp in a container, built as .ci/run builds it (the compiled codec required).
#
#   docker build -t exabgp .
#   docker run --network host -v /etc/exabgp:/etc/exabgp:ro exabgp
#   docker exec CONTAINER exabgp-cli show neighbor summary
#
# The daemon runs as the exabgp user, with the CLI's pipes in /run/exabgp (mode
# 0660, as etc/systemd/tmpfiles.d/exabgp.conf makes them); settings are
# exabgp_SECTION_KEY environment variables (docker run -e, see man exabgp).

FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN EXABGP_REQUIRE_EXTENSIONS=1 pip wheel --no-cache-dir --no-deps -w /wheels /src

FROM python:3.11-slim
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --system --no-create-home --shell /usr/sbin/nologin exabgp \
    && install -d -m 0750 -o exabgp -g exabgp /run/exabgp /etc/exabgp \
    && mkfifo -m 0660 /run/exabgp/exabgp.in /run/exabgp/exabgp.out \
    && chown exabgp:exabgp /run/exabgp/exabgp.in /run/exabgp/exabgp.out
USER exabgp
ENV exabgp_daemon_daemonize=false
ENTRYPOINT ["exabgp"]
CMD ["server", "/etc/exabgp/exabgp.conf"]
