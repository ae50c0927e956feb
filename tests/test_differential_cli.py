"""The command line against ExaBGP 5.0.15 (`qa.differential.cli`): no divergence but the listed ones.

Every form of `qa.differential.cli.forms()` (help of every sub-command and
entry point, version, env, validate on good and bad files and on the
reference configurations when ../shared is present, decode misused) is run
by our installed programs and by the oracle's, in parallel threads; exit
code, stdout and stderr must be the same after the form's masks, or the
divergence must be one of `qa.differential.known` (area ``cli``).  The
entries of that table are checked to be narrow: each explains its case and
not a neighbour of it.
"""

import importlib
import pytest

pytestmark = pytest.mark.slow  # runs ExaBGP 5.0.15 (the oracle) on every form of the command line


oracle = importlib.import_module("qa.oracle")
cli = importlib.import_module("qa.differential.cli")
known = importlib.import_module("qa.differential.known")


def test_no_unexplained_divergence():
    oracle.require_oracle()
    results = cli.compare_all()
    divergent = [result for result in results if result.divergent]
    assert not divergent, "\n\n".join(f"{result.form.name}\n{result.diff()}" for result in divergent)
    plain = [result for result in results if not result.form.name.startswith("validate -")]
    # most forms are the same, the help that lists our `mrt` sub-command counting as the same help
    assert sum(result.same or result.explained_by == "mrt sub-command" for result in plain) > len(plain) / 2
    flagged = [result for result in results if result.form.name.startswith("validate -")]
    assert flagged and all(result.same or result.explained_by for result in flagged)
    assert sum(result.explained_by == "validate-report" for result in flagged) > len(flagged) / 2
    names = {result.form.name for result in results}
    assert {
        "--run healthcheck --help",
        "python -m exabgp healthcheck --help",
        "exabgp-healthcheck --help",
        "exabgp-cli --help",
        "decode, no payload",
        "validate, good file",
    } <= names


def _bad_file_outcomes(path="/x/bad.conf"):
    message = f"{path} is not a valid config file: {path}:4:5: unknown neighbor keyword 'colour'"
    ours = cli.Outcome(1, "", f"configuration   loading {path}\nconfiguration   {message}\nerror: {message}\n")
    account = ["syntax error in section neighbor", "line 3: colour blue ;", "", 'invalid keyword "colour"']
    theirs = cli.Outcome(
        1,
        "",
        f"configuration   loading {path}\nconfiguration   {path} is not a valid config file: \n"
        + "".join(f"configuration   {line}\n" for line in account)
        + f"error: {path} is not a valid config file: \n"
        + "".join(f"{line}\n" for line in account),
    )
    return ours, theirs


def test_the_known_differences_are_narrow():
    validate = cli.Form("v", "exabgp", ("validate", "/x/bad.conf"))
    ours, theirs = _bad_file_outcomes()
    assert known.explain("cli", validate, ours, theirs) == "configuration error position"
    # not when the verdicts differ, nor for another command, nor when the file named is another one
    assert known.explain("cli", validate, cli.Outcome(0, "", ours.stderr), theirs) is None
    assert known.explain("cli", cli.Form("d", "exabgp", ("decode", "00")), ours, theirs) is None
    assert known.explain("cli", validate, ours, _bad_file_outcomes("/y/other.conf")[1]) is None
    # 5.0.15's account must be its block and nothing else: logged and printed alike, no traceback after it
    assert (
        known.explain(
            "cli", validate, ours, cli.Outcome(1, "", theirs.stderr.replace("line 3: colour", "line 4: colour", 1))
        )
        is None
    )
    assert (
        known.explain("cli", validate, ours, cli.Outcome(1, "", theirs.stderr + "Traceback (most recent call last):\n"))
        is None
    )
    # its parser's trace is left out with -n / -r / -v only
    traced = cli.Outcome(1, "", theirs.stderr.replace("\n", "\nconfiguration   > neighbor         | '192.0.2.1'\n", 1))
    assert known.explain("cli", cli.Form("v", "exabgp", ("validate", "-nrv", "/x/bad.conf")), ours, traced) == (
        "configuration error position"
    )
    assert known.explain("cli", validate, ours, traced) is None
    # a bad setting: only against 5.0.15's traceback
    env = cli.Form("e", "exabgp", ("env",))
    traceback = cli.Outcome(1, "", 'Traceback (most recent call last):\n  File "x"\nValueError: invalid literal\n')
    assert known.explain("cli", env, cli.Outcome(1, "", "invalid value for tcp.port : many\n"), traceback) == (
        "bad setting in the env file"
    )
    assert (
        known.explain(
            "cli",
            env,
            cli.Outcome(1, "", "invalid value for tcp.port : many\n"),
            cli.Outcome(1, "", "invalid value for tcp.port : other\n"),
        )
        is None
    )
    conf = "/x/p.conf"
    # with -n -r -v: the progress lines and the verdict count, 5.0.15's trace and our stdout do not
    flagged = cli.Form("v", "exabgp", ("validate", "-nrv", conf))
    trace = cli.Outcome(
        0,
        "",
        f"configuration   loading {conf}\nconfiguration   > neighbor | '192.0.2.1'\n"
        "configuration   \u2713 loading\nconfiguration   checking neighbors\n"
        "configuration   \u2713 neighbor  192.0.2.1\nparser          update size is 48\n",
    )
    mine = cli.Outcome(
        0,
        "neighbor 192.0.2.1 {\n}\n",
        f"configuration   loading {conf}\nconfiguration   \u2713 loading\n"
        "configuration   checking neighbors\n"
        "configuration   \u2713 neighbor  192.0.2.1\n",
    )
    assert known.explain("cli", flagged, mine, trace) == "validate-report"
    assert known.explain("cli", cli.Form("v", "exabgp", ("validate", conf)), mine, trace) is None  # no flag
    assert known.explain("cli", flagged, cli.Outcome(1, mine.stdout, mine.stderr), trace) is None  # verdict
    assert (
        known.explain("cli", flagged, mine, cli.Outcome(0, "", trace.stderr.replace("192.0.2.1\n", "192.0.2.9\n")))
        is None
    )
    assert known.explain("cli", flagged, mine, cli.Outcome(0, "x", trace.stderr)) is None  # 5.0.15 printed


