"""Routing information bases of one peer (RFC 4271 section 3.2).

`outgoing.AdjRibOut`: the routes we announce and the queue of changes not
sent yet; `neighbor.NeighborRoutes`: the rules of one neighbor's Adj-RIB-Out
across its sessions; `export`: what a route becomes on its session;
`packing`: routes to UPDATE bodies as ExaBGP 5.0 builds them;
`incoming.AdjRibIn`: the routes received, stored compactly.
"""
