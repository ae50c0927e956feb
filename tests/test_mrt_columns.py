"""`exabgp.mrt.columns`: an MRT file into numpy columns, row for row what ``exabgp mrt -m`` (bgpdump's text) prints.

The reference is the project's own ``-m`` printer, itself compared line for
line with bgpdump 1.6.2 in tests/test_mrt.py: every route line (``A``,
``B`` and ``W``) is one row, in the same order, with the same prefix, path
identifier, peer address and AS, time, origin AS and AS-path length (read
from the AS_PATH text: the last AS of a path ending in a sequence, else 0;
an AS_SET counts 1 and confederation segments 0, RFC 4271 9.1.2.2) and next
hop (bgpdump's ``255.255.255.255`` is a route without one).  Files: the
hand-built records of `qa.mrt_samples` (IPv4, IPv6, add-path, withdrawals,
2-octet ASNs with AS4_PATH, TABLE_DUMP) and the MRT twins of
``../shared/bench/gen_corpus.py`` at reduced sizes (skipped without
../shared, failing under ``EXABGP_REFERENCE_REQUIRED=1``).
"""

import argparse
import bz2
import io
import os
import subprocess
import sys

import numpy as np
import pytest

from exabgp import mrt
from exabgp.cli import mrt as mrt_command
from exabgp.mrt import reader
from exabgp.mrt.columnar import address_text, prefix_text
from qa import mrt_samples as samples


def bgpdump_text(path) -> list[str]:
    """The lines of ``exabgp mrt -m PATH`` (run in this process)."""
    code, out, err = samples.run_mrt([path])
    assert (code, err) == (0, "")
    return out.splitlines()


def path_facts(text: str) -> tuple:
    """(origin AS, AS-path length) of bgpdump's AS_PATH text: ``1 2``, ``{1,2}``, ``(1 2)``, ``[1,2]``."""
    length = 0
    origin = 0
    confederation = False
    for token in text.split():
        if token.startswith("("):
            confederation = True
        if confederation:
            confederation = not token.endswith(")")
            origin = 0
        elif token.startswith("{"):
            length += 1
            origin = 0
        elif token.startswith("["):
            origin = 0
        else:
            length += 1
            origin = int(token)
    return origin, length


def expected_rows(lines) -> list[tuple]:
    """(prefix, path id, peer address, peer AS, time, withdrawn, origin AS, path length, next hop) per route line."""
    rows = []
    for line in lines:
        fields = line.split("|")
        kind, time, action, peer, peer_as = fields[:5]
        if action == "STATE":
            continue
        addpath = kind.endswith("_AP")
        prefix = fields[5]
        path_id = int(fields[6]) if addpath else 0
        rest = fields[7:] if addpath else fields[6:]
        if action == "W":
            rows.append((prefix, path_id, peer, int(peer_as), float(time), True, 0, 0, None))
            continue
        origin, length = path_facts(rest[0])
        nexthop = None if rest[2] == "255.255.255.255" else rest[2]
        rows.append((prefix, path_id, peer, int(peer_as), float(time), False, origin, length, nexthop))
    return rows


def column_rows(columns) -> list[tuple]:
    rows = []
    for i in range(len(columns)):
        peer = columns.peers[columns.peer[i]]
        nexthop = None
        if columns.nexthop_afi[i]:
            nexthop = address_text(columns.nexthop_afi[i], columns.nexthop_hi[i], columns.nexthop_lo[i])
        prefix = prefix_text(columns.afi[i], columns.prefix_hi[i], columns.prefix_lo[i], columns.length[i])
        rows.append(
            (
                prefix,
                int(columns.path_id[i]),
                peer.address,
                peer.asn,
                float(columns.time[i]),
                bool(columns.withdrawn[i]),
                int(columns.origin_as[i]),
                int(columns.as_path_length[i]),
                nexthop,
            )
        )
    return rows


def test_sample_rows_are_the_bgpdump_lines(sample):
    columns = mrt.columns(sample)
    expected = expected_rows(bgpdump_text(sample))
    assert len(expected) == 35
    assert column_rows(columns) == expected
    # the families, the add-path identifiers and the withdrawals are all in the sample
    assert set(columns.afi.tolist()) == {1, 2}
    assert sorted(set(columns.path_id.tolist())) == [0, 1, 2, 3, 7, 9]
    assert int(columns.withdrawn.sum()) == 6
    assert (columns.attribute_set[columns.withdrawn] == -1).all()
    assert (columns.attribute_set[~columns.withdrawn] >= 0).all()


