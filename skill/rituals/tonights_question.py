"""Tonight's question: one question from the deck at a depth, both partners answer in turn, never a repeat too soon.

Each depth's deck is drawn in a per-household order that is derived, not stored: the ids sorted by a
hash of (seed, round, id). The household keeps only {"seed", "round", "cursor"} per depth, so the
same couple never hears a question twice until that depth is used up, on any device, in any session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.digest import sha256_hex
from skill.engine.script import Reply, Segment, host, to_partner
from skill.engine.timing import timed_hold
from skill.engine.turn import Turn

NAME = "tonights_question"
DEPTHS = ("light", "deeper", "deepest")
DEPTH_TYPE = "QUESTION_DEPTH"

ANOTHER = "AnotherQuestionIntent"
LIGHTER = "LighterQuestionIntent"
DEEPER = "DeeperQuestionIntent"
TIRED = "TiredTonightIntent"
DONE = "DoneIntent"
NEXT = "AMAZON.NextIntent"
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
# While someone answers, Alexa may catch a snatch of their answer: a gentle nudge beats the whole menu.
HEARD_SOMETHING = "AMAZON.FallbackIntent"


# The one placeholder a deck question may hold: the name of the partner who is NOT answering
# ("What did {partner} do this week that made you laugh?" is asked of Maya about Sam, then of Sam about Maya).
PARTNER_SLOT = "{partner}"
# What a question may assume about a couple; a couple who told us otherwise (skill/rituals/our_situation.py) never hears it.
ASSUMPTIONS = ("living_together", "long_history", "family_of_origin")
# A question from the couple's own jar is kept in the place as this prefix and the jar entry's id.
JAR_PREFIX = "jar:"


def _questions(turn: Turn) -> list[Mapping[str, Any]]:
    return list(turn.content.section("questions").data["questions"])


def _question_text(turn: Turn, question_id: str) -> str | None:
    """The question's words, or None when the deck (or their jar) no longer has it."""
    if question_id.startswith(JAR_PREFIX):
        from skill.rituals import our_jar as jar

        return jar.text_of(turn.household, question_id[len(JAR_PREFIX) :])
    return next((str(q["text"]) for q in _questions(turn) if q["id"] == question_id), None)


def skipped_assumptions(turn: Turn) -> frozenset[str]:
    """What this couple told us not to assume ("we don't live together", "we're new"): see our_situation."""
    state = turn.household.rituals.get("our_situation")
    skipped = state.get("skip") if isinstance(state, dict) else None
    return frozenset(skipped) & frozenset(ASSUMPTIONS) if isinstance(skipped, list) else frozenset()


def addressed_to(question: str, other: str) -> str:
    """The question as the answering partner hears it: the name slot holds the other partner's name."""
    return question.replace(PARTNER_SLOT, other)


def _raw_order(ids: list[str], seed: int, round_: int) -> list[str]:
    return sorted(ids, key=lambda qid: sha256_hex(f"{seed}:{round_}:{qid}"))


def deck_order(ids: list[str], seed: int, round_: int) -> list[str]:
    """The order of one round of a deck: a shuffle fixed by (seed, round), stable across Python versions.

    A round never opens with the question that closed the round before it.
    """
    order = _raw_order(ids, seed, 0)
    for later in range(1, round_ + 1):
        previous_last = order[-1]
        order = _raw_order(ids, seed, later)
        if len(order) > 1 and order[0] == previous_last:
            order.append(order.pop(0))
    return order


def _state(turn: Turn) -> dict[str, Any]:
    """This ritual's durable state: {"decks": {depth: {"seed", "round", "cursor"}}, "depth": last depth}."""
    state = turn.household.rituals.get(NAME)
    if not isinstance(state, dict):
        state = turn.household.rituals[NAME] = {}
    return state


def _deck_state(turn: Turn, depth: str) -> dict[str, int]:
    state = _state(turn)
    decks = state.get("decks")
    if not isinstance(decks, dict):
        decks = state["decks"] = {}
    deck = decks.get(depth)
    fields = ("seed", "round", "cursor")
    valid = isinstance(deck, dict) and all(isinstance(deck.get(k), int) and deck[k] >= 0 for k in fields)
    if not valid:
        deck = decks[depth] = {"seed": turn.rng.randrange(2**31), "round": 0, "cursor": 0}
    return deck  # type: ignore[return-value]


