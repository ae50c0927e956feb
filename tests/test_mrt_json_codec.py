"""``exabgp mrt`` (JSON lines) with the `_mrt` codec's `json_lines` in front, on both twins: the general path's text.

The general path (`exabgp.mrt.reader` then `exabgp.mrt.jsonlines.JsonPrinter`
record by record) is held to ExaBGP 5.0.15's lines in tests/test_mrt.py.
Here the expected output is that general path's own, computed in the test
with a codec that takes no record; each twin of `json_lines` then runs in
front of it, as ``exabgp mrt`` runs it, and the lines, their counters and
the errors must be the same, on the hand-written records of
`qa.mrt_samples`, on gen_corpus's update files and RIB dumps and on
damaged copies of the samples.
"""

import io
import types

import pytest

from exabgp.api.envelope import DaemonFields
from exabgp.cli.mrt import _print
from exabgp.mrt import reader
from exabgp.mrt.jsonlines import JsonPrinter
from qa import mrt_samples as samples
from qa.damage import damaged_copies

#: a codec that takes no record: everything goes through the general path
GENERAL = types.SimpleNamespace(json_lines=lambda data, start, *rest: (start, 0, ""))
DAEMON = DaemonFields("collector", 4242, 1)


def lines(data: bytes, codec) -> tuple:
    """(text, errors, records the codec took) of ``exabgp mrt`` on `data` with `codec` in front."""
    printer = JsonPrinter(DAEMON, codec=codec)
    taken = []

    def fast(buffer, position):
        stop, count, text = printer.fast(buffer, position)
        taken.append(count)
        return stop, count, text

    out = io.StringIO()
    errors: list = []
    _print(printer, reader.read(io.BytesIO(data), errors.append, fast), out, errors.append)
    return out.getvalue(), [str(error) for error in errors], sum(taken)


def test_sample_lines_are_the_general_paths(codec, sample):
    data = sample.read_bytes()
    text, errors, taken = lines(data, codec)
    assert (text, errors) == lines(data, GENERAL)[:2]
    assert errors == [] and text.count("\n") > 30
    # the codec takes the UPDATEs of a neighbor seen before that render_update renders, nothing else
    assert 0 < taken < len(list(reader.records(io.BytesIO(data))))


@pytest.mark.parametrize("options", [[], ["--add-path", "2"], ["--asn2"]], ids=["plain", "add-path", "asn2"])
def test_gen_corpus_files_are_the_general_paths(codec, tmp_path, options):
    """gen_corpus's updates and RIB dump (2,500 routes): the same lines; the update file's records are the
    codec's but the first of the peer (which the general path prints, learning its envelope), and so are the
    RIB dump's records but its peer index table."""
    updates, rib = samples.gen_corpus_files(tmp_path, 2000, 500, *options)
    for path in (updates, rib):
        data = path.read_bytes()
        text, errors, taken = lines(data, codec)
        assert (text, errors) == lines(data, GENERAL)[:2]
        assert errors == [] and text.count("\n") >= 900
        records = list(reader.records(io.BytesIO(data)))
        if path == rib:  # the unicast RIB records (TABLE_DUMP_V2 subtypes 2 and 4, 8 and 10 with ADD-PATH)
            assert taken == sum(1 for record in records if record[4] == 13 and record[5] in (2, 4, 8, 10)) > 0
        elif options != ["--asn2"]:
            assert taken == len(records) - 1


def test_damaged_samples_print_the_same_with_and_without_the_codec(codec):
    """400 damaged copies of the samples (the sample file twice, so that the codec meets known neighbors)."""
    for copy in damaged_copies(samples.sample_file() * 2, 50, 400):
        assert lines(copy, codec)[:2] == lines(copy, GENERAL)[:2], copy.hex()


def test_arguments_are_checked_alike(codec):
    with pytest.raises(ValueError, match="outside the buffer"):
        codec.json_lines(b"", 1, {}, (), [], "", "", "")
    assert codec.json_lines(b"\x00" * 11, 0, {}, (), [], "", "", "") == (0, 0, "")  # a partial header: nothing taken
