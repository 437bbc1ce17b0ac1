"""Every key the skill keeps in Alexa's session attributes, and the values it compares them with, declared once.

The session carries only what this session needs (docs/ARCHITECTURE.md, "Invariants"): which answer the
skill waits for, a name or a ritual given before the rest, the last words for "repeat". Nothing durable.
"""

from __future__ import annotations

# What the next answer is for; a yes or no then answers the host's question, not a ritual's.
EXPECTING = "expecting"
EXPECTING_NAMES = "names"  # introductions: both names
EXPECTING_RESUME = "resume"  # "would you like to continue?"
EXPECTING_RENAME = "rename"  # new names said back: "shall I?"
EXPECTING_FORGET = "forget"  # "shall I forget you?"

PENDING_NAME = "pending_name"  # the speaker's own name, given alone: the partner's is asked next
PENDING_PARTNER = "pending_partner"  # the partner's name, given alone: the speaker's own is asked next
RENAME_TO = "rename_to"  # the names to change to, once they say yes
PENDING_RITUAL = "pending_ritual"  # a ritual (intent and slots) asked for before introductions
TURNS_WAITING = "turns_waiting"  # this session's last reply came from a turn ritual: what it waits for
JAR_PENDING = "jar_pending"  # a question for their jar, read back and waiting for a yes

# For "repeat": the last speech and reprompt, as sent (skill/alexa/conversation.py).
LAST_SPEECH = "_last_speech"
LAST_REPROMPT = "_last_reprompt"
