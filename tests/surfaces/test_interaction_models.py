"""The five interaction models and the code agree, and every model keeps the rules Alexa enforces when it builds.

In the spirit of Home Assistant's intents tests: the sentences are data (tests/support/utterances/<locale>.json),
each mapped to the intent and slots it must give through that locale's generated model; and every
intent a model declares is asked of the real skill, which must have a handler for it other than the
fallback. Nothing here lists rituals by hand: new content files and ritual modules are picked up.
"""

from __future__ import annotations

import ast
import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope

from skill.alexa import handlers
from skill.alexa.skill import build_skill
from skill.cli.nlu import Understanding, addressed
from skill.content import SUPPORTED_LOCALES, load_content
from skill.deploy.models import MODELS_DIR
from skill.engine import router
from skill.engine.ritual import follow_up_intents, registry
from skill.interaction_model import build_model, model_locales, model_text

UTTERANCES = Path(__file__).resolve().parents[1] / "support" / "utterances"
LOCALES = list(SUPPORTED_LOCALES)

# Built-ins a certified custom skill declares (docs/ARCHITECTURE.md, the public surface: handled wherever they make sense).
REQUIRED_BUILTINS = frozenset(
    {
        "AMAZON.HelpIntent",
        "AMAZON.StopIntent",
        "AMAZON.CancelIntent",
        "AMAZON.FallbackIntent",
        "AMAZON.NavigateHomeIntent",
    }
)

# The fixed intent names and their slots (docs/ARCHITECTURE.md, the public surface): a built-in slot type, or the
# value ids of a custom one.
CONTRACT_INTENTS: dict[str, dict[str, str | frozenset[str]]] = {
    "MorningCoffeeIntent": {},
    "RoseThornBudIntent": {},
    "HugIntent": {"seconds": "AMAZON.NUMBER"},
    "BreatheIntent": {"breaths": "AMAZON.NUMBER"},
    "MagicMinutesIntent": {},
    "TonightsQuestionIntent": {"depth": frozenset({"light", "deeper", "deepest"})},
    "CheckInIntent": {},
    "RatingIntent": {"rating": "AMAZON.NUMBER"},
    "AppreciationIntent": {},
    "SentenceStemsIntent": {},
    "StressMapIntent": {},
    "GentleStartIntent": {},
    "SetNamesIntent": {"first": "AMAZON.FirstName", "second": "AMAZON.FirstName"},
    "ForgetUsIntent": {},
    "DoneIntent": {},
}

# Alexa's built-in slot types this skill could reasonably use; a type outside it is most likely a typo.
BUILT_IN_SLOT_TYPES = frozenset(
    {
        "AMAZON.NUMBER", "AMAZON.FirstName", "AMAZON.DATE", "AMAZON.TIME", "AMAZON.DURATION", "AMAZON.Ordinal",
        "AMAZON.FOUR_DIGIT_NUMBER", "AMAZON.DayOfWeek", "AMAZON.Person", "AMAZON.SearchQuery", "AMAZON.Food",
        "AMAZON.Color", "AMAZON.Activity", "AMAZON.Emotion", "AMAZON.Feeling",
    }
)  # fmt: skip

# Alexa's invocation name requirements: no launch phrases, connecting words alone, or wake words.
LAUNCH_WORDS = frozenset(
    {"ask", "open", "launch", "start", "begin", "tell", "load", "play", "resume", "run", "use", "enable", "talk"}
)
WAKE_WORDS = frozenset({"alexa", "amazon", "echo", "computer", "skill", "app"})
MAX_SAMPLE_CHARACTERS = 200  # Alexa's limit for one sample utterance, slot names included
# Words to say in a built-in slot when a sample is tried out (numbers, names and custom types have their own).
STAND_IN_WORDS = {
    "AMAZON.DayOfWeek": "sunday",
    "AMAZON.TIME": "seven",
    "AMAZON.DATE": "tomorrow",
    "AMAZON.DURATION": "ten minutes",
}

