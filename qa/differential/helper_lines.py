"""The helper the differential runs give each daemon: every line it receives, appended to a file.

``python helper_lines.py OUTPUT`` reads its standard input (the pipe the daemon
writes to) and appends each line to OUTPUT as soon as it arrives, unchanged
(octets, not text: what the daemon wrote is what is compared).  It ends at
the end of its input.  It is run as a separate process by both daemons, so
it imports nothing of this repository.
"""

import sys


def main() -> None:
    with open(sys.argv[1], "ab", buffering=0) as output:
        for line in sys.stdin.buffer:
            output.write(line)


if __name__ == "__main__":
    main()