def test_table_dump_rows_are_the_bgpdump_lines(tmp_path):
    """TABLE_DUMP records (IPv4, IPv6, the early RIS ones 4 octets short): a row per line, the peers by address and
    AS, the sets of 2-octet ASNs; a prefix with host bits keeps the octets its length covers, as in an NLRI."""
    path = tmp_path / "dump.mrt"
    path.write_bytes(samples.table_dump_file())
    columns = mrt.columns(path)
    expected = expected_rows(bgpdump_text(path))
    assert len(expected) == 14
    assert expected[3][0] == "10.20.30.40/8"
    expected[3] = ("10.0.0.0/8", *expected[3][1:])
    assert column_rows(columns) == expected
    assert columns.originated.tolist() == [1600000000] * 14
    assert not columns.attribute_asn4.any() and (columns.attribute_set >= 0).all()
    assert sorted((peer.address, peer.asn) for peer in columns.peers) == [
        ("192.0.2.1", 64496),
        ("192.0.2.5", 65001),
        ("2001:db8::1", 64496),
        ("2001:db8::5", 65001),
    ]


def test_attribute_sets_are_interned_by_their_octets(sample):
    columns = mrt.columns(sample)
    sets = columns.attribute_sets
    assert len(set(zip(sets, columns.attribute_asn4.tolist(), strict=True))) == len(sets)
    ribs = [item for item in reader.read(sample) if isinstance(item, reader.RibRecord) and item.safi == 1]
    entries = [entry for item in ribs if item.record.subtype not in (6, 12) for entry in item.entries]
    rib_rows = np.flatnonzero((columns.originated > 0) & (columns.peer < len(samples.PEERS)))  # not TABLE_DUMP
    assert [sets[columns.attribute_set[row]] for row in rib_rows] == [entry[3] for entry in entries]
    assert columns.originated[rib_rows].tolist() == [entry[1] for entry in entries]
    # the two 10.0.0.0/8 entries share the peer, not the set; 10.0.0.0/8 and 192.168.128.0/17 share the first set
    first, second, third, fourth = columns.attribute_set[:4].tolist()
    assert first == third == fourth != second


def test_compressed_and_streamed_files_give_the_same_columns(tmp_path, sample):
    packed = tmp_path / "sample.mrt.bz2"
    packed.write_bytes(bz2.compress(sample.read_bytes()))
    plain = mrt.columns(sample)
    for source in (packed, io.BytesIO(sample.read_bytes())):
        other = mrt.columns(source)
        for name, values in plain.arrays().items():
            assert np.array_equal(values, other.arrays()[name]), name


def test_a_bad_record_is_named_and_the_others_are_rows(tmp_path, sample):
    good = samples.sample_file()
    path = tmp_path / "bad.mrt"
    broken = samples.bgp4mp_message(samples.update(nlri=bytes((40, 10, 0, 0, 0))))  # a /40 IPv4 prefix
    marker = bytearray(samples.bgp4mp_message(samples.update(nlri=samples.prefix("10.0.0.0/8"))))
    marker[12 + 20 + 3] = 0  # the BGP marker, one octet off
    path.write_bytes(good + samples.header(5, 1, b"\x00" * 20) + broken + bytes(marker) + good)
    errors = []
    columns = mrt.columns(path, errors.append)
    index = len(list(reader.records(io.BytesIO(good))))
    offsets = [len(good), len(good) + 32, len(good) + 32 + len(broken)]
    assert [(error.index, error.offset) for error in errors] == list(zip(range(index, index + 3), offsets, strict=True))
    assert "type 5" in str(errors[0]) and "(16/4)" in str(errors[1]) and "marker" in str(errors[2])
    assert column_rows(columns) == 2 * expected_rows(bgpdump_text(sample))
    with pytest.raises(reader.MrtError, match=f"record {index} at offset {len(good)}"):
        mrt.columns(path)


