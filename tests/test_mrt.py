"""`exabgp mrt` and `exabgp.mrt`: MRT records (RFC 6396, RFC 8050) read, printed as bgpdump -m and as JSON.

The records are written by hand in the RFC's layouts (`qa.mrt_samples`).
What `-m` prints is compared line for line with bgpdump 1.6.2 (Debian's
``bgpdump``) run on the same file: without bgpdump these tests skip, under
``EXABGP_INTEROP=1`` (.ci/run) they fail (`qa.interop.require`).  The JSON
``message`` of each UPDATE is compared with what ExaBGP 5.0.15 (the oracle)
prints for the same message with ``exabgp decode``.  The quirks of real
archives are read without a traceback: a bad record is named on stderr by
its index and file offset, the others are printed, the exit code is 1.
"""

import bz2
import gzip
import io
import json
import os
import struct
import subprocess

import pytest

from exabgp.mrt import reader
from qa import bgpkit, interop, mrt_samples as samples
from qa.oracle import require_oracle
from qa.reference import require_gen_corpus


def bgpdump(path) -> str:
    program = interop.require("bgpdump")["bgpdump"]
    return subprocess.run([program, "-m", str(path)], capture_output=True, text=True, timeout=60, check=True).stdout


def test_records_are_framed_with_their_index_and_offset(sample):
    data = sample.read_bytes()
    found = list(reader.records(sample))
    offset = 0
    for index, record in enumerate(found):
        assert (record.index, record.offset) == (index, offset)
        time, kind, subtype, length = struct.unpack_from("!IHHI", data, offset)
        assert (record.time, record.type, record.subtype) == (time, kind, subtype)
        extra = 4 if kind == reader.BGP4MP_ET else 0
        assert len(record.body) == length - extra
        offset += 12 + length
    assert offset == len(data)


def test_decoded_records(sample):
    items = list(reader.read(sample))
    table = items[0]
    assert isinstance(table, reader.PeerIndexTable)
    assert table.collector_id == "198.51.100.1"
    assert table.peers == [("192.0.2.1", "192.0.2.1", 64496), ("192.0.2.9", "2001:db8::9", 4200000001)]
    first = items[1]
    assert isinstance(first, reader.RibRecord)
    assert (first.afi, first.safi, first.addpath, first.nlri) == (1, 1, False, b"\x08\x0a")
    assert [entry[:3] for entry in first.entries] == [(0, 1600000000, None), (0, 1600000001, None)]
    addpath = next(item for item in items if isinstance(item, reader.RibRecord) and item.addpath)
    assert [entry[2] for entry in addpath.entries] == [1, 2]
    messages = [item for item in items if isinstance(item, reader.Bgp4mpMessage)]
    assert messages[0].ctx.asn4 and not messages[0].ctx.addpath_receive
    two = next(item for item in messages if item.record.subtype == reader.MESSAGE)
    assert not two.ctx.asn4
    assert all(item.ctx.addpath_receive for item in messages if item.record.subtype == reader.MESSAGE_AS4_ADDPATH)
    et = next(item for item in messages if item.record.type == reader.BGP4MP_ET)
    assert et.record.timestamp == 1700000000.123456
    states = [(s.old_state, s.new_state, s.peer_as) for s in items if isinstance(s, reader.StateChange)]
    assert states == [(1, 2, 64496), (3, 6, 4200000001), (6, 1, 64496)]


def test_bgpdump_lines_are_bgpdumps(sample):
    code, out, err = samples.run_mrt([sample])
    assert (code, err) == (0, "")
    expected = bgpdump(sample)
    assert out.splitlines() == expected.splitlines()
    assert len(out.splitlines()) == 38


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress], ids=["gzip", "bzip2"])
def test_compressed_files_read_as_streams(tmp_path, compress):
    plain = tmp_path / "plain.mrt"
    plain.write_bytes(samples.sample_file())
    packed = tmp_path / "packed.mrt"
    packed.write_bytes(compress(plain.read_bytes()))
    assert samples.run_mrt([packed]) == samples.run_mrt([plain])
    with open(packed, "rb") as stream:
        assert len(list(reader.records(stream))) == len(list(reader.records(plain)))


