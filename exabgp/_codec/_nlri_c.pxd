# cython: language_level=3
"""What the compiled NLRI twin shares with the other compiled twins (`_json_c` renders labeled and VPN NLRI with it).

`frame_labels` is the label framing of `_nlri_py.py` (its docstring, "Label framing"), the one C form of it:
`decode_nlri` reads labeled and VPN NLRI with it, and `put_labeled` too.  `put_labeled` writes the JSON fast
path's text of labeled and VPN NLRI (the compiled form of `_json_py._labeled`; `put_rd` the compiled
`texts.rd_text`) into an `_octets.Output`; `_json_c` calls it for those families.  It lives here, in another C
file than `_json_c`'s, because gcc inlines per file: in `_json_c`'s file its writers took the inlining budget
of the full table's (`put_attribute` inlined whole, `put_uint` no longer inlined in it: +3 % instructions in
`_json_c` on a unicast full table, callgrind), here they leave that file's decisions as they were.
"""

from exabgp._codec._octets cimport Output

cdef enum:
    # one length octet holds at most 255 bits, so at most 10 labels of 24 bits
    MAX_LABELS = 11
    # what `frame_labels` returns for a label field, or a route distinguisher, cut short
    LABELS_TRUNCATED = -1
    RD_TRUNCATED = -2

cdef Py_ssize_t frame_labels(const unsigned char *p, Py_ssize_t offset, Py_ssize_t size, int *bits, int max_bits,
                             bint vpn, bint withdraw, unsigned int *stack, int *count) noexcept

cdef int put_labeled(Output *out, const unsigned char *data, Py_ssize_t start, Py_ssize_t end, bint ipv6,
                     bint addpath, bint vpn, bint withdraw) except -2
