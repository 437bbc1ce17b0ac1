"""The `our-rituals` command (main.py) and the offline terminal dialog it runs (dialog.py, with its small
utterance matcher, nlu.py)."""
