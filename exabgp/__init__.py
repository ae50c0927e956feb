"""exabgp: a fast, drop-in reimplementation of the ExaBGP 5.0 BGP speaker.

Importing the package starts nothing; it only carries the version strings.
The distribution is ``fastbgp`` (pyproject.toml), with versions of its own;
the import package and the commands keep ExaBGP's name, and every place
where ExaBGP 5.0 prints its version (``exabgp version``'s first line, the
API's ``version`` answer, the software version capability) prints the 5.0
release whose behaviour this one reproduces, so that scripts written for
5.0 read it unchanged.  ``exabgp version`` adds this project's own version
and the codec in use (docs/compatibility.md, "Programs and sub-commands").
"""

import os

#: this project's release (semantic versioning), the version of the ``fastbgp`` distribution
__version__ = "0.9.0"

#: the distribution that installs this package
DISTRIBUTION = "fastbgp"

#: the ExaBGP release whose observable behaviour this package reproduces
EXABGP_RELEASE = "5.0.15"

#: The envelope version printed in every JSON message (`"exabgp": "5.0.0"`).
#: ExaBGP 5.0 prints this constant whatever its software version is.
JSON_API_VERSION = "5.0.0"


def exabgp_version() -> str:
    """The version printed where ExaBGP 5.0 prints its own: `EXABGP_RELEASE`, unless the ``exabgp_version``
    environment variable names another (5.0's override, e.g. for the software version capability)."""
    return os.environ.get("exabgp_version") or EXABGP_RELEASE
