"""L1: what a BGP message means (codes, families, capabilities, attributes, NLRI, messages)."""