def draw(turn: Turn, depth: str) -> tuple[str, bool]:
    """The next question id at `depth` for this household, and whether its deck just started a new round.

    The cursor walks the whole deck's order and steps over questions that assume what this couple told us
    is not so; telling us later changes which are skipped, never the order, so nothing comes back early.
    """
    at_depth = [q for q in _questions(turn) if q["depth"] == depth]
    ids = sorted(str(q["id"]) for q in at_depth)
    skipped = skipped_assumptions(turn)
    allowed = {str(q["id"]) for q in at_depth if not skipped & set(q.get("assumes", ()))} or set(ids)
    deck = _deck_state(turn, depth)
    renewed = False
    while True:
        order = deck_order(ids, deck["seed"], deck["round"])
        while deck["cursor"] < len(order) and order[deck["cursor"]] not in allowed:
            deck["cursor"] += 1
        if deck["cursor"] < len(order):
            break
        renewed = True
        deck["round"] += 1
        deck["cursor"] = 0
    question_id = order[deck["cursor"]]
    deck["cursor"] += 1
    _state(turn)["depth"] = depth
    return question_id, renewed


def _depth_from_slot(turn: Turn) -> str | None:
    """The depth the couple asked for: a resolved value id, or a word we know as one of its synonyms."""
    raw = turn.slots.get("depth")
    if not raw:
        return None
    heard = " ".join(raw.lower().split())
    if heard in DEPTHS:
        return heard
    for value in turn.section.data.get("slot_types", {}).get(DEPTH_TYPE, []):
        if heard == value["value"].lower() or heard in (s.lower() for s in value.get("synonyms", [])):
            return str(value["id"])
    return None


def _usual_depth(turn: Turn) -> str:
    """The depth they chose last time, else the content's default."""
    remembered = _state(turn).get("depth")
    return remembered if remembered in DEPTHS else str(turn.section.settings["default_depth"])


def _jar_unheard(turn: Turn) -> bool:
    """Whether the couple's own jar holds a question they have not been asked yet."""
    if "our_jar" not in turn.household.rituals:
        return False
    from skill.rituals import our_jar as jar

    return jar.unheard(turn.household) > 0


def _shift(depth: str, step: int) -> str:
    return DEPTHS[max(0, min(len(DEPTHS) - 1, DEPTHS.index(depth) + step))]


