"""Tonight's question: one question from the deck at a depth, both partners answer in turn, never a repeat too soon.

Each depth's deck is drawn in a per-household order that is derived, not stored: the ids sorted by a
hash of (seed, round, id). The household keeps only a `Deck` (seed, round, cursor, after) per depth, so the
same couple never hears a question twice until that depth is used up, on any device, in any session. What the
ritual keeps is a `QuestionState`, read and written only through `read`, `peek` and `write` here; its place in
progress is a `QuestionPlace` (the turn engine's `Place` with the question and its depth).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from skill.digest import sha256_hex
from skill.engine.familiarity import familiarity
from skill.engine.script import Card, Reply, Segment, View, narrate, to_partner
from skill.engine.session_keys import TOLD_PASS, TURNS_WAITING
from skill.engine.turn import Turn
from skill.engine.turn_place import Place, stored_text, with_extras
from skill.engine.turn_taking import (
    FOLLOW_UPS,
    KEEP_TIME,
    OPEN,
    PACED,
    PACES,
    RATING,
    SKIP,
    TAKE_OUR_TIME,
    Step,
    TurnTaking,
    interrupted_at,
    pace_from_slot,
)
from skill.features import our_situation  # read through its owner's functions, never its storage
from skill.household import Household
from skill.intents import ANOTHER_QUESTION as ANOTHER
from skill.intents import DEEPER_QUESTION as DEEPER
from skill.intents import HEARD_SOMETHING, NEXT, YES
from skill.intents import LIGHTER_QUESTION as LIGHTER
from skill.intents import TIRED_TONIGHT as TIRED
from skill.record import Record
from skill.rituals import our_jar  # read through its owner's functions, never its storage

NAME = "tonights_question"
DEPTHS = ("light", "deeper", "deepest")
DEPTH_TYPE = "QUESTION_DEPTH"


# The one placeholder a deck question may hold: the name of the partner who is NOT answering
# ("What did {partner} do this week that made you laugh?" is asked of Maya about Sam, then of Sam about Maya).
PARTNER_SLOT = "{partner}"
# What a question may assume about a couple; a couple who told us otherwise (skill/features/our_situation.py) never hears it.
FILTERED_ASSUMPTIONS = ("living_together", "long_history", "family_of_origin")
# Every assumption a question's `assumes` may name: the filtered ones, and what it takes for granted with no filter yet.
ASSUMPTIONS = (*FILTERED_ASSUMPTIONS, "work", "friends", "children", "age")
# A question from the couple's own jar is kept in the place as this prefix and the jar entry's id.
JAR_PREFIX = "jar:"
# A deck question tagged so can hurt a couple in crisis (grief, forgiveness, illness, "one year left"): it gets a
# gentler lead-in, which also says it can be passed.
TENDER = "tender"
# Session key: this session has heard how to pass a question (said once per session, at deeper and deepest).
PASS_TOLD = TOLD_PASS
# Ritual state key: the couple has heard, once, that they can leave out questions that do not fit them.
FILTERS_OFFERED = "filters_offered"
# The filters that offer names ("we're new", "we'd rather leave family out"), as the assumptions they turn off.
OFFERED_FILTERS = frozenset({"long_history", "family_of_origin"})


def _questions(turn: Turn) -> list[Mapping[str, Any]]:
    return list(turn.content.section("questions").data["questions"])


def _question_text(turn: Turn, question_id: str) -> str | None:
    """The question's words, or None when the deck (or their jar) no longer has it."""
    if question_id.startswith(JAR_PREFIX):
        return our_jar.text_of(turn.household, question_id[len(JAR_PREFIX) :])
    return next((str(q["text"]) for q in _questions(turn) if q["id"] == question_id), None)


def _tags(turn: Turn, question_id: str) -> frozenset[str]:
    found = next((q for q in _questions(turn) if q["id"] == question_id), None)
    tags = found.get("tags") if found is not None else None
    return frozenset(str(t) for t in tags) if isinstance(tags, list) else frozenset()


def skipped_assumptions(turn: Turn) -> frozenset[str]:
    """What this couple told us not to assume ("we don't live together", "we're new"), as our_situation keeps it."""
    return our_situation.skipped(turn.household) & frozenset(FILTERED_ASSUMPTIONS)


