"""Configuration: the file language of ExaBGP 5.0 turned into frozen objects.

`lexer` holds the lexical rules and the statement tree (SURFACE.md 3.1);
`neighbor` gives meaning to the `neighbor` / `template` sections.  Nothing
here reads files, sockets or the environment: callers hand in the text and
the file name used in error messages.
"""
