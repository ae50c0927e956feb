# cython: language_level=3
"""What the compiled index twin shares with the other compiled twins (`_mrt_c` reads MRT records with it).

`index` vouches for one UPDATE body and fills its record, `clean` tells a common attribute that RFC 7606
keeps whole: see `_index_py.py`, the specification.
"""

cdef bint clean(int code, int flags, const unsigned char* data, Py_ssize_t start, Py_ssize_t end,
                bint asn4) noexcept nogil
cdef bint index(const unsigned char *data, Py_ssize_t base, Py_ssize_t size, bint addpath4, bint addpath6,
                bint ipv4, bint ipv6, bint asn4, bint marked, int *record) noexcept nogil