def addressed_to(question: str, other: str) -> str:
    """The question as the answering partner hears it: the name slot holds the other partner's name."""
    return question.replace(PARTNER_SLOT, other)


def _raw_order(ids: list[str], seed: int, round_: int) -> list[str]:
    return sorted(ids, key=lambda qid: sha256_hex(f"{seed}:{round_}:{qid}"))


def deck_order(ids: list[str], seed: int, round_: int, after: str | None = None) -> list[str]:
    """The order of one round of a deck: a shuffle fixed by (seed, round), stable across Python versions.

    A round never opens with the question that closed the round before it (`after`). Without `after`, it is
    found by replaying the earlier rounds: only for a deck stored before the deck kept it (see `draw`).
    """
    if after is None and round_ > 0:
        after = deck_order(ids, seed, 0)[-1]
        for later in range(1, round_):
            after = deck_order(ids, seed, later, after)[-1]
    order = _raw_order(ids, seed, round_)
    if len(order) > 1 and order[0] == after:
        order.append(order.pop(0))
    return order


class Deck(Record):
    """One depth's deck for this household: its shuffle's seed, the round, the place in it, the question that
    closed the round before (None in round 0, or for a deck stored before it was kept), and a question of this
    round asked ahead of its place (the first deepest question, chosen to assume nothing), to be stepped over there."""

    seed: int
    round: int = 0
    cursor: int = 0
    after: str | None = None
    early: str | None = None


class Asked(Record):
    """The question asked last (a deck id, or the jar prefix and an entry id) and the day, on the couple's clock."""

    question: str
    on: str


class QuestionState(Record):
    """What tonight's question keeps between evenings: each depth's deck, the depth chosen last, the last question."""

    decks: Mapping[str, Deck] = MappingProxyType({})
    depth: str | None = None
    last: Asked | None = None
    filters_offered: bool = False


def read(household: Household) -> QuestionState:
    """The stored state, opened to change; anything damaged is left out (a deck starts afresh)."""
    return _parsed(household.rituals.get(NAME))


def peek(household: Household) -> QuestionState:
    """The stored state to look at only: not opened, so a request that only looks does not write it again."""
    return _parsed(household.peek_ritual(NAME))


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _parsed(raw: Any) -> QuestionState:
    stored = raw if isinstance(raw, dict) else {}
    raw_decks = stored.get("decks")
    decks: dict[str, Deck] = {}
    for depth, deck in (raw_decks if isinstance(raw_decks, dict) else {}).items():
        if depth not in DEPTHS or not isinstance(deck, dict):
            continue
        seed, round_, cursor, after, early = (
            _count(deck.get("seed")),
            _count(deck.get("round")),
            _count(deck.get("cursor")),
            deck.get("after"),
            deck.get("early"),
        )
        if seed is not None and round_ is not None and cursor is not None:
            decks[depth] = Deck(
                seed,
                round_,
                cursor,
                after if isinstance(after, str) else None,
                early if isinstance(early, str) else None,
            )
    last = stored.get("last")
    asked = (
        Asked(last["question"], last["on"])
        if isinstance(last, dict) and isinstance(last.get("question"), str) and isinstance(last.get("on"), str)
        else None
    )
    depth = stored.get("depth")
    offered = stored.get(FILTERS_OFFERED) is True
    return QuestionState(MappingProxyType(decks), depth if depth in DEPTHS else None, asked, offered)


def write(household: Household, state: QuestionState) -> None:
    """Keep it as {"decks": {depth: {"seed", "round", "cursor", "after"?, "early"?}}, "depth"?, "last"?: {"question", "on"},
    "filters_offered"?: true}."""
    decks = {
        depth: {
            "seed": d.seed,
            "round": d.round,
            "cursor": d.cursor,
            **({"after": d.after} if d.after is not None else {}),
            **({"early": d.early} if d.early is not None else {}),
        }
        for depth, d in state.decks.items()
    }
    stored: dict[str, Any] = {"decks": decks}
    if state.depth is not None:
        stored["depth"] = state.depth
    if state.last is not None:
        stored["last"] = {"question": state.last.question, "on": state.last.on}
    if state.filters_offered:
        stored[FILTERS_OFFERED] = True
    household.rituals[NAME] = stored


