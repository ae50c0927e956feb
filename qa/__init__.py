"""Functional testing of a BGP daemon: the checking peer (`qa.peer`) and the runner (`qa.runner`).

Test tooling only: nothing in the `exabgp` package imports it.
"""
