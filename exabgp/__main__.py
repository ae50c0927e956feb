"""`python -m exabgp` behaves exactly as the `exabgp` command."""

import sys

from exabgp.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
