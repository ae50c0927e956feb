"""The differential oracle: ExaBGP 5.0.15 and our daemon on the same input, what comes out compared.

The contract of this project is ExaBGP 5.0.15's observable behaviour.  This
package runs the reference (installed by `qa.oracle`, a separate program in a
venv of its own, never imported) and ours on the same input and compares the
outputs, so that a divergence is found by a machine rather than by a user.
One module per thing compared:

* `qa.differential.wire`: the same configuration and helper commands fed to
  each daemon, each connected to a recording BGP peer; the UPDATEs each sends,
  in order;
* `qa.differential.helper`: the same UPDATE stream sent to each daemon; the
  JSON and text lines their helpers receive, volatile fields masked;
* `qa.differential.decode`: `exabgp decode` of a corpus under several
  contexts (`-c` files, `-i`, `-f`);
* `qa.differential.cli`: the command line forms of ExaBGP's README and man
  page, exit code and output.

`qa.differential.known` is the one table of deliberate differences (a 5.0.15
bug we fix, with the RFC reason); a comparison masks exactly those, and any
other divergence fails.  The tests in ``tests/test_differential_*.py`` run
each comparison with the seed and scenario counts sized for CI; run
``python -m qa.differential.<module> --help`` for a longer run by hand (a
seed given on the command line replays a failure).
"""
