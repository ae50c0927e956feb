"""`exabgp.*` settings: the 5.0 table, the reading order, parsing rules, aliases, `exabgp env` output."""

import pytest

from exabgp.config import environment
from exabgp.config.environment import SETTINGS, SettingError, env_lines, ini_lines, load

# `exabgp env` of ExaBGP 5.0.15 with nothing set (recorded output, INI form)
DEFAULT_INI = """
[exabgp.api]
ack = true
chunk = 1
cli = true
compact = false
encoder = json
pipename = 'exabgp'
respawn = true
show-routes-format = v1
terminate = false

[exabgp.bgp]
openwait = 60
passive = false

[exabgp.cache]
attributes = true
nexthops = true

[exabgp.daemon]
daemonize = false
drop = true
pid = ''
umask = '0o137'
user = 'nobody'

[exabgp.log]
all = false
configuration = true
daemon = true
destination = 'stdout'
enable = true
level = INFO
message = false
network = true
packets = false
parser = false
processes = true
reactor = true
rib = false
routes = false
short = true
statistics = true
timers = false

[exabgp.pdb]
enable = false

[exabgp.profile]
enable = false
file = ''

[exabgp.reactor]
speed = 1.0

[exabgp.tcp]
acl = false
attempts = 0
bind = ''
delay = 0
once = false
port = 179"""


def test_the_table_holds_every_5_0_key_once():
    names = [(s.section, s.key) for s in SETTINGS]
    assert len(names) == len(set(names)) == 52
    assert {s.section for s in SETTINGS} == {
        "profile",
        "pdb",
        "daemon",
        "log",
        "tcp",
        "bgp",
        "cache",
        "api",
        "reactor",
        "debug",
    }
    assert all(s.kind in environment.KINDS and s.description for s in SETTINGS)


def test_defaults_print_as_exabgp_5_does():
    assert "\n".join(ini_lines(load({}, ""))) == DEFAULT_INI
    lines = env_lines(load({}, ""))
    assert lines[0] == "exabgp.profile.enable=false" and lines[-1] == "exabgp.reactor.speed=1.0"
    assert "exabgp.daemon.umask='0o137'" in lines and not any(".debug." in line for line in lines)
    assert env_lines(load({}, ""), diff=True) == [] and ini_lines(load({}, ""), diff=True) == []


def test_reading_order_dotted_then_underscored_then_ini_then_default():
    ini = "[exabgp.tcp]\nport = 1000\ndelay = '5'\n[exabgp.api]\nack = false\n"
    assert load({}, ini).get("tcp", "port") == 1000
    assert load({"exabgp_tcp_port": "2000"}, ini).get("tcp", "port") == 2000
    assert load({"exabgp_tcp_port": "2000", "exabgp.tcp.port": "3000"}, ini).get("tcp", "port") == 3000
    settings = load({"exabgp.tcp.port": "1790", "exabgp_api_ack": "false"}, '[exabgp.daemon]\numask = "0777"\n')
    assert env_lines(settings, diff=True) == [
        "exabgp.daemon.umask='0o777'",
        "exabgp.tcp.port=1790",
        "exabgp.api.ack=false",
    ]
    assert ini_lines(settings, diff=True) == [
        "",
        "[exabgp.api]",
        "ack = false",
        "",
        "[exabgp.daemon]",
        "umask = '0o777'",
        "",
        "[exabgp.tcp]",
        "port = 1790",
    ]
    assert load({}, ini).get("tcp", "delay") == 5 and load({}, "").get("tcp", "delay") == 0
    assert load({}, "[exabgp.tcp]\nport\n").get("tcp", "port") == 179  # a key without value keeps the default


