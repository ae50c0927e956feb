"""The reactor: the only package with asyncio, sockets, signals and subprocesses (docs/architecture.md, "Layers").

`loop.Reactor` runs the peers of a configuration on one event loop;
`peer` holds `Peer` (one neighbor, connect-retry, Adj-RIB-Out) and
`Connection` (the `asyncio.Protocol` feeding a sans-IO session);
`settings` maps a configured neighbor and the environment onto
`exabgp.session.SessionSettings`; `sockets` makes sockets with the TCP
options (MD5, TTL); `log` writes 5.0's log lines to 5.0's destinations;
`daemon` holds the pid file, daemonizing and the privilege drop;
`processes` runs the helper processes and `pipes` the CLI's named pipes,
`api` wires both to the peers (what each helper is told) and `commands`
executes what they say.
"""
