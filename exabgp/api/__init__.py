"""What helpers read: the JSON envelope, the JSON and text renderers, the texts of the answers.

The command grammar is `exabgp.config.command` (docs/architecture.md, "Layers").
"""
