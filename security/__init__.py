"""Protection of personal data at rest in Temporal and of who may read it."""