class TonightsQuestion:
    name = NAME
    intents = frozenset({"TonightsQuestionIntent"})
    follow_ups = frozenset({ANOTHER, LIGHTER, DEEPER, TIRED, DONE, NEXT, YES, NO, HEARD_SOMETHING})

    def start(self, turn: Turn) -> Reply:
        return self._ask(turn, _depth_from_slot(turn) or _usual_depth(turn), jar_hint=True)

    def ask_own(self, turn: Turn, entry_id: str) -> Reply:
        """A question from the couple's own jar (skill/rituals/our_jar.py), answered in turn like any other."""
        first = turn.household.take_first_turn()
        state = {"step": "answer", "turn": 0, "first": first, "question": JAR_PREFIX + entry_id, "depth": _usual_depth(turn)}
        return self._answer(turn, state, 0, lead=(host(turn.line("from_jar")),))

    def proceed(self, turn: Turn, intent: str) -> Reply:
        state = turn.progress()
        if state is None:
            return self.start(turn)
        depth = state["depth"] if state.get("depth") in DEPTHS else _usual_depth(turn)
        if intent == ANOTHER:
            return self._ask(turn, depth, ack="another")
        if intent in (LIGHTER, DEEPER):
            shifted = _shift(depth, -1 if intent == LIGHTER else 1)
            if shifted == depth:
                return self._ask(turn, depth, ack="already_lightest" if intent == LIGHTER else "already_deepest")
            return self._ask(turn, shifted, ack="lighter" if intent == LIGHTER else "deeper")
        if intent == TIRED:
            return self._ask(turn, DEPTHS[0], ack="tired")
        if state.get("step") == "offer":
            if intent == HEARD_SOMETHING:
                return Reply(speech=(host(turn.line("offer_again")),), reprompt=(host(turn.line("offer")),))
            if intent in (YES, NEXT):
                return self._ask(turn, depth, ack="another")
            return self._goodnight(turn)  # No, or "I'm done"
        if intent in (DONE, NEXT):
            return self._offer(turn, state) if state.get("turn") == 1 else self._answer(turn, state, 1)
        return self._still_answering(turn, state)  # a yes, a no or a snatch of talk while someone answers

    def resume(self, turn: Turn) -> Reply:
        state = turn.progress()
        if state is None or state.get("question") is None:
            return self.start(turn)
        if state.get("step") == "offer":
            return self._offer(turn, state, lead=(host(turn.line("resume")),))
        return self._answer(turn, state, int(state.get("turn", 0)), lead=(host(turn.line("resume")),))

    # -- the steps ---------------------------------------------------------------------------
    def _ask(self, turn: Turn, depth: str, *, ack: str | None = None, jar_hint: bool = False) -> Reply:
        """A new question at `depth`; each question is a new run, so who answers first alternates."""
        question_id, renewed = draw(turn, depth)
        lead: list[Segment] = [host(turn.line(ack))] if ack else []
        if jar_hint and _jar_unheard(turn):
            lead.append(host(turn.line("jar_waiting")))
        if renewed:
            lead.append(host(turn.line(f"deck_renewed_{depth}")))
        if not ack:  # an acknowledgement ("something lighter, then") already says what kind of question comes
            lead.append(host(turn.line(f"intro_{depth}")))
        first = turn.household.take_first_turn()
        state = {"step": "answer", "turn": 0, "first": first, "question": question_id, "depth": depth}
        return self._answer(turn, state, 0, lead=tuple(lead))

    def _answering(self, turn: Turn, state: dict[str, Any], which: int) -> tuple[int, dict[str, str]]:
        """Who answers at this turn (0: whoever goes first), with the names their lines use."""
        first = int(state.get("first", 0)) % 2
        partner = first if which == 0 else 1 - first
        return partner, {"name": turn.name(partner), "other": turn.name(1 - partner)}

    def _answer(self, turn: Turn, state: dict[str, Any], which: int, *, lead: tuple[Segment, ...] = ()) -> Reply:
        """One partner's turn: the question, a quiet hold while they answer, a chime, how to hand over."""
        depth = state["depth"] if state.get("depth") in DEPTHS else _usual_depth(turn)
        question = _question_text(turn, str(state.get("question")))
        if question is None:
            return self._ask(turn, depth)
        partner, names = self._answering(turn, state, which)
        question = addressed_to(question, names["other"])
        settings = turn.section.settings
        hold = timed_hold(float(settings["answer_seconds"][depth]), turn.content.sounds, settings["end_clip"])
        if which == 0:
            speech = [*lead, host(question), to_partner(partner, turn.line("first_turn", **names)), *hold]
            speech.append(to_partner(partner, turn.line("hand_over", **names)))
            again = "hand_over_again"
        else:
            speech = [*lead, to_partner(partner, turn.line("second_turn", **names)), to_partner(partner, question)]
            speech.extend([*hold, to_partner(partner, turn.line("done_hint", **names))])
            again = "done_hint_again"
        place = {**state, "depth": depth, "step": "answer", "turn": which}
        turn.keep_progress(place, hours=float(settings["keep_hours"]))
        reprompt = (host(turn.line("question_again")), host(question), to_partner(partner, turn.line(again, **names)))
        return Reply(speech=tuple(speech), reprompt=reprompt)

    def _still_answering(self, turn: Turn, state: dict[str, Any]) -> Reply:
        which = int(state.get("turn", 0))
        partner, names = self._answering(turn, state, which)
        key = "still_answering_first" if which == 0 else "still_answering_second"
        again = "hand_over_again" if which == 0 else "done_hint_again"
        return Reply(
            speech=(to_partner(partner, turn.line(key, **names)),),
            reprompt=(to_partner(partner, turn.line(again, **names)),),
        )

    def _offer(self, turn: Turn, state: dict[str, Any], *, lead: tuple[Segment, ...] = ()) -> Reply:
        turn.keep_progress(
            {"step": "offer", "question": state["question"], "depth": state["depth"]},
            hours=float(turn.section.settings["keep_hours"]),
        )
        offer = "offer_jar" if _jar_unheard(turn) else "offer"
        return Reply(speech=(*lead, host(turn.line(offer))), reprompt=(host(turn.line("offer_again")),))

    def _goodnight(self, turn: Turn) -> Reply:
        turn.end_progress()
        return Reply(speech=(host(turn.line("goodnight")),), end_session=True)


RITUAL = TonightsQuestion()
