"""The performance benchmark: the skill against a hello-world floor on the same SDK (run: python -m bench)."""
