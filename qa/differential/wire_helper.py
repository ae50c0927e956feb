"""The helper program of `qa.differential.wire`: a daemon's `run` process issuing a scenario's commands.

    python wire_helper.py COMMANDS.json CONTROL_PORT

COMMANDS.json is the scenario's command list, a JSON list of groups (lists
of command lines).  The helper connects to the harness on 127.0.0.1
CONTROL_PORT and paces itself on it, one line each way:

* ``go N`` from the harness: the lines of group N are written to the daemon
  in ONE write (a pipe write under PIPE_BUF is atomic, so the daemon reads
  the whole group at once and applies it in one turn: 5.0.15 sends the
  changes of the commands read together as one batch);
* then the helper reads the daemon's answers until each line of the group
  has its ``done`` or ``error`` (``api.ack``), and tells the harness
  ``acked N ANSWER,ANSWER...``;
* ``exit``, or the end of either stream, ends it.

It imports nothing of the project: each daemon runs it as its own program.
"""

import json
import os
import socket
import sys


def main(path: str, port: int) -> int:
    with open(path, encoding="utf-8") as handle:
        groups = json.load(handle)
    control = socket.create_connection(("127.0.0.1", port))
    orders = control.makefile("r", encoding="utf-8")
    answers = sys.stdin.buffer
    for order in orders:
        words = order.split()
        if not words or words[0] != "go":
            break
        index = int(words[1])
        lines = groups[index]
        os.write(sys.stdout.fileno(), "".join(line + "\n" for line in lines).encode())
        acks = []
        while len(acks) < len(lines):
            answer = answers.readline()
            if not answer:
                return 1
            answer = answer.decode(errors="replace").strip()
            if answer in ("done", "error"):
                acks.append(answer)
        control.sendall(f"acked {index} {','.join(acks)}\n".encode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