_SLOT = re.compile(r"\{([^{}]*)\}")
_SLOT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_INTENT_NAME = re.compile(r"(?:AMAZON\.)?[A-Z][A-Za-z]*Intent")
_CUSTOM_INTENT_NAME = re.compile(r"[A-Za-z](?:[A-Za-z_]*[A-Za-z])?")
# A sample's words: letters with possessive or contracted apostrophes ("tonight's", "we're"), or an
# abbreviation spelled with periods ("a.m.", "t. v."); digits must be spelled out ("twenty").
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]*)*|(?:[^\W\d_]\.)+")


def language_model(locale: str) -> dict[str, Any]:
    """The committed model of a locale."""
    data = json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    return data["interactionModel"]["languageModel"]  # type: ignore[no-any-return]


def intents(locale: str) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in language_model(locale)["intents"]}


def slots_of(intent: dict[str, Any]) -> dict[str, str]:
    return {slot["name"]: slot["type"] for slot in intent.get("slots", [])}


def types_of(locale: str) -> dict[str, list[dict[str, Any]]]:
    return {slot_type["name"]: slot_type["values"] for slot_type in language_model(locale).get("types", [])}


def samples(locale: str) -> list[tuple[str, str]]:
    """(intent, sample) for every sample of a locale's model."""
    return [(name, sample) for name, intent in intents(locale).items() for sample in intent.get("samples", [])]


# -- the skill, asked which handler answers an intent ------------------------------------------


def _store_forbidden() -> Any:
    raise AssertionError("choosing a handler must not open the store")


@cache
def skill() -> CustomSkill:
    return build_skill(_store_forbidden)


def answering_handler(intent: str, slots: dict[str, str] | None = None, locale: str = "en-US") -> str:
    """The class name of the request handler the skill picks for an IntentRequest of `intent` (no session state)."""
    application = {"applicationId": "amzn1.ask.skill.test-our-rituals"}
    user = {"userId": "amzn1.ask.account.HANDLER-PROBE"}
    event = {
        "version": "1.0",
        "session": {
            "new": False,
            "sessionId": "amzn1.echo-api.session.probe",
            "application": application,
            "user": user,
            "attributes": {},
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "probe", "supportedInterfaces": {}},
            }
        },
        "request": {
            "type": "IntentRequest",
            "requestId": "amzn1.echo-api.request.probe",
            "timestamp": "2026-11-22T19:30:00Z",
            "locale": locale,
            "intent": {
                "name": intent,
                "confirmationStatus": "NONE",
                "slots": {name: {"name": name, "confirmationStatus": "NONE"} for name in slots or {}},
            },
        },
    }
    envelope = skill().serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    handler_input = HandlerInput(
        request_envelope=envelope, attributes_manager=AttributesManager(request_envelope=envelope)
    )
    for mapper in skill().request_dispatcher.request_mappers:
        chain = mapper.get_request_handler_chain(handler_input)
        if chain is not None:
            name = type(chain.request_handler).__name__
            # Every intent reaches the one router, whose rules say who answers it (skill/engine/router.py).
            return f"router {router.rule(intent, {})}" if name == "IntentHandler" else name
    return "no handler"


FALLBACK = f"router {router.OFF_SCRIPT}"


@cache
def intents_named_in_code() -> frozenset[str]:
    """Intent names the code acts on: those rituals start or follow up, and those the Alexa handlers name."""
    from skill import intents

    declared = {
        name: value for name, value in vars(intents).items() if isinstance(value, str) and _INTENT_NAME.fullmatch(value)
    }
    names = set(registry()) | set(follow_up_intents())
    for module in (handlers, router):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        # A name from skill/intents.py counts as that intent's name, however it is imported (`as` included).
        aliases = {alias.asname or alias.name: alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and node.module == "skill.intents" for alias in node.names}  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _INTENT_NAME.fullmatch(node.value):
                names.add(node.value)
            elif isinstance(node, ast.Name) and aliases.get(node.id) in declared:
                names.add(declared[aliases[node.id]])
            elif (
                isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "intents"
                and node.attr in declared
            ):  # fmt: skip
                names.add(declared[node.attr])
    return frozenset(names)


