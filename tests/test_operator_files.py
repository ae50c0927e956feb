"""The man pages and shell completions: generated from the parsers and the grammar, committed, used (issue 10).

* drift: `qa.manpages` and `qa.completion` regenerate every file and the
  committed ones must be identical (``python -m qa.manpages`` and
  ``python -m qa.completion`` rewrite them); every keyword of the grammar's
  tables has its description in exabgp.conf(5) and no description names a
  keyword the grammar lost;
* the pages: groff formats them without a warning, ``man`` finds them
  through MANPATH (``man -w exabgp``, ``man -w 5 exabgp.conf``) and the
  formatted text holds every option of every program, every setting and
  every neighbor keyword;
* bash: the completion functions, sourced in bash and called as
  bash-completion calls them (COMP_WORDS, COMP_CWORD), offer exactly the
  sub-commands and, after ``-``, exactly the options each parser has; file
  names for a configuration; the next words of the API commands for
  ``exabgp-cli``;
* zsh: ``zsh -n`` accepts the file, the options each function lists are
  exactly those of its parser, and an interactive zsh (on a pseudo-terminal,
  ``zsh/zpty``) completes sub-commands, options, files and API words.

groff, man, bash and zsh missing: the test skips, and fails under
EXABGP_INTEROP=1 (.ci/run installs them).
"""

import os
import re
import shutil
import subprocess

import pytest

from exabgp.config import environment
from exabgp.config import neighbor as neighbor_grammar
from qa import completion, manpages, parsers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAN = os.path.join(ROOT, "man")
COMPLETION = os.path.join(ROOT, "completion")
PAGES = {
    "exabgp": "man1/exabgp.1",
    "exabgp-cli": "man1/exabgp-cli.1",
    "exabgp-healthcheck": "man1/exabgp-healthcheck.1",
    "exabgp.conf": "man5/exabgp.conf.5",
}


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("EXABGP_INTEROP") == "1":
            pytest.fail(f"{name} is not installed (EXABGP_INTEROP=1)")
        pytest.skip(f"{name} is not installed")
    return found


# ---------------------------------------------------------------- drift


def test_the_committed_man_pages_are_generated_from_the_parsers_and_the_grammar():
    assert manpages.differences(MAN, manpages.pages()) == [], "stale man pages: run python -m qa.manpages"


def test_the_committed_completions_are_generated_from_the_parsers():
    assert manpages.differences(COMPLETION, completion.files()) == [], "stale completions: run python -m qa.completion"


def test_every_grammar_keyword_is_described_and_every_description_has_its_keyword():
    assert manpages.grammar_problems() == []


def test_the_generator_refuses_a_keyword_without_description(monkeypatch):
    monkeypatch.setitem(neighbor_grammar._NEIGHBOR, "new-keyword", None)
    assert manpages.grammar_problems() == ["neighbor keyword 'new-keyword' has no description in qa/manpages.py"]
    with pytest.raises(ValueError):
        manpages.conf_page()


def test_check_mode_reports_a_page_edited_by_hand(tmp_path):
    manpages.write(str(tmp_path), manpages.pages())
    assert manpages.run(["--check", str(tmp_path)], manpages.pages, "", "qa.manpages") == 0
    page = tmp_path / "man1" / "exabgp.1"
    page.write_text(page.read_text().replace("SIGUSR1", "SIGUSR3"))
    assert manpages.run(["--check", str(tmp_path)], manpages.pages, "", "qa.manpages") == 1


# ---------------------------------------------------------------- man pages


