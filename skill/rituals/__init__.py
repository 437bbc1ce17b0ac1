"""One module per ritual; each exposes `RITUAL` (see skill.engine.ritual.Ritual)."""
