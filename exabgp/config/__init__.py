"""Configuration: the file language of ExaBGP 5.0 and its `exabgp.*` settings, as frozen objects.

`lexer` holds the lexical rules and the statement tree;
`values` the statement shapes and value readers the sections share;
`neighbor` gives meaning to the `neighbor` / `template` / `process` sections
and prints the canonical text back; `route` reads the route statements into
`exabgp.bgp.route.Route`s; `process` the `process` and `api` blocks;
`environment` the settings table (docs/compatibility.md, "Settings").  Nothing here reads files,
sockets or the environment: callers hand in the text, the file name used in
error messages, and the environment mapping.
"""