def test_json_lines(sample):
    code, out, err = samples.run_mrt([sample], bgpdump=False)
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 36
    rib = lines[0]
    assert rib["type"] == "update" and rib["time"] == 1700000000.0
    assert rib["neighbor"]["address"] == {"local": "198.51.100.1", "peer": "192.0.2.1"}
    assert rib["neighbor"]["asn"] == {"local": 0, "peer": 64496}
    assert rib["neighbor"]["message"]["update"]["announce"] == {"ipv4 unicast": {"192.0.2.1": [{"nlri": "10.0.0.0/8"}]}}
    v6 = next(line for line in lines if "ipv6 unicast" in json.dumps(line.get("neighbor", {}).get("message", {})))
    assert v6["neighbor"]["message"]["update"]["announce"]["ipv6 unicast"] == {
        "2001:db8::9": [{"nlri": "2001:db8:1::/48"}]
    }
    kinds = [line["type"] for line in lines]
    assert kinds.count("fsm") == 3 and kinds.count("keepalive") == 1 and kinds.count("open") == 1
    assert kinds.count("notification") == 1
    local = [line for line in lines if line["neighbor"].get("direction") == "send"]
    assert len(local) == 1 and local[0]["type"] == "update"
    et = next(line for line in lines if line["time"] != 1700000000.0)
    assert et["time"] == 1700000000.123456


@pytest.mark.slow  # runs ExaBGP 5.0.15's decode 13 times
def test_json_update_is_exabgp_decodes(sample):
    """Each BGP4MP UPDATE's ``message`` equals the one ExaBGP 5.0.15's ``exabgp decode`` prints for it."""
    program = require_oracle("exabgp")
    code, out, _err = samples.run_mrt([sample], bgpdump=False)
    ours = [json.loads(line) for line in out.splitlines()]
    messages = [item for item in reader.read(sample) if isinstance(item, reader.Bgp4mpMessage) and item.type == 2]
    shown = [
        line for line in ours if line["type"] == "update" and line["neighbor"]["address"]["local"] != "198.51.100.1"
    ]
    checked = 0
    for item, line in zip(messages[:5], shown[:5], strict=True):
        message = samples.bgp_message(item.body)
        result = subprocess.run([program, "decode", message.hex()], capture_output=True, text=True, timeout=60)
        theirs = json.loads(result.stdout.strip().splitlines()[-1])
        assert line["neighbor"]["message"] == theirs["neighbor"]["message"], message.hex()
        checked += 1
    assert checked == 5
    # RIB entries: the UPDATE each stands for (IPv4 in the NLRI field, IPv6 in a whole MP_REACH_NLRI)
    ribs = [item for item in reader.read(sample) if isinstance(item, reader.RibRecord)]
    shown = [line for line in ours if line["neighbor"]["address"]["local"] == "198.51.100.1"]
    entries = [(item, entry) for item in ribs for entry in item.entries]
    assert len(entries) == len(shown) == 11
    for (item, entry), line in zip(entries, shown, strict=True):
        if item.addpath:  # exabgp decode reads path identifiers with -i only, and for every family
            continue
        message = samples.bgp_message(reader.rib_update_body(item, entry))
        result = subprocess.run([program, "decode", message.hex()], capture_output=True, text=True, timeout=60)
        theirs = json.loads(result.stdout.strip().splitlines()[-1])
        assert line["neighbor"]["message"] == theirs["neighbor"]["message"], message.hex()


def quirks():
    """(name, octets of one bad record, the words its error must say, it is printed anyway)."""
    body = samples.update(attributes=samples.common() + samples.attribute(3, samples.ip("192.0.2.1")))
    addpath_nlri = samples.prefix("10.7.0.0/16", 9)
    short = bytearray(
        samples.table_dump("10.8.0.0/16", "192.0.2.1", 64496, samples.common(path=((2, (64496, 3356)),), width=2))
    )
    struct.pack_into("!I", short, 8, struct.unpack_from("!I", short, 8)[0] - 4)
    return [
        ("type 5", samples.header(5, 1, b"\x00" * 20), "type 5"),
        ("BGP4MP_ENTRY", samples.header(16, 2, b"\x00" * 20), "BGP4MP_ENTRY"),
        ("add-path NLRI", samples.bgp4mp_message(body + addpath_nlri), "read as ADD-PATH NLRI"),
        ("ris short", bytes(short), None),
        ("BGP4MP_ET without microseconds", samples.header(17, 4, b"\x00\x01"), "microseconds"),
    ]


@pytest.mark.parametrize("name, record, words", quirks(), ids=[q[0] for q in quirks()])
def test_quirks_name_the_record_and_the_others_still_print(tmp_path, name, record, words):
    good = samples.sample_file()
    path = tmp_path / "quirk.mrt"
    path.write_bytes(good + record + good)
    index = len(list(reader.records(io.BytesIO(good))))
    code, out, err = samples.run_mrt([path])
    _c, clean, _e = samples.run_mrt([io_path(tmp_path, good)])
    if words is None:  # read without an error: the record's 4 missing octets follow it
        assert (code, err) == (0, "")
        assert out.count("TABLE_DUMP|1700000000|B|192.0.2.1|64496|10.8.0.0/16|") == 3
        return
    assert code == 1
    assert out == clean + clean
    assert err.count("\n") == 1
    assert f"record {index} at offset {len(good)}" in err and words in err
    assert "Traceback" not in err