@cache
def intents_answered_by_code() -> frozenset[str]:
    """Of those, the ones a handler other than the fallback answers."""
    return frozenset(name for name in intents_named_in_code() if answering_handler(name) != FALLBACK)


# -- generated, committed, complete ---------------------------------------------------------------


def test_every_contract_locale_has_a_model_and_no_other_model_is_committed() -> None:
    assert model_locales() == LOCALES
    assert sorted(path.stem for path in MODELS_DIR.glob("*.json")) == sorted(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_committed_model_is_what_the_content_generates(locale: str) -> None:
    committed = (MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8")
    assert committed == model_text(locale), f"interaction_models/{locale}.json is stale: run our-rituals models"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_declares_the_same_intents_and_slots(locale: str) -> None:
    """One code base answers every locale, so locales differ in samples only."""
    ours = {name: slots_of(intent) for name, intent in intents(locale).items()}
    assert ours == {name: slots_of(intent) for name, intent in intents("en-US").items()}


def test_a_locale_folder_adds_samples_but_cannot_invent_an_intent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skill.interaction_model as models

    monkeypatch.setattr(models, "CONTENT_DIR", tmp_path)
    for folder in ("en", "en-GB"):
        (tmp_path / folder).mkdir()
    (tmp_path / "en" / "hug.json").write_text(
        json.dumps({"invocation": "our rituals", "intents": {"HugIntent": {"samples": ["a hug"]}}})
    )
    (tmp_path / "en-GB" / "hug.json").write_text(json.dumps({"intents": {"HugIntent": {"samples": ["a cuddle"]}}}))
    gb = build_model("en-GB")["interactionModel"]["languageModel"]["intents"]
    assert [intent["samples"] for intent in gb if intent["name"] == "HugIntent"] == [["a hug", "a cuddle"]]
    (tmp_path / "en-GB" / "cuppa.json").write_text(json.dumps({"intents": {"CuppaIntent": {"samples": ["a cuppa"]}}}))
    with pytest.raises(models.ContentError, match="CuppaIntent"):
        build_model("en-GB")


# -- the model and the code agree -----------------------------------------------------------------


def test_the_handler_probe_tells_a_handled_intent_from_an_unknown_one() -> None:
    assert answering_handler("AMAZON.HelpIntent") == f"router {router.HELPING}"
    assert answering_handler("SomethingWeNeverDeclaredIntent") == FALLBACK


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_in_the_model_has_a_handler(locale: str) -> None:
    """Only AMAZON.FallbackIntent may end at the router's off-script rule (a ritual in progress may answer it first)."""
    unanswered = []
    for name, intent in intents(locale).items():
        handler = answering_handler(name, slots_of(intent), locale)
        if handler == "no handler" or (handler == FALLBACK and name != "AMAZON.FallbackIntent"):
            unanswered.append(f"{name} -> {handler}")
    assert not unanswered, f"{locale}: intents nothing but the fallback answers: {unanswered}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_the_code_answers_is_in_the_model(locale: str) -> None:
    missing = sorted(intents_answered_by_code() - set(intents(locale)))
    assert not missing, f"{locale}: the code answers {missing} but the model never sends them"


@pytest.mark.parametrize("locale", LOCALES)
def test_contract_intents_are_in_the_model_exactly_when_the_code_answers_them(locale: str) -> None:
    contract = set(CONTRACT_INTENTS)
    assert contract & set(intents(locale)) == contract & intents_answered_by_code()


@pytest.mark.parametrize("locale", LOCALES)
def test_contract_intents_have_the_contract_slots(locale: str) -> None:
    model, types = intents(locale), types_of(locale)
    for name, contract_slots in CONTRACT_INTENTS.items():
        if name not in model:
            continue  # not built yet; the test above keeps model and code in step
        declared = slots_of(model[name])
        for slot, expected in contract_slots.items():
            assert slot in declared, f"{name} needs the slot {slot}"
            if isinstance(expected, str):
                assert declared[slot] == expected, f"{name}.{slot}"
            else:
                assert {value["id"] for value in types[declared[slot]]} == expected, f"{name}.{slot}"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_required_built_ins_are_declared(locale: str) -> None:
    assert set(intents(locale)) >= REQUIRED_BUILTINS


# -- Alexa's rules for a model ----------------------------------------------------------------------


def invocation_problems(name: str) -> list[str]:
    """Every way an invocation name breaks Alexa's requirements."""
    problems = []
    if not re.fullmatch(r"[a-z]+(?: [a-z]+)+", name):
        problems.append("two or more words of lower-case letters, single spaces")
    if set(name.split(" ")) & (LAUNCH_WORDS | WAKE_WORDS):
        problems.append("no launch words or wake words")
    return problems


@pytest.mark.parametrize(
    "name",
    ["rituals", "Our Rituals", "ask our rituals", "our rituals skill", "our rituals two point 0", "alexa rituals"],
)
def test_the_invocation_rules_catch_what_alexa_refuses(name: str) -> None:
    assert invocation_problems(name)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_invocation_name_follows_alexas_rules(locale: str) -> None:
    name = language_model(locale)["invocationName"]
    assert invocation_problems(name) == []
    assert name == "our rituals", "the invocation name is fixed (docs/ARCHITECTURE.md)"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_two_intents_share_a_sample(locale: str) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for name, sample in samples(locale):
        owners[" ".join(sample.lower().split())].add(name)
    shared = {sample: sorted(names) for sample, names in owners.items() if len(names) > 1}
    assert not shared, f"{locale}: samples claimed by more than one intent: {shared}"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_two_samples_differ_only_in_which_slot_is_where(locale: str) -> None:
    """ "our names are {first} and {second}" and "... {second} and {first}" sound the same: Alexa can only guess."""
    shapes: dict[str, list[str]] = defaultdict(list)
    for name, sample in samples(locale):
        declared = slots_of(intents(locale)[name])
        typed = _SLOT.sub(lambda match, declared=declared: "{" + declared.get(match.group(1), "?") + "}", sample)
        shape = " ".join(typed.lower().split())
        shapes[shape].append(f"{name}: {sample}")
    alike = [owners for owners in shapes.values() if len(owners) > 1]
    assert not alike, f"{locale}: samples that sound the same: {alike}"


@pytest.mark.parametrize("locale", LOCALES)
def test_custom_intents_are_well_named_and_have_samples(locale: str) -> None:
    for name, intent in intents(locale).items():
        if name.startswith("AMAZON."):
            continue
        assert _CUSTOM_INTENT_NAME.fullmatch(name), f"{name}: letters and underscores only"
        assert intent.get("samples"), f"{name} has no sample utterances"


def sample_problems(sample: str) -> list[str]:
    """Every way one sample utterance breaks the rules Alexa checks when it builds a model."""
    problems = []
    if len(sample) > MAX_SAMPLE_CHARACTERS:
        problems.append(f"over {MAX_SAMPLE_CHARACTERS} characters")
    if sample != sample.strip() or "  " in sample:
        problems.append("single spaces between words")
    if re.search(r"\d", sample):
        problems.append("numbers must be spelled out")
    if re.search(r"\}\s*\{", sample):
        problems.append("two slots need a word between them")
    if not sample.count("{") == sample.count("}") == len(_SLOT.findall(sample)):
        problems.append("braces only around slot names")
    problems += [f"{{{slot}}} is not a slot name" for slot in _SLOT.findall(sample) if not _SLOT_NAME.fullmatch(slot)]
    problems += [
        f"{token!r}: only letters, apostrophes and periods in abbreviations"
        for token in _SLOT.sub(" ", sample).split()
        if not _WORD.fullmatch(token) and not re.search(r"\d", token)
    ]
    return problems


@pytest.mark.parametrize(
    "sample",
    ["take 5 breaths", "a hug!", "{first}{second}", "{first} {second}", "hug " * 50 + "please", "hugs & kisses",
     "a {seconds second hug", "a {} hug", "breathe  together", "well-being"],
)  # fmt: skip
def test_the_sample_rules_catch_what_alexa_refuses(sample: str) -> None:
    assert sample_problems(sample)


@pytest.mark.parametrize(
    "sample", ["tonight's question", "we're {first} and {second}", "at seven a.m.", "a {length} hug"]
)
def test_the_sample_rules_let_good_samples_through(sample: str) -> None:
    assert sample_problems(sample) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sample_keeps_alexas_rules(locale: str) -> None:
    broken = {
        f"{name}: {sample}": problems for name, sample in samples(locale) if (problems := sample_problems(sample))
    }
    assert not broken, f"{locale}: {broken}"


@pytest.mark.parametrize("locale", LOCALES)
def test_slots_used_and_declared_are_the_same(locale: str) -> None:
    for name, intent in intents(locale).items():
        used = {slot for sample in intent.get("samples", []) for slot in _SLOT.findall(sample)}
        assert used == set(slots_of(intent)), f"{name}: used {sorted(used)}, declared {sorted(slots_of(intent))}"


@pytest.mark.parametrize("locale", LOCALES)
def test_slot_types_exist_and_have_values_with_ids_and_synonyms(locale: str) -> None:
    types = types_of(locale)
    referenced = {slot_type for intent in intents(locale).values() for slot_type in slots_of(intent).values()}
    for slot_type in referenced:
        assert slot_type in types or slot_type in BUILT_IN_SLOT_TYPES, f"unknown slot type {slot_type}"
    assert set(types) <= referenced, f"custom slot types no slot uses: {sorted(set(types) - referenced)}"
    for type_name, values in types.items():
        assert values, f"{type_name} has no values"
        ids = [value.get("id") for value in values]
        assert all(ids) and len(set(ids)) == len(ids), f"{type_name}: every value needs its own id"
        heard_as: dict[str, str] = {}
        for value in values:
            words = [value["name"]["value"], *value["name"].get("synonyms", [])]
            assert value["name"]["value"].strip() and value["name"].get("synonyms"), f"{type_name}.{value['id']}"
            for word in words:
                key = " ".join(word.lower().split())
                assert heard_as.setdefault(key, value["id"]) == value["id"], f"{type_name}: {word!r} means two values"


# -- what a typed sentence means, through each locale's own model ------------------------------


@cache
def understanding(locale: str) -> Understanding:
    """The terminal dialog's understanding of a locale: its generated model and Alexa's built-in phrases."""
    return Understanding(build_model(locale), load_content(locale).section("dialog").settings["builtin_phrases"])


def hear(locale: str, sentence: str) -> tuple[str, dict[str, str]]:
    """(intent, {slot: value}) for a typed sentence; "LaunchRequest" when it only opens the skill.

    A custom slot's value is the id it resolves to, as the code reads it.
    """
    phrases = load_content(locale).section("dialog").settings
    _, rest = addressed(sentence, understanding(locale).invocation, phrases)
    if rest is None:
        return "LaunchRequest", {}
    understood = understanding(locale).understand(rest)
    heard: dict[str, str] = {}
    for name, slot in understood.slots.items():
        resolutions = slot.get("resolutions", {}).get("resolutionsPerAuthority", [])
        value = resolutions[0]["values"][0]["value"]["id"] if resolutions else slot.get("value")
        if value is not None:
            heard[name] = str(value)
    return understood.intent, heard


def _filled(locale: str, intent: str, sample: str) -> tuple[str, dict[str, str]]:
    """A sample with plausible words in its slots, and the slot values Alexa would send for them."""
    declared = slots_of(intents(locale)[intent])
    names = iter(["maya", "sam"])
    words: dict[str, str] = {}
    expected: dict[str, str] = {}
    for slot in _SLOT.findall(sample):
        slot_type = declared[slot]
        if slot_type == "AMAZON.NUMBER":
            words[slot], expected[slot] = "seven", "7"
        elif slot_type == "AMAZON.FirstName":
            words[slot] = expected[slot] = next(names)
        elif slot_type in types_of(locale):
            value = types_of(locale)[slot_type][0]
            words[slot], expected[slot] = value["name"]["value"], value["id"]
        else:  # the terminal dialog passes other built-in slots on as the words heard
            words[slot] = expected[slot] = STAND_IN_WORDS.get(slot_type, "something")
    return _SLOT.sub(lambda match: words[match.group(1)], sample), expected


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sample_is_understood_as_its_own_intent(locale: str) -> None:
    """Each sample, said with its slots filled in, reaches its own intent (and slots) in the terminal dialog too."""
    misheard = {}
    for name, sample in samples(locale):
        sentence, expected = _filled(locale, name, sample)
        heard_intent, heard_slots = hear(locale, sentence)
        heard = (heard_intent, {slot: value.lower() for slot, value in heard_slots.items()})
        if heard != (name, expected):
            misheard[sentence] = f"{(name, expected)} but heard {heard}"
    assert not misheard, f"{locale}: {misheard}"


@pytest.mark.parametrize("order", [("RatingIntent", "SetNamesIntent"), ("SetNamesIntent", "RatingIntent")])
def test_a_number_is_a_number_before_it_is_a_name_and_a_name_is_never_a_misheard_number(order: tuple[str, str]) -> None:
    """Two intents with a bare slot sample: the terminal dialog picks as Alexa would, whatever the model's order."""
    declared = {
        "RatingIntent": {
            "name": "RatingIntent",
            "slots": [{"name": "rating", "type": "AMAZON.NUMBER"}],
            "samples": ["{rating}"],
        },
        "SetNamesIntent": {
            "name": "SetNamesIntent",
            "slots": [{"name": "first", "type": "AMAZON.FirstName"}],
            "samples": ["{first}"],
        },
    }
    model = {
        "interactionModel": {
            "languageModel": {"invocationName": "our rituals", "intents": [declared[name] for name in order]}
        }
    }
    understood = Understanding(model, {})
    assert understood.understand("seven").intent == "RatingIntent"
    assert understood.understand("seven").slots["rating"]["value"] == "7"
    assert understood.understand("maya").intent == "SetNamesIntent"


def utterance_cases() -> list[Any]:
    cases = []
    for locale in LOCALES:
        data = json.loads((UTTERANCES / f"{locale}.json").read_text(encoding="utf-8"))
        for case in data["tests"]:
            for sentence in case["sentences"]:
                cases.append(
                    pytest.param(locale, sentence, case["intent"], case.get("slots", {}), id=f"{locale}: {sentence}")
                )
    return cases


def test_every_locale_has_its_sentence_tests() -> None:
    assert sorted(path.stem for path in UTTERANCES.glob("*.json")) == sorted(LOCALES)


@pytest.mark.parametrize(("locale", "sentence", "intent", "slots"), utterance_cases())
def test_a_typed_sentence_means_what_its_locale_expects(
    locale: str, sentence: str, intent: str, slots: dict[str, str]
) -> None:
    heard_intent, heard_slots = hear(locale, sentence)
    assert heard_intent == intent, f"{locale}: {sentence!r}"
    assert {k: v.lower() for k, v in heard_slots.items()} == {k: v.lower() for k, v in slots.items()}, sentence