def draw(turn: Turn, depth: str, also_skip: frozenset[str] = frozenset()) -> tuple[str, bool]:
    """The next question id at `depth` for this household, and whether its deck just started a new round.

    The cursor walks the whole deck's order and steps over questions that assume what this couple told us
    is not so; telling us later changes which are skipped, never the order, so nothing comes back early. A question
    that fits `also_skip` too is taken from further on without moving the cursor (the questions it passed over are
    still to come this round), and stepped over when the cursor reaches it.
    """
    at_depth = [q for q in _questions(turn) if q["depth"] == depth]
    ids = sorted(str(q["id"]) for q in at_depth)
    skipped = skipped_assumptions(turn)
    allowed = {str(q["id"]) for q in at_depth if not skipped & set(q.get("assumes", ()))} or set(ids)
    kept = read(turn.household)
    deck = kept.decks.get(depth) or Deck(turn.rng.randrange(2**31))
    renewed = False
    after = deck.after
    if after is None and deck.round > 0:
        # A deck stored before "after" was kept replays its rounds once, then keeps it.
        after = deck_order(ids, deck.seed, deck.round - 1)[-1]
    round_, cursor, early = deck.round, deck.cursor, deck.early
    while True:
        order = deck_order(ids, deck.seed, round_, after)
        while cursor < len(order) and (order[cursor] not in allowed or order[cursor] == early):
            cursor += 1
        if cursor < len(order):
            break
        renewed = True
        after = order[-1]
        round_, cursor, early = round_ + 1, 0, None
    question_id, next_cursor = order[cursor], cursor + 1
    fitting = {str(q["id"]) for q in at_depth if not also_skip & set(q.get("assumes", ()))}
    if also_skip and early is None and question_id not in fitting:
        ahead = next((qid for qid in order[cursor:] if qid in allowed and qid in fitting), None)
        if ahead is not None:  # asked now, stepped over later; the cursor stays for what it passed
            question_id, next_cursor, early = ahead, cursor, ahead
    decks = {**kept.decks, depth: Deck(deck.seed, round_, next_cursor, after, early)}
    write(turn.household, kept._replace(decks=MappingProxyType(decks), depth=depth))
    return question_id, renewed


def _offer_filters(turn: Turn, depth: str) -> bool:
    """Whether to say, this once, that a couple can leave out questions that assume years together or talk of family:
    the first time they reach the deepest questions, unless they have told us both already. Kept in this ritual's state."""
    kept = read(turn.household)
    if depth != DEPTHS[-1] or kept.filters_offered:
        return False
    write(turn.household, kept._replace(filters_offered=True))
    return not skipped_assumptions(turn) >= OFFERED_FILTERS


def last_asked(household: Household) -> tuple[str, str] | None:
    """The question asked last (its id: a deck id, or the jar prefix and an entry id) and the day it was asked,
    as the couple's clock read it; a look only (the Echo Show widget shows it until the day is over)."""
    last = peek(household).last
    return None if last is None else (last.question, last.on)


def _depth_from_slot(turn: Turn) -> str | None:
    """The depth the couple asked for: a resolved value id, or a word we know as one of its synonyms."""
    return turn.slot_value_id("depth", DEPTH_TYPE)


def _usual_depth(turn: Turn) -> str:
    """The depth they chose last time, else the content's default."""
    return peek(turn.household).depth or str(turn.section.settings["default_depth"])


def _jar_unheard(turn: Turn) -> bool:
    """Whether the couple's own jar holds a question they have not been asked yet."""
    return our_jar.unheard(turn.household) > 0


def _shift(depth: str, step: int) -> str:
    return DEPTHS[max(0, min(len(DEPTHS) - 1, DEPTHS.index(depth) + step))]


OFFER = "offer"  # both have answered: another question, or goodnight
LISTEN_BACK = ("listen_back_first", "listen_back_second")  # the listener says back what they heard


def _listened_back(turn: Turn, place: QuestionPlace, depth: str) -> bool:
    """A deck question at a depth that asks for it (deeper, deepest) is said back; their own jar's are not tiered."""
    jar = place.question.startswith(JAR_PREFIX)
    return not jar and depth in turn.section.settings["listen_back_depths"]


