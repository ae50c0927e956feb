"""The path attribute header, read once (`exabgp._codec.headers`; RFC 4271 section 4.3).

The compiled twins inline the C form of the same function (``_octets.pxd``);
the twin differential tests (`tests/test_codec_differential.py`) hold the two
equal through every walk that uses them.  These cases pin the rule itself.
"""

import pytest

from exabgp._codec.headers import attribute_value
from exabgp._codec.tables import EXTENDED_LENGTH, OPTIONAL, ORIGIN, TRANSITIVE


@pytest.mark.parametrize(
    ("data", "offset", "end", "expected"),
    [
        (bytes((TRANSITIVE, ORIGIN, 1, 0)), 0, 4, (3, 4)),  # one length octet
        (bytes((TRANSITIVE, ORIGIN, 0)), 0, 3, (3, 3)),  # an empty value
        (bytes((OPTIONAL | EXTENDED_LENGTH, 8, 1, 0)) + bytes(256), 0, 260, (4, 260)),  # two length octets
        (
            b"\xff" + bytes((TRANSITIVE, ORIGIN, 9)),
            1,
            4,
            (4, 13),
        ),  # at an offset; the value overruns: the caller judges
        (bytes((TRANSITIVE, ORIGIN)), 0, 2, None),  # the header does not fit
        (bytes((TRANSITIVE | EXTENDED_LENGTH, ORIGIN, 0)), 0, 3, None),  # the second length octet is missing
        (bytes((TRANSITIVE, ORIGIN, 1, 0)), 0, 2, None),  # `end` cuts the header, whatever follows it
    ],
)
def test_attribute_value(data, offset, end, expected):
    assert attribute_value(data, offset, end) == expected
