"""Fuzzing: the codec twins, the model decoders and the whole receive path (see qa/README.md)."""
