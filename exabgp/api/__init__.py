"""L2: the external-program contract (text command grammar, JSON and text renderers)."""
