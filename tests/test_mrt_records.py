"""BGP4MP_ET records of a run of received UPDATEs (`_codec.bgp4mp_records`, the `_mrt` topic), on both twins.

Each expected record is packed here from RFC 6396 (section 3, the MRT header with BGP4MP_ET's
microseconds; section 4.4.3, MESSAGE_AS4's peer AS, local AS, interface index, AFI and addresses) and
RFC 8050 (the *_ADDPATH subtypes), and each run's index comes from the `index` topic, as the session
makes it.  `tests/test_reactor_mrt.py` reads what a daemon writes back with bgpdump.
"""

import struct
from array import array

import pytest

from exabgp._codec.tables import INDEX_FIELDS, INDEX_START
from qa.wire import attribute, update

BGP4MP_ET, MESSAGE_AS4, MESSAGE_AS4_ADDPATH = 17, 4, 9
#: the session's part of every record: peer AS 65001, local AS 65000, interface 0, AFI 1, 192.0.2.2, 192.0.2.1
HEAD = struct.pack("!IIHH4s4s", 65001, 65000, 0, 1, bytes((192, 0, 2, 2)), bytes((192, 0, 2, 1)))
BASE = attribute(0x40, 1, b"\x00") + attribute(0x40, 2, b"")


def message(body: bytes) -> bytes:
    return b"\xff" * 16 + (19 + len(body)).to_bytes(2, "big") + b"\x02" + body


def mp(code: int, afi: int, nlri: bytes) -> bytes:
    """An MP_REACH_NLRI (with a next hop) or MP_UNREACH_NLRI attribute of unicast `afi` (RFC 4760)."""
    hop = bytes(4) if afi == 1 else bytes(16)
    value = afi.to_bytes(2, "big") + b"\x01" + (bytes((len(hop),)) + hop + b"\x00" if code == 14 else b"") + nlri
    return attribute(0x80, code, value)


MESSAGES = [
    message(update(attributes=BASE + attribute(0x40, 3, bytes((192, 0, 2, 9))), nlri=b"\x18\x0a\x00\x00")),
    message(update(attributes=BASE + mp(14, 2, b"\x20\x20\x01\x0d\xb8"))),
    message(update(withdrawn=b"\x10\x0a\x01")),
    message(update(attributes=mp(15, 2, b"\x20\x20\x01\x0d\xb8"))),
]
FAMILIES = [1, 2, 1, 2]  # of the MP attribute, IPv4 without one


def expected(messages, families, seconds, micro, subtype, subtype6) -> bytes:
    return b"".join(
        struct.pack("!IHHII", seconds, BGP4MP_ET, subtype6 if family == 2 else subtype, 4 + len(HEAD) + len(m), micro)
        + HEAD
        + m
        for m, family in zip(messages, families, strict=True)
    )


def run(codec):
    octets = b"".join(MESSAGES)
    used, index = codec.index_updates(octets, 4096, False, False, True, True, True, False)
    assert used == len(octets) and len(index) == INDEX_FIELDS * len(MESSAGES)
    return octets, index


@pytest.mark.parametrize(("subtype", "subtype6"), [(MESSAGE_AS4, MESSAGE_AS4), (MESSAGE_AS4, MESSAGE_AS4_ADDPATH)])
def test_records_of_a_run(codec, subtype, subtype6):
    octets, index = run(codec)
    records = codec.bgp4mp_records(octets, index, HEAD, 1733450000, 123456, subtype, subtype6)
    assert records == expected(MESSAGES, FAMILIES, 1733450000, 123456, subtype, subtype6)


def test_records_of_part_of_a_run_read_in_place(codec):
    octets, index = run(codec)
    tail = index[2 * INDEX_FIELDS :]
    records = codec.bgp4mp_records(octets, tail, HEAD, 7, 0, 4, 9)
    assert records == expected(MESSAGES[2:], FAMILIES[2:], 7, 0, 4, 9)
    assert codec.bgp4mp_records(octets, array("i"), HEAD, 7, 0, 4, 9) == b""


def test_an_index_outside_the_octets_is_refused(codec):
    octets, index = run(codec)
    for field, value in ((INDEX_START, -1), (INDEX_START, len(octets) + 1)):
        bad = array("i", index)
        bad[field] = value
        with pytest.raises(ValueError, match="index record 0 outside"):
            codec.bgp4mp_records(octets, bad, HEAD, 7, 0, 4, 9)
    with pytest.raises(ValueError, match="index record 3 outside"):
        codec.bgp4mp_records(octets[:-1], index, HEAD, 7, 0, 4, 9)


def test_numbers_out_of_range_are_refused_alike(codec):
    octets, index = run(codec)
    for seconds, subtype in ((-1, 4), (1 << 32, 4), (7, 1 << 16)):
        with pytest.raises(OverflowError):
            codec.bgp4mp_records(octets, index, HEAD, seconds, 0, subtype, subtype)