def io_path(tmp_path, octets):
    path = tmp_path / "good.mrt"
    path.write_bytes(octets)
    return path


def test_truncated_file(tmp_path):
    good = samples.sample_file()
    last = list(reader.records(io.BytesIO(good)))[-1]
    path = tmp_path / "cut.mrt"
    path.write_bytes(good[:-3])
    code, out, err = samples.run_mrt([path])
    _c, clean, _e = samples.run_mrt([io_path(tmp_path, good)])
    assert code == 1
    assert out == clean[: clean.rindex("BGP4MP|1700000000|STATE|")]
    assert (
        err
        == f"exabgp mrt: {path}: record {last.index} at offset {last.offset} (16/5): truncated record (21 of 24 octets)\n"
    )


def test_missing_file_and_the_next_one_still_read(tmp_path, sample):
    code, out, err = samples.run_mrt([tmp_path / "absent.mrt", sample])
    assert code == 1
    assert "absent.mrt: No such file or directory" in err
    assert len(out.splitlines()) == 38


def test_records_over_64k(tmp_path):
    """A RIB record of 3,000 entries (over 64 KB) and a 60,000-octet UPDATE (RFC 8654) read like the others."""
    nh = samples.attribute(3, samples.ip("192.0.2.1"))
    entries = [(0, 1600000000 + n, None, samples.common(med=n) + nh) for n in range(3000)]
    big = samples.rib(2, 0, samples.prefix("10.0.0.0/8"), entries)
    assert len(big) > 70000
    nlri = b"".join(samples.prefix(f"10.{n >> 8}.{n & 255}.0/24") for n in range(15000))
    message = samples.bgp4mp_message(samples.update(attributes=samples.common() + nh, nlri=nlri))
    path = tmp_path / "big.mrt"
    path.write_bytes(samples.peer_index_table(samples.PEERS) + big + message)
    code, out, err = samples.run_mrt([path])
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 18000
    assert lines[-1].startswith("BGP4MP|1700000000|A|192.0.2.1|64496|10.58.151.0/24|")
    # bgpdump 1.6.2 prints the first 8,192 prefixes of an UPDATE and drops the others silently
    assert lines[: 3000 + 8192] == bgpdump(path).splitlines()


def test_add_path_in_non_addpath_subtypes_is_bgpdumps_error_not_a_crash(tmp_path):
    """RIB_IPV4_UNICAST entries whose attribute length is read where a path identifier was written: one error each."""
    nh = samples.attribute(3, samples.ip("192.0.2.1"))
    wrong = samples.rib(8, 1, samples.prefix("10.1.0.0/16"), [(0, 1, 5, samples.common() + nh)])
    wrong = wrong[:6] + struct.pack("!H", 2) + wrong[8:]  # RIB_IPV4_UNICAST subtype over ADD-PATH entries
    path = tmp_path / "wrong.mrt"
    path.write_bytes(samples.peer_index_table(samples.PEERS) + wrong)
    code, out, err = samples.run_mrt([path])
    assert code == 1 and out == ""
    assert "record 1 at offset" in err and "(13/2)" in err


