"""The One Touch Switch hub's edge: our token endpoint and our letterbox."""
