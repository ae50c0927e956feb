"""What a BGP message means (codes, families, capabilities, attributes, NLRI, messages)."""
