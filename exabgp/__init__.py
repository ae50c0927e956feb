"""exabgp: a fast, drop-in reimplementation of the ExaBGP 5.0 BGP speaker.

Importing the package starts nothing; it only carries the version strings.
"""

__version__ = "5.0.15+fast.0.1"

#: The envelope version printed in every JSON message (`"exabgp": "5.0.0"`).
#: ExaBGP 5.0 prints this constant whatever its software version is.
JSON_API_VERSION = "5.0.0"