def test_the_entries_for_files_5_0_15_accepts_are_narrow():
    """A refusal 5.0.15 does not share is explained only for its own reason, and only against 5.0.15's
    acceptance (issue 9's corpus: tests/configs/bad)."""
    path = "/x/bad.conf"
    validate = cli.Form("v", "exabgp", ("validate", path))
    accepted = cli.Outcome(0, "", f"configuration   loading {path}\nconfiguration   \u2713 loading\n")

    def refused(reason):
        message = f"{path} is not a valid config file: {path}:9:52: {reason}"
        return cli.Outcome(1, "", f"configuration   loading {path}\nconfiguration   {message}\nerror: {message}\n")

    assert known.explain("cli", validate, refused("label 1048576 is out of range"), accepted) == (
        "MPLS label over 20 bits"
    )
    assert known.explain("cli", validate, refused("'70000' is not a valid port (0-65535)"), accepted) == (
        "listen port over 65535"
    )
    route = (
        "the route ipv4 unicast 10.0.0.0/24 can not be sent: a path attribute over 65535 octets, which no "
        "UPDATE can carry"
    )
    assert known.explain("cli", validate, refused(route), accepted) == "route too large for any UPDATE"
    # another reason, or 5.0.15 refusing too (then only the position entry applies), is not these entries
    assert known.explain("cli", validate, refused("med 4294967296 is out of range"), accepted) is None
    theirs = _bad_file_outcomes(path)[1]
    assert known.explain("cli", validate, refused("label 1048576 is out of range"), theirs) == (
        "configuration error position"
    )


def test_the_mrt_sub_command_is_the_only_help_difference_explained():
    """The help of `exabgp` lists our `mrt` sub-command; any other difference in it stays a divergence."""
    theirs_text = (
        "usage: exabgp [-h] {version,cli,decode,validate} ...\n\npositional arguments:\n"
        "  {version,cli,decode,validate}\n    decode              decode hex-encoded bgp packets\n"
    )
    ours_text = (
        "usage: exabgp [-h]\n              {version,cli,decode,validate,mrt} ...\n\npositional arguments:\n"
        "  {version,cli,decode,validate,mrt}\n    decode              decode hex-encoded bgp packets\n"
        "    mrt                 read MRT archives (as JSON, or as bgpdump -m)\n"
    )
    form = cli.Form("--help", "exabgp", ("--help",))
    theirs = cli.Outcome(0, theirs_text, "")
    assert known.explain("cli", form, cli.Outcome(0, ours_text, ""), theirs) == "mrt sub-command"
    other = ours_text.replace("decode hex-encoded", "decode hex")
    assert known.explain("cli", form, cli.Outcome(0, other, ""), theirs) is None
    assert known.explain("cli", form, cli.Outcome(1, ours_text, ""), theirs) is None
    # `python -m exabgp --help`: the longer program name wraps ours once more, before its "..."
    theirs_main = "usage: __main__.py [-h]\n                   {version,cli,decode,validate} ...\n"
    ours_main = (
        "usage: __main__.py [-h]\n                   {version,cli,decode,validate,mrt}\n                   ...\n"
    )
    main_theirs = cli.Outcome(0, theirs_main, "")
    assert known.explain("cli", form, cli.Outcome(0, ours_main, ""), main_theirs) == "mrt sub-command"
