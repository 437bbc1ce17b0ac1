"""The keys the narrator keeps in Alexa's session attributes between two requests of one session.

Nothing durable lives here (see docs/ARCHITECTURE.md): only what the next request needs to be understood.
"""

from __future__ import annotations

# The pending-question record: which question of the narrator's waits for its answer (one of the ASKED_* kinds),
# with the data the question needs to be asked again (see skill.engine.pending).
EXPECTING = "expecting"
ASKED_NAMES = "names"  # introductions: "what are your two first names?"
ASKED_RESUME = "resume"  # "would you like to continue?": a yes or no answers us, not the ritual
ASKED_RENAME = "rename"  # new names said back: "shall I call you Ana and Leo?"
ASKED_FORGET = "forget"  # "shall I forget everything?"
ASKED_LINE = "ask"  # a ritual's own question asked outside its place ("which day and time?"): asked again by its line
ASK_SECTION = "ask_section"  # ...the content file of that line
ASK_LINE = "ask_line"  # ...and its key
RENAME_TO = "rename_to"  # the names a rename would keep
PENDING_NAME = "pending_name"  # the speaker's own name, given alone: the partner's is asked next
PENDING_PARTNER = "pending_partner"  # the partner's name, given alone: the speaker's own is asked next
PENDING_RITUAL = "pending_ritual"  # the ritual (intent and slots) asked for before introductions
ASKED_PAUSE = "pause"  # after distress: "would you like to pause for now?" (skill.engine.care)
ASKED_NAME = "confirm_name"  # a name said back at introductions: "Did I hear Deep?" (skill.engine.first_names)
HEARD_NAMES = "heard_names"  # ...the two names as heard so far, and which of them are sure
# A voice tried for one partner: "keep this voice for Maya? yes, no, or next" (skill.engine.voices).
ASKED_VOICE = "voice"
VOICE_FOR = "voice_for"  # ...the partner it is tried for (0 or 1)
VOICE_TRYING = "voice_trying"  # ...and the voice being tried, by name (heard in this reply only until a yes)

# Every key that belongs to the record, whatever its kind: carried together, so a question asked again
# after help, "repeat" or a stray word can still be answered.
RECORD_KEYS = (
    EXPECTING, RENAME_TO, PENDING_NAME, PENDING_PARTNER, PENDING_RITUAL, ASK_SECTION, ASK_LINE, HEARD_NAMES, VOICE_FOR,
    VOICE_TRYING,
)  # fmt: skip

# The record of the question that waited when distress was heard: asked again when they choose not to pause.
ASKED_BEFORE_CARE = "asked_before_care"

# How many requests in a row were not understood: after two, the session closes gently (Alexa's guidance).
MISSES = "misses"


def asking(section: str, line: str) -> dict[str, str]:
    """The record of a question a ritual asks outside its kept place, asked again by `line` of `section`."""
    return {EXPECTING: ASKED_LINE, ASK_SECTION: section, ASK_LINE: line}


# Set while this session's last reply came from a turn-taking ritual: what it waits for (skill.engine.turn_taking).
TURNS_WAITING = "turns_waiting"
# A question for the couple's jar, read back and waiting for a yes (skill.rituals.our_jar).
JAR_PENDING = "jar_pending"

# For "repeat": the last speech and reprompt, as sent (skill/alexa/conversation.py).
LAST_SPEECH = "_last_speech"
LAST_REPROMPT = "_last_reprompt"

# What this session has been told once (kept for the rest of the session by the adapter, whatever replies next).
TOLD = "told_"
TOLD_PASS = "told_pass"  # tonight's question: how to pass a question, said once per session at deeper and deepest