def test_the_command_is_registered():
    result = subprocess.run(
        [os.path.join(os.path.dirname(__import__("sys").executable), "exabgp"), "mrt", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "-m, --bgpdump" in result.stdout


def test_gen_corpus_table_reads_as_bgpdump_reads_it(tmp_path):
    """The full-table MRT twins of gen_corpus.py (updates and TABLE_DUMP_V2 RIB), at 3,700 routes."""
    updates, rib = samples.gen_corpus_files(tmp_path, 3000, 700)
    for path in (updates, rib):
        code, out, err = samples.run_mrt([path])
        assert (code, err) == (0, "")
        assert len(out.splitlines()) == 3700
        assert out.splitlines() == bgpdump(path).splitlines()


def mrtparse_samples(cache, fallback) -> list:
    """The RIS-, BIRD-, OpenBGPD- and Quagga-made samples of the mrtparse sdist (PyPI), fetched once into
    pytest's cache; the test skips when pip can not fetch it."""
    import sys
    import tarfile

    folder = cache.mkdir("mrtparse-sdist") if cache is not None else fallback  # -p no:cacheprovider: no cache
    if not any(folder.glob("*.tar.gz")):
        command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
        result = subprocess.run(command + ["mrtparse", "-d", str(folder)], capture_output=True, timeout=120)
        if result.returncode:
            pytest.skip(f"the mrtparse sdist can not be fetched: {result.stderr.decode()[-200:]}")
    archive = sorted(folder.glob("*.tar.gz"))[-1]
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/samples/" in m.name and m.isfile()]
        members = [m for m in members if not m.name.endswith((".conf", ".rst"))]
        tar.extractall(folder, members=members, filter="data")
    return sorted(folder / member.name for member in members)


def test_mrtparse_samples_read_as_bgpdump_reads_them(request, tmp_path):
    """Every sample prints bgpdump's lines; BIRD's dumps of ADD-PATH sessions without the *_ADDPATH subtypes
    (which bgpdump misreads as prefixes) and the deprecated BGP4MP_ENTRY records are errors naming them."""
    files = mrtparse_samples(getattr(request.config, "cache", None), tmp_path)
    assert len(files) >= 10
    for path in files:
        code, out, err = samples.run_mrt([path])
        theirs = bgpdump(path).splitlines()
        errors = err.splitlines()
        if not errors:
            assert code == 0 and out.splitlines() == theirs, path.name
            continue
        assert code == 1
        assert all("ADD-PATH NLRI" in line or "BGP4MP_ENTRY" in line for line in errors), path.name
        remaining = iter(theirs)
        assert all(line in remaining for line in out.splitlines()), path.name  # ours, in order, among bgpdump's


def test_mrtparse_samples_as_json_lines(request, tmp_path):
    """Every sample reads as JSON lines, but the records `-m` refuses too (BIRD's ADD-PATH sessions without the
    *_ADDPATH subtypes, BGP4MP_ENTRY); OpenBGPD's RIB_GENERIC VPN entries, whose next hop is written without its
    route distinguisher, are read with the zero one RFC 4364 section 4.3.2 puts there."""
    files = mrtparse_samples(getattr(request.config, "cache", None), tmp_path)
    for path in files:
        code, out, err = samples.run_mrt([path], bgpdump=False)
        errors = err.splitlines()
        assert all("ADD-PATH NLRI" in line or "BGP4MP_ENTRY" in line for line in errors), path.name
        assert code == (1 if errors else 0) and (out or errors), path.name
        lines = [json.loads(line) for line in out.splitlines()]
        if path.name == "openbgpd_rib_table-v2":
            vpn = [
                line["neighbor"]["message"]["update"]["announce"]["ipv4 mpls-vpn"]
                for line in lines
                if "ipv4 mpls-vpn" in line["neighbor"]["message"]["update"].get("announce", {})
            ]
            assert vpn and all(list(routes) == ["192.168.0.15"] for routes in vpn)


@pytest.mark.slow  # builds a corpus and runs bgpdump and exabgp mrt six times
def test_the_benchmark_runs_on_a_small_table(tmp_path):
    """benchmarks/mrt_read.py on 2,500 routes: it compares our -m with bgpdump's before timing (exit 1 if not)."""
    require_gen_corpus()
    interop.require("bgpdump")
    bgpkit.require()  # pybgpkit-parser, the other contender
    import sys

    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "mrt_read.py")
    out = tmp_path / "result.json"
    command = [sys.executable, script, "--v4", "2000", "--v6", "500", "--runs", "1", "--json-out", str(out)]
    command += ["--ours", os.path.join(os.path.dirname(sys.executable), "exabgp")]
    # from tmp_path: the script's `python -c` measurements would import the repository's source tree
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    measured = json.loads(out.read_text())
    assert {(row["file"], row["command"]) for row in measured} == {
        (name, command)
        for name in ("table.mrt", "table.rib")
        for command in (
            "bgpdump -m",
            "bgpdump (records)",
            "exabgp mrt -m",
            "exabgp mrt (json)",
            "mrt.columns (numpy)",
            "pybgpkit",
        )
    }
    assert all(row["lines"] == 2500 and row["wall"] > 0 for row in measured)


def test_standard_input_and_a_closed_pipe(tmp_path, sample):
    """``-`` reads standard input (compressed too); a reader that goes away ends the command without a traceback."""
    import sys

    program = os.path.join(os.path.dirname(sys.executable), "exabgp")
    packed = gzip.compress(sample.read_bytes())
    done = subprocess.run([program, "mrt", "-m", "-"], input=packed, capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout.decode() == samples.run_mrt([sample])[1]
    big = tmp_path / "big.mrt"
    big.write_bytes(sample.read_bytes() * 2000)
    for option in ("-m", ""):  # quiet as cat, exit code 1 (Python's for EPIPE): no "Broken pipe" on stderr
        script = f"'{program}' mrt {option} '{big}' | head -1; echo \"${{PIPESTATUS[0]}}\" >&2"
        reader_gone = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60)
        assert reader_gone.stdout.count(b"\n") == 1 and reader_gone.stderr == b"1\n"
