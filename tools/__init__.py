"""Developer tools that are not part of the skill (not installed, not on the Lambda path)."""