@pytest.mark.parametrize("name", sorted(PAGES))
def test_groff_formats_the_page_without_warnings(name):
    done = subprocess.run(
        [tool("groff"), "-man", "-Tutf8", "-ww", "-z", os.path.join(MAN, PAGES[name])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_man_finds_the_pages_through_manpath():
    env = dict(os.environ, MANPATH=MAN)
    for section, name in (("1", "exabgp"), ("1", "exabgp-cli"), ("1", "exabgp-healthcheck"), ("5", "exabgp.conf")):
        done = subprocess.run([tool("man"), "-w", section, name], env=env, capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == os.path.join(MAN, PAGES[name])


def formatted(name: str) -> str:
    env = dict(os.environ, MANWIDTH="200", MAN_KEEP_FORMATTING="", MANROFFOPT="")
    done = subprocess.run(
        [tool("man"), "-l", "-P", "cat", os.path.join(MAN, PAGES[name])],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return re.sub(r".\x08", "", done.stdout).replace("\u2010", "-").replace("\u2212", "-")


@pytest.mark.parametrize(
    "page, commands",
    [
        ("exabgp", ["exabgp server", "exabgp validate", "exabgp decode", "exabgp env"]),
        ("exabgp-cli", ["exabgp-cli"]),
        ("exabgp-healthcheck", ["exabgp-healthcheck"]),
    ],
)
def test_every_option_is_in_the_man_page(page, commands):
    text = formatted(page)
    for command in commands:
        for flag in parsers.flags(parsers.program(command).parser):
            assert re.search(rf"(^|[\s,\[]){re.escape(flag)}($|[\s,\]])", text, re.M), f"{command} {flag}"


def test_every_setting_is_in_exabgp_1():
    text = formatted("exabgp")
    for setting in environment.SETTINGS:
        assert f"exabgp.{setting.section}.{setting.key}" in text


def test_every_neighbor_keyword_is_in_exabgp_conf_5():
    text = formatted("exabgp.conf")
    for keyword in list(neighbor_grammar._NEIGHBOR) + list(neighbor_grammar._CAPABILITY):
        assert re.search(rf"^\s+{re.escape(keyword)}\b", text, re.M), keyword


# ---------------------------------------------------------------- bash


def complete(tmp_path, function: str, *words: str) -> list:
    """What the bash completion `function` offers for the command line `words` (the last one being completed)."""
    script = "\n".join(
        [
            *(
                f"source {shlex_quote(os.path.join(COMPLETION, 'bash', name))}"
                for name in ("exabgp", "exabgp-cli", "exabgp-healthcheck")
            ),
            "COMP_WORDS=(" + " ".join(shlex_quote(word) for word in words) + ")",
            f"COMP_CWORD={len(words) - 1}",
            f"{function}",
            'printf "%s\\n" "${COMPREPLY[@]}"',
        ]
    )
    done = subprocess.run(
        [tool("bash"), "--norc", "--noprofile", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=30
    )
    assert (done.returncode, done.stderr) == (0, "")
    return [line for line in done.stdout.split("\n") if line]


def shlex_quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


def test_bash_completes_the_sub_commands_and_a_configuration_file(tmp_path):
    (tmp_path / "edge.conf").write_text("")
    assert sorted(complete(tmp_path, "_exabgp", "exabgp", "")) == sorted(
        ["version", "cli", "healthcheck", "decode", "server", "env", "validate", "mrt", "edge.conf"]
    )
    assert complete(tmp_path, "_exabgp", "exabgp", "va") == ["validate"]
    assert complete(tmp_path, "_exabgp", "exabgp", "server", "ed") == ["edge.conf"]
    assert complete(tmp_path, "_exabgp", "exabgp", "--env-file", "e") == ["edge.conf"]
    assert complete(tmp_path, "_exabgp", "exabgp", "server", "--profile", "e") == ["edge.conf"]
    assert complete(tmp_path, "_exabgp", "exabgp", "server", "--signal", "") == []
    assert complete(tmp_path, "_exabgp_healthcheck", "exabgp-healthcheck", "--config", "e") == ["edge.conf"]


@pytest.mark.parametrize("command", [entry.command for entry in parsers.programs() if entry.command != "exabgp"])
def test_bash_offers_exactly_the_options_of_the_parser(tmp_path, command):
    function = {"exabgp-cli": "_exabgp_cli", "exabgp-healthcheck": "_exabgp_healthcheck"}.get(command, "_exabgp")
    words = command.split(" ")
    assert sorted(complete(tmp_path, function, *words, "-")) == sorted(parsers.flags(parsers.program(command).parser))


def test_bash_completes_the_api_commands_word_by_word(tmp_path):
    assert sorted(complete(tmp_path, "_exabgp_cli", "exabgp-cli", "sh")) == ["show", "shutdown"]
    assert sorted(complete(tmp_path, "_exabgp_cli", "exabgp-cli", "show", "")) == ["adj-rib", "neighbor"]
    assert sorted(complete(tmp_path, "_exabgp", "exabgp", "cli", "--pipename", "edge", "show", "adj-rib", "")) == [
        "in",
        "out",
    ]
    first_words = {name.split(" ")[0] for name in completion.API_COMMANDS}
    assert sorted(complete(tmp_path, "_exabgp_cli", "exabgp-cli", "")) == sorted(first_words)


# ---------------------------------------------------------------- zsh


def test_zsh_parses_the_completion():
    done = subprocess.run(
        [tool("zsh"), "-n", os.path.join(COMPLETION, "zsh", "_exabgp")], capture_output=True, text=True, timeout=30
    )
    assert (done.returncode, done.stderr) == (0, "")


#: types a command line in an interactive zsh (on a pseudo-terminal) whose fpath holds our completion, presses
#: TAB, then makes the line ``echo RESULT:<the line>`` and runs it: the completed line comes back on one line
ZSH_SESSION = r"""
zmodload zsh/zpty
zpty session 'zsh -f -i'
zpty -w session "fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; cd $2; PS1='%% '"
zpty -w -n session "$3"$'\t'
sleep 0.3
zpty -w -n session $'\C-a'"echo RESULT:"$'\n'
local line count=0
while (( count++ < 200 )); do
    zpty -r -t session line 2>/dev/null || { sleep 0.1; continue }
    [[ $line == RESULT:* ]] && { print -r -- "${line%%$'\r'*}"; break }
done
zpty -d session
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "typed, completed",
    [
        ("exabgp ser", "exabgp server"),
        ("exabgp val", "exabgp validate"),
        ("exabgp server --pro", "exabgp server --profile"),
        ("exabgp server ed", "exabgp server edge.conf"),
        ("exabgp cli flu", "exabgp cli flush"),
        ("exabgp-cli show adj", "exabgp-cli show adj-rib"),
        ("exabgp-cli --pip", "exabgp-cli --pipename"),
        ("exabgp-healthcheck --no-ip", "exabgp-healthcheck --no-ip-setup"),
    ],
)
def test_zsh_completes_in_an_interactive_shell(tmp_path, typed, completed):
    (tmp_path / "edge.conf").write_text("")
    (tmp_path / "session.zsh").write_text(ZSH_SESSION)
    done = subprocess.run(
        [tool("zsh"), "-f", str(tmp_path / "session.zsh"), os.path.join(COMPLETION, "zsh"), str(tmp_path), typed],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == f"RESULT:{completed}", done.stdout + done.stderr


def test_zsh_lists_exactly_the_options_of_each_parser():
    text = open(os.path.join(COMPLETION, "zsh", "_exabgp")).read()
    functions = dict(re.findall(r"^(_exabgp_\w+)\(\) \{\n(.*?)^\}", text, re.S | re.M))
    for entry in parsers.programs():
        if entry.command == "exabgp":
            continue
        name = "_exabgp_" + entry.command.split(" ")[-1].replace("exabgp-", "")
        listed = re.findall(r"^\s+'(-[^\[=+]+)[=+]?\[", functions[name], re.M)
        assert sorted(listed) == sorted(parsers.flags(entry.parser)), entry.command