def test_truncated_file_keeps_the_whole_records(tmp_path, sample):
    path = tmp_path / "cut.mrt"
    path.write_bytes(sample.read_bytes()[:-3])
    errors = []
    columns = mrt.columns(path, errors.append)
    assert len(errors) == 1 and "truncated record" in str(errors[0])
    assert len(columns) == 35


def test_saved_columns_and_the_command(tmp_path, sample):
    out = tmp_path / "routes.npz"
    err = io.StringIO()
    args = argparse.Namespace(bgpdump=False, columns=str(out), files=[str(sample)])
    assert mrt_command.cmdline(args, io.StringIO(), err) == 0 and err.getvalue() == ""
    saved = np.load(out)
    columns = mrt.columns(sample)
    for name, values in columns.arrays().items():
        assert np.array_equal(saved[name], values), name
    offsets = saved["attribute_offsets"]
    octets = saved["attribute_octets"].tobytes()
    assert [octets[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)] == columns.attribute_sets
    assert saved["peer_address"].tolist() == [peer.address for peer in columns.peers]


def test_to_pandas_when_pandas_is_there():
    columns = mrt.columns(io.BytesIO(samples.sample_file()))
    try:
        import pandas  # noqa: F401 (not a dependency)
    except ImportError:
        with pytest.raises(ImportError):
            columns.to_pandas()
        return
    frame = columns.to_pandas()
    assert len(frame) == 35 and frame["origin_as"].tolist() == columns.origin_as.tolist()


def test_without_numpy_the_reader_works_and_columns_says_which_extra(tmp_path, sample):
    """numpy is not a dependency of the daemon: `exabgp.mrt` and its reader import without it."""
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from exabgp import mrt\n"
        "from exabgp.mrt import reader, bgpdump\n"
        f"assert len(list(reader.read({str(sample)!r}))) > 30\n"
        "try:\n"
        f"    mrt.columns({str(sample)!r})\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    # run from tmp_path: from the repository root, `-c` would import its source tree, not the installed package
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "exabgp[columnar]" in result.stdout
    program = os.path.join(os.path.dirname(sys.executable), "exabgp")
    assert "--columns" in subprocess.run([program, "mrt", "--help"], capture_output=True, text=True).stdout


@pytest.mark.parametrize("options", [[], ["--add-path", "2"], ["--asn2"]], ids=["plain", "add-path", "asn2"])
def test_gen_corpus_tables_row_for_row(tmp_path, options):
    """gen_corpus.py's update file and RIB dump at 2,500 prefixes: every row equals its ``-m`` line."""
    updates, rib = samples.gen_corpus_files(tmp_path, 2000, 500, *options)
    for path in (updates, rib):
        columns = mrt.columns(path)
        expected = expected_rows(bgpdump_text(path))
        assert len(expected) >= 2500
        assert column_rows(columns) == expected, path.name
        assert len(columns.attribute_sets) < len(columns)


def test_a_rib_record_numpy_rejects_is_named(tmp_path):
    """ADD-PATH entries under RIB_IPV4_UNICAST and a peer index past the table: errors naming them, no rows."""
    nh = samples.attribute(3, samples.ip("192.0.2.1"))
    wrong = samples.rib(8, 1, samples.prefix("10.1.0.0/16"), [(0, 1, 5, samples.common() + nh)])
    wrong = wrong[:6] + (2).to_bytes(2, "big") + wrong[8:]
    stranger = samples.rib(2, 2, samples.prefix("10.2.0.0/16"), [(7, 1, None, samples.common() + nh)])
    fine = samples.rib(2, 3, samples.prefix("10.3.0.0/16"), [(0, 1, None, samples.common() + nh)])
    path = tmp_path / "wrong.mrt"
    path.write_bytes(samples.peer_index_table(samples.PEERS) + wrong + stranger + fine)
    errors = []
    columns = mrt.columns(path, errors.append)
    assert [(error.index, "(13/2)" in str(error)) for error in errors] == [(1, True), (2, True)]
    assert "peer index 7" in str(errors[1])
    assert column_rows(columns) == expected_rows(
        bgpdump_text(io_file(tmp_path, samples.peer_index_table(samples.PEERS) + fine))
    )


def io_file(tmp_path, octets):
    path = tmp_path / "fine.mrt"
    path.write_bytes(octets)
    return path