class QuestionPlace(Place):
    """The turn engine's place, the question (a deck id, or JAR_PREFIX and a jar entry's id) and its depth (None:
    the couple's usual depth), stored as "question" and "depth"."""

    question: str = ""
    depth: str | None = None

    @classmethod
    def read_extras(cls, stored: Mapping[str, Any], shared: Place) -> QuestionPlace | None:
        question, depth = stored_text(stored.get("question")), stored.get("depth")
        if question is None:
            return None
        return with_extras(shared, cls, question=question, depth=depth if depth in DEPTHS else None)

    def stored_extras(self) -> dict[str, Any]:
        return {"question": self.question, **({"depth": self.depth} if self.depth is not None else {})}


class TonightsQuestion(TurnTaking[QuestionPlace]):
    """One question, answered in turn: hands-free by default (timed answers, a chime, the next name in their
    voice), or at their own pace ("let's take our time"), the microphone closed while someone answers."""

    name = NAME
    intents = frozenset({"TonightsQuestionIntent"})
    follow_ups = FOLLOW_UPS | {ANOTHER, LIGHTER, DEEPER, TIRED}
    # With nothing in progress, "another question" or "a deeper question" starts one (skill.engine.router).
    also_starts = frozenset({ANOTHER, LIGHTER, DEEPER})
    place_type = QuestionPlace

    def steps(self, turn: Turn, place: QuestionPlace) -> list[Step]:
        """Each answers in turn; after an answer to a deeper or deepest question, the listener says back what they
        heard (a short hold of their own) before anything moves on."""
        settings = turn.section.settings
        depth = place.depth or _usual_depth(turn)
        hold = float(settings["answer_seconds"][depth])
        first, second = Step("first_turn", 0, hold, part=0, cue=True), Step("second_turn", 1, hold, part=0, cue=True)
        if not _listened_back(turn, place, depth):
            return [first, second]
        listen = float(settings["listen_back_seconds"])
        return [
            first,
            Step(LISTEN_BACK[0], 1, listen, part=0, cue=True, held=True),
            second,
            Step(LISTEN_BACK[1], 0, listen, part=0, cue=True, held=True),
        ]

    def prompt(self, turn: Turn, place: QuestionPlace, step: Step) -> list[Segment]:
        """Who answers first is named, then the narrator reads the question; the second hears it again in their own voice.
        A listener is asked, in their own voice, to say back what they heard."""
        partner = self._partner(place, step)
        assert partner is not None
        line = self._say(turn, place, step, step.key)
        if step.key in LISTEN_BACK:
            return [line]
        question = addressed_to(_question_text(turn, place.question) or "", turn.name(1 - partner))
        if step.speaker == 0:
            return [line, narrate(question)]
        return [line, to_partner(partner, question)]

    def start(self, turn: Turn) -> Reply:
        previous = self._place(turn)
        pace = pace_from_slot(turn) or (previous.pace if previous else None) or self._setting(turn, "default_pace")
        depth = _depth_from_slot(turn) or _usual_depth(turn)
        if turn.intent in (LIGHTER, DEEPER):  # "a deeper question": one step from their usual depth
            depth = _shift(_usual_depth(turn), -1 if turn.intent == LIGHTER else 1)
        return self._ask(turn, depth, pace=str(pace), announce_pace=True, jar_hint=True)

    def ask_own(self, turn: Turn, entry_id: str) -> Reply:
        """A question from the couple's own jar (skill/rituals/our_jar.py), answered in turn like any other.

        Drawn in the middle of tonight's question, it keeps that pace; drawn afresh, it says the pace, as
        tonight's question does, so a couple knows whether to wait for the chime or to hand over themselves.
        """
        previous = self._place(turn)
        pace = previous.pace if previous else str(self._setting(turn, "default_pace"))
        pace = pace if pace in PACES else PACED
        lead: list[Segment] = [narrate(turn.line("from_jar"))]
        if previous is None:
            lead.append(narrate(self._line(turn, f"{pace}_intro")))
        first = turn.household.take_first_turn()
        place = QuestionPlace(first=first, pace=pace, question=JAR_PREFIX + entry_id, depth=_usual_depth(turn))
        return self._with_card(turn, place, self._render(turn, place, lead), "card_title_jar")

    def question_words(self, turn: Turn, place: QuestionPlace, partner: int) -> str | None:
        """The question of `place` as `partner` hears it (a name slot holds the other's name); None if it is gone."""
        text = _question_text(turn, place.question)
        return None if text is None else addressed_to(text, turn.name(1 - partner))

    def view(self, turn: Turn, place: QuestionPlace) -> View | None:
        """The question as each partner hears it, its depth, and whose turn (the prompts are marked in the speech)."""
        words = [self.question_words(turn, place, partner) for partner in (0, 1)]
        if words[0] is None or words[1] is None:
            return None  # the question is gone (their jar emptied): nothing true to show
        jar = place.question.startswith(JAR_PREFIX)
        depth = place.depth or DEPTHS[0]
        steps = self.steps(turn, place)
        at = steps[place.cursor] if 0 <= place.cursor < len(steps) else steps[-1]
        speaking = self._partner(place, at)
        shown = {"first": place.first, "speaking": speaking, "offer": place.step == OFFER}
        level = 0 if jar else DEPTHS.index(depth) + 1  # 0: their own jar's question
        return View(
            "question",
            {"words": words, "depth": None if jar else depth, "level": level, "pace": place.pace, **shown},
        )

    def proceed(self, turn: Turn, intent: str) -> Reply:
        place = self._place(turn)
        if place is None or _question_text(turn, place.question) is None:
            return self.start(turn)
        depth = place.depth or _usual_depth(turn)
        pace = place.pace
        if intent == ANOTHER:
            return self._ask(turn, depth, pace=pace, ack="another")
        if intent == SKIP and self._passing(turn, place):
            return self._ask(turn, depth, pace=pace, ack="passed")
        if intent in (LIGHTER, DEEPER):
            # "A lighter one" is a light one, from any depth; "a deeper one" goes one step down.
            shifted = DEPTHS[0] if intent == LIGHTER else _shift(depth, 1)
            if shifted == depth:
                return self._ask(
                    turn, depth, pace=pace, ack="already_lightest" if intent == LIGHTER else "already_deepest"
                )
            return self._ask(turn, shifted, pace=pace, ack="lighter" if intent == LIGHTER else "deeper")
        if intent == TIRED:
            return self._ask(turn, DEPTHS[0], pace=pace, ack="tired")
        if place.step == OFFER:
            playing = interrupted_at(turn.now.timestamp(), place.stretch)
            if playing is None:
                return self._at_offer(turn, place, intent, depth)
            # They interrupted the answers ("your turn" 20 s into Maya's): back to the turn that was playing.
            place = place._replace(step=None)
        return self._proceed(turn, place, intent)

    def _passing(self, turn: Turn, place: QuestionPlace) -> bool:
        """ "Pass" while the question is theirs (answering, or its answers still playing) is a different question;
        once both have answered, it ends the evening like a no."""
        if place.step != OFFER:
            return True
        return TURNS_WAITING in turn.session and interrupted_at(turn.now.timestamp(), place.stretch) is not None

    def _at_offer(self, turn: Turn, place: QuestionPlace, intent: str, depth: str) -> Reply:
        """Both answered: yes or next for another, a change of pace for the next one, no for goodnight."""
        # A stray word (a "thank you" taken for a name, or a "hmm" that Alexa routes to the bare {rating} sample):
        # the offer once more, plainly. Only a clear no, "I'm done" or "pass" ends the evening.
        if intent in (HEARD_SOMETHING, RATING):
            return self._wait(
                turn,
                place._replace(step=OFFER),
                OFFER,
                (narrate(turn.line("offer_again")),),
                (narrate(turn.line("offer_again")),),
            )
        if intent in (YES, NEXT):
            return self._ask(turn, depth, pace=place.pace, ack="another")
        if intent in (TAKE_OUR_TIME, KEEP_TIME):
            chosen = OPEN if intent == TAKE_OUR_TIME else PACED
            return self._ask(turn, depth, pace=chosen, ack=f"now_{chosen}")
        return self._goodnight(turn)  # No, or "I'm done"

    def resume(self, turn: Turn) -> Reply:
        place = self._place(turn)
        if place is None or _question_text(turn, place.question) is None:
            return self.start(turn)
        if place.step == OFFER:
            return self._offer(turn, place, [narrate(turn.line("resume"))])
        return super().resume(turn)

    def repeat(self, turn: Turn) -> Reply | None:
        place = self._place(turn)
        if place is not None and place.step == OFFER:
            # Both have answered: read as the first of them heard it (a name slot filled, never "{partner}").
            question = self.question_words(turn, place, place.first) or ""
            return self._offer(turn, place, [narrate(turn.line("question_again")), narrate(question)])
        return super().repeat(turn)

    def place_kept(self, turn: Turn) -> bool:
        """Both have answered and "another?" waits: stopping there leaves nothing to come back to, unless they
        stop while the answers are still playing (then the turn that was playing is still theirs)."""
        place = self._place(turn)
        if place is None or place.step != OFFER:
            return True
        return interrupted_at(turn.now.timestamp(), place.stretch) is not None

    def help(self, turn: Turn) -> Reply | None:
        place = self._place(turn)
        if place is not None and place.step == OFFER:
            return self._offer(turn, place, [narrate(turn.line("help_offer"))])
        return super().help(turn)

    # -- the steps ---------------------------------------------------------------------------
    def _ask(
        self,
        turn: Turn,
        depth: str,
        *,
        pace: str,
        ack: str | None = None,
        announce_pace: bool = False,
        jar_hint: bool = False,
    ) -> Reply:
        """A new question at `depth`; each question is a new run, so who answers first alternates."""
        # The first deepest question, before they could say "we're new", assumes neither years together nor family.
        offer_filters = _offer_filters(turn, depth)
        question_id, renewed = draw(turn, depth, OFFERED_FILTERS if offer_filters else frozenset())
        level = familiarity(turn, self.name, count=announce_pace)  # counted once a start, not per question
        lead: list[Segment] = [narrate(self._line(turn, ack))] if ack else []
        if offer_filters:
            lead.append(narrate(turn.line("filters_offer")))
        if jar_hint and _jar_unheard(turn):
            lead.append(narrate(turn.line("jar_waiting")))
        if renewed:
            lead.append(narrate(turn.line(f"deck_renewed_{depth}")))
        told = bool(turn.session.get(PASS_TOLD))
        if TENDER in _tags(turn, question_id):  # gentler, and it always says the question can be passed
            lead.extend(self.explained(turn, "intro_tender", level))
            told = True
        elif not ack:  # an acknowledgement ("something lighter, then") already says what kind of question comes
            lead.extend(self.explained(turn, f"intro_{depth}", level))
        if depth != DEPTHS[0] and not told:
            lead.extend(self.explained(turn, "pass_hint", level))
            told = True
        pace = pace if pace in PACES else PACED
        if announce_pace:
            lead.extend(self.explained(turn, f"{pace}_intro", level))
        first = turn.household.take_first_turn()
        place = QuestionPlace(first=first, pace=pace, question=question_id, depth=depth)
        reply = self._with_card(turn, place, self._render(turn, place, lead), "card_title")
        if told and not reply.end_session:
            reply = reply._replace(session={**reply.session, PASS_TOLD: True})
        return reply

    def _with_card(self, turn: Turn, place: QuestionPlace, reply: Reply, title: str) -> Reply:
        """The question on a card in the Alexa app, as the first to answer hears it, to come back to later."""
        words = self.question_words(turn, place, place.first)
        if words is None:
            return reply
        # Tonight's question, remembered with the day it was asked: the Echo Show widget shows it until tomorrow.
        asked = Asked(place.question, turn.known_local_now.date().isoformat())
        write(turn.household, read(turn.household)._replace(last=asked))
        return reply._replace(card=Card(turn.line(title), words))

    def _close(self, turn: Turn, speech: list[Segment], place: QuestionPlace | None = None) -> Reply:
        """Both have answered: would they like another?"""
        assert place is not None
        return self._offer(turn, place, speech)

    def _offer(self, turn: Turn, place: QuestionPlace, lead: list[Segment]) -> Reply:
        place = place._replace(step=OFFER)
        depth = place.depth if place.depth in DEPTHS[1:] else None
        # never "a good one" after grief
        key = "offer_jar" if _jar_unheard(turn) else f"offer_{depth}" if depth else "offer"
        speech = [*lead, narrate(turn.line(key))]
        return self._wait(turn, place, OFFER, speech, (narrate(turn.line("offer_again")),))

    def _goodnight(self, turn: Turn) -> Reply:
        turn.end_progress()
        return Reply(speech=(narrate(turn.line("goodnight")),), end_session=True)


RITUAL = TonightsQuestion()
