#!/usr/bin/env python3
"""An ExaBGP API helper: print every route received, shut the daemon down at the End-of-RIB.

The daemon writes one JSON object per line on our stdin; we write commands
on our stdout.  What we print for the user goes to stderr (the daemon logs it).
"""

import json
import sys

for line in sys.stdin:
    if not line.startswith("{"):
        continue  # the answers to our commands: "done", "shutdown in progress"
    event = json.loads(line)
    message = event.get("neighbor", {}).get("message", {})
    if "eor" in message:
        sys.stdout.write("shutdown\n")
        sys.stdout.flush()
        continue
    update = message.get("update", {})
    for family, by_nexthop in update.get("announce", {}).items():
        for nexthop, routes in by_nexthop.items():
            for route in routes:
                print(
                    f"received {family} {route['nlri']} next-hop {nexthop} "
                    f"attributes {json.dumps(update.get('attribute', {}))}",
                    file=sys.stderr,
                    flush=True,
                )