def test_ini_keys_are_read_whatever_their_case_section_names_are_not():
    """As 5.0.15 reads ``exabgp --env-file F env`` (recorded: ``Port = 1000`` gives port 1000,
    ``LEVEL = DEBUG`` level DEBUG, and ``[EXABGP.BGP]`` is not the ``exabgp.bgp`` section)."""
    settings = load({}, "[exabgp.tcp]\nPort = 1000\n[exabgp.log]\nLEVEL = DEBUG\n[EXABGP.BGP]\nopenwait = 77\n")
    assert settings.get("tcp", "port") == 1000
    assert settings.get("log", "level") == "DEBUG"
    assert settings.get("bgp", "openwait") == 60


@pytest.mark.parametrize(
    "text, value",
    [
        ("1", True),
        ("yes", True),
        ("ON", True),
        ("Enable", True),
        ("true", True),
        ("0", False),
        ("no", False),
        ("enabled", False),
        ("garbage", False),
        ("", False),
    ],
)
def test_booleans_are_true_only_for_5_0_words(text, value):
    assert load({"exabgp_log_all": text}, "").get("log", "all") is value


def test_typed_values():
    settings = load(
        {
            "exabgp_daemon_umask": "022",
            "exabgp_tcp_bind": "127.0.0.1 ::1",
            "exabgp_log_level": "debug",
            "exabgp_api_encoder": "TEXT",
            "exabgp_reactor_speed": "0.5",
            "exabgp_log_destination": "'syslog'",
        },
        "",
    )
    assert settings.get("daemon", "umask") == 0o22
    assert settings.get("tcp", "bind") == ("127.0.0.1", "::1")
    assert (settings.get("log", "level"), settings.get("api", "encoder")) == ("DEBUG", "text")
    assert settings.get("reactor", "speed") == 0.5 and settings.get("log", "destination") == "syslog"
    assert "exabgp.tcp.bind='127.0.0.1 ::1'" in env_lines(settings)


@pytest.mark.parametrize(
    "name, text",
    [
        ("exabgp_tcp_port", "abc"),
        ("exabgp.daemon.umask", "9"),
        ("exabgp_tcp_bind", "127.0.0.1 nowhere"),
        ("exabgp_log_level", "LOUD"),
        ("exabgp_api_encoder", "xml"),
        ("exabgp_api_show-routes-format", "v3"),
        ("exabgp_reactor_speed", "fast"),
    ],
)
def test_bad_values_say_which_key(name, text):
    section, key = name.replace("exabgp_", "").replace("exabgp.", "").replace("_", ".", 1).split(".", 1)
    with pytest.raises(SettingError) as info:
        load({name: text}, "")
    assert str(info.value) == f"invalid value for {section}.{key} : {text}"


def test_daemon_user_must_exist_when_checked():
    assert load({"exabgp_daemon_user": "ghost"}, "").get("daemon", "user") == "ghost"  # no check asked
    with pytest.raises(SettingError, match="invalid value for daemon.user : ghost"):
        load({"exabgp_daemon_user": "ghost"}, "", user_exists=lambda name: name == "root")
    assert (
        load({"exabgp_daemon_user": "root"}, "", user_exists=lambda name: name == "root").get("daemon", "user")
        == "root"
    )


def test_tcp_aliases():
    assert load({"exabgp_tcp_connections": "3"}, "").get("tcp", "attempts") == 3
    assert load({"exabgp.tcp.connections": "2", "exabgp_tcp_attempts": "9"}, "").get("tcp", "attempts") == 2
    assert load({"exabgp_tcp_once": "true"}, "").get("tcp", "attempts") == 1
    assert load({"exabgp_tcp_once": "false"}, "[exabgp.tcp]\nattempts = 4\n").get("tcp", "attempts") == 0
    assert load({"exabgp_tcp_once": "true", "exabgp_tcp_attempts": "5"}, "").get("tcp", "attempts") == 5
    assert load({}, "[exabgp.tcp]\nonce = true\n").get("tcp", "attempts") == 0  # tcp.once: environment only


def test_broken_ini_is_an_error():
    with pytest.raises(SettingError, match="invalid environment file"):
        load({}, "port = 1\n")
