"""BMP, the BGP Monitoring Protocol (RFC 7854, RFC 8671, RFC 9069, RFC 9736), what a monitoring station reads, sans I/O.

A router opens a TCP connection to the station and sends BMP messages on it,
never reading anything back.  `exabgp.bmp.message` frames and decodes those
messages, their TLVs too (`Decoder`: octets in, message records out, `BmpError` naming the
message and the offset for bad input); `exabgp.bmp.router` keeps what one
router's session tells about its monitored peers (the OPENs of each Peer Up,
negotiated with `exabgp.session.negotiation.agree`, give the codec context
every Route Monitoring UPDATE of that peer is decoded with);
`exabgp.bmp.jsonlines` renders the messages as ExaBGP 5.0 JSON lines of
``"type": "bmp"`` for the helpers, the enclosed UPDATEs through the API's
own renderer (`exabgp.api.json_update.update_json`).  The reactor's station
(`exabgp.reactor.bmp`) owns the sockets; `exabgp.config.bmp` reads the
``bmp { }`` configuration block; `exabgp.reactor.bmp_archive` writes one
RIB view of the monitored peers as MRT records (a layer above both ``bmp``
and ``mrt``, which do not import each other).
"""
