"""Answers a couple asks for that are not rituals (counselling, what else we can do, facts about us, our choices).

Each module exposes `RITUAL` like a ritual does, so the one registry (skill.engine.ritual) routes its intents; none is
ever offered on a menu or counted as a ritual.
"""
