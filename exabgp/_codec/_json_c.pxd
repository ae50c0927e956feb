# cython: language_level=3
"""What the compiled JSON twin shares with the other compiled twins (`_mrt_c` writes MRT records' JSON lines with it).

`put_update` appends the JSON text of one UPDATE body to an `_octets.Output` (1), or declines (0: the caller
cuts the buffer back to its size before the call): see `_json_py.py`, the specification.
"""

from exabgp._codec._octets cimport Output

cdef int put_update(Output *out, const unsigned char *body, Py_ssize_t size, bint asn4, bint addpath4,
                    bint addpath6) except -2
