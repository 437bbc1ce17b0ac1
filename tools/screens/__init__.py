"""Screenshots of the skill's APL documents: `python -m tools.screens` (see __main__)."""
