"""Content per locale: lines with variants, ritual settings, voices and sounds; each file loaded once and validated."""

from __future__ import annotations

import json
import os
import random
import string
from collections.abc import Iterator, Mapping, MutableMapping
from functools import cache
from typing import TYPE_CHECKING, Any

from skill.record import Record
from skill.speech.voices import voices_for_locale
from skill.spelling import speller

if TYPE_CHECKING:
    from pathlib import Path

# The content folder as a plain path: the skill joins strings, since importing pathlib costs every cold start
# about a millisecond. Tools and tests take `CONTENT_DIR`, the same folder as a pathlib.Path (see __getattr__).
CONTENT_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content")
DEFAULT_LOCALE = "en-US"
SUPPORTED_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")

# Placeholders a line may use; anything else is a typo caught at load time.
PLACEHOLDERS = frozenset({"name", "other", "first", "second", "seconds", "count", "rituals", "examples", "ritual"})
# The weekly check-in's ratings, trend and reminder, and the care answers' numbers.
PLACEHOLDERS |= {"rating", "other_rating", "ordinal", "since", "when", "day", "time", "helpline", "phone", "emergency"}
PLACEHOLDERS |= {"question", "questions"}  # the couple's own jar
PLACEHOLDERS |= {"roadblock"}  # the roadblock the couple named, in its listed words
# Alexa fills in the skill's own name when a timer that hands back asks to bring the couple back (Timers API).
PLACEHOLDERS |= {"continueWithSkillName"}


class ContentError(ValueError):
    """A content file is missing, malformed or uses an unknown placeholder."""


class Sounds(Record):
    """The sound clips a ritual may play, by short name, with their lengths in seconds."""

    clips: Mapping[str, tuple[str, float]]

    def src(self, name: str) -> str:
        return self.clips[name][0]

    def seconds(self, name: str) -> float:
        return self.clips[name][1]


class Lines:
    """A table of lines, each with one or more wordings; picks a wording the couple did not hear last time."""

    def __init__(self, namespace: str, table: Mapping[str, tuple[str, ...]]) -> None:
        self.namespace = namespace
        self._table = table

    def __contains__(self, key: str) -> bool:
        return key in self._table

    def variants(self, key: str) -> tuple[str, ...]:
        return self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def pick(self, key: str, memory: MutableMapping[str, int], rng: random.Random, **values: Any) -> str:
        """One wording of `key`, never the one chosen last time, with placeholders filled in."""
        wordings = self._table[key]
        memory_key = f"{self.namespace}.{key}"
        last = memory.get(memory_key)
        choices = [i for i in range(len(wordings)) if i != last] or [0]
        index = rng.choice(choices)
        if len(wordings) > 1:
            memory[memory_key] = index
        return wordings[index].format(**values)

    def again(self, key: str, memory: MutableMapping[str, int], rng: random.Random, **values: Any) -> str:
        """The wording of `key` chosen last time (for "repeat"); a fresh one if none is remembered."""
        wordings = self._table[key]
        last = memory.get(f"{self.namespace}.{key}")
        if isinstance(last, int) and 0 <= last < len(wordings):
            return wordings[last].format(**values)
        return self.pick(key, memory, rng, **values)


class Section(Record):
    """One content file: its lines and its settings (timings, menu wording...)."""

    lines: Lines
    settings: Mapping[str, Any]
    data: Mapping[str, Any]


class Content(Record):
    """Everything a locale says: one Section per content file, the two voices, and the sound catalogue.

    `voices` are the two default voices (partner one's, partner two's); `voice_choices` every voice a couple
    may choose from, in the order they hear them (skill/content/<locale>/voices.json).
    """

    locale: str
    sections: Mapping[str, Section]
    voices: tuple[str, str]
    sounds: Sounds
    voice_choices: tuple[str, ...] = ()

    def section(self, name: str) -> Section:
        try:
            return self.sections[name]
        except KeyError:
            raise ContentError(f"no content file {name}.json for {self.locale}") from None


def read_json(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A content file's JSON object; a clear ContentError for anything else."""
    try:
        with open(path, encoding="utf-8") as file:
            data = json.loads(file.read())
    except (OSError, json.JSONDecodeError) as error:
        raise ContentError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected an object")
    return data


def _check_line(where: str, text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ContentError(f"{where}: a line must be non-empty text")
    for _, field_name, _, _ in string.Formatter().parse(text):
        if field_name is not None and field_name not in PLACEHOLDERS:
            raise ContentError(f"{where}: unknown placeholder {{{field_name}}}")
    return text


def _lines_table(where: str, raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: 'lines' must be an object")
    table: dict[str, tuple[str, ...]] = {}
    for key, wordings in raw.items():
        if isinstance(wordings, str):
            wordings = [wordings]
        if not isinstance(wordings, list) or not wordings:
            raise ContentError(f"{where}.{key}: give one or more wordings")
        table[key] = tuple(_check_line(f"{where}.{key}", w) for w in wordings)
    return table


def _file_names(locale: str) -> tuple[str, ...]:
    """The content files of the language (`en/`) and the locale's own folder, by name, without reading any."""
    names: set[str] = set()
    for folder in _folders(locale):
        if os.path.isdir(folder):
            names.update(name[: -len(".json")] for name in os.listdir(folder) if name.endswith(".json"))
    return tuple(sorted(names))


def _folders(locale: str) -> tuple[str, str]:
    """The language's folder (`en/`), then the locale's own (`en-GB/`)."""
    return os.path.join(CONTENT_FOLDER, locale.split("-")[0]), os.path.join(CONTENT_FOLDER, locale)


def _merged_file(locale: str, name: str) -> dict[str, Any]:
    """One content file of the language (`en/`), overridden key by key by the locale's own folder."""
    target: dict[str, Any] = {"lines": {}, "settings": {}}
    for folder in _folders(locale):
        path = os.path.join(folder, f"{name}.json")
        if not os.path.isfile(path):
            continue
        data = read_json(path)
        for part in ("lines", "settings"):
            extra = data.get(part, {})
            if not isinstance(extra, dict):
                raise ContentError(f"{path}: '{part}' must be an object")
            target[part].update(extra)
        for key, value in data.items():
            if key == "questions" and isinstance(value, dict):
                target[key] = _reworded(path, target.get(key), value)
            elif key not in ("lines", "settings"):
                target[key] = value
    return target


# What couples say (the interaction model's samples and slot values) and the words the skill listens for (names,
# care words, phrases): kept as written, since Alexa's recognizer spells them, not we. The rest is shown or said.
NOT_RESPELT = frozenset({"intents", "slot_types", "invocation", "builtins", "names"})
NOT_RESPELT_SETTINGS = frozenset({"not_names", "not_names_local", "also_first_names", "safety_words", "distress_words"})
NOT_RESPELT_SETTINGS |= {"wake_words", "launch_phrases", "one_shot_phrases", "builtin_phrases"}


def _respelt(locale: str, data: dict[str, Any]) -> dict[str, Any]:
    """A merged content file in the locale's spelling (skill/spelling.py): shared English as written where it is the locale's."""
    respell = speller(locale)
    if respell is None:
        return data
    respelt = {
        key: value if key in NOT_RESPELT else respell.value(value) for key, value in data.items() if key != "settings"
    }
    settings = data.get("settings", {})
    respelt["settings"] = {
        key: value if key in NOT_RESPELT_SETTINGS else respell.value(value) for key, value in settings.items()
    }
    return respelt


def _section(locale: str, name: str, data: dict[str, Any]) -> Section:
    """A merged content file as a Section, its lines checked."""
    return Section(
        lines=Lines(name, _lines_table(f"{locale}/{name}", data["lines"])),
        settings=data["settings"],
        data={k: v for k, v in data.items() if k not in ("lines", "settings")},
    )


class _Sections(Mapping[str, Section]):
    """A locale's content files by name, each read, merged and validated the first time a request asks for it.

    A request reads a few of them (a launch: the narrator's lines and menu, not the rituals' files or the
    question deck), so a cold start parses only those.
    """

    def __init__(self, locale: str, names: tuple[str, ...]) -> None:
        self._locale = locale
        self._names = names
        self._loaded: dict[str, Section] = {}

    def __getitem__(self, name: str) -> Section:
        section = self._loaded.get(name)
        if section is None:
            if name not in self._names:
                raise KeyError(name)
            merged = _respelt(self._locale, _merged_file(self._locale, name))
            section = self._loaded[name] = _section(self._locale, name, merged)
        return section

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _reworded(path: str, deck: Any, rewordings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A deck of questions with some reworded for a locale: `{"questions": {id: text}}` in the locale's file.

    Only the words change; ids, depths and tags stay the language's, so a couple's place in a deck holds.
    """
    if not isinstance(deck, list):
        raise ContentError(f"{path}: rewords questions, but the language has no deck of questions here")
    known = {question.get("id") for question in deck if isinstance(question, dict)}
    for question_id, text in rewordings.items():
        if question_id not in known:
            raise ContentError(f"{path}: no question {question_id} to reword")
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{path}: {question_id} must be reworded as non-empty text")
    return [{**q, "text": rewordings[q["id"]]} if q.get("id") in rewordings else q for q in deck]


def _sounds() -> Sounds:
    raw = read_json(os.path.join(CONTENT_FOLDER, "sounds.json")).get("clips", {})
    clips: dict[str, tuple[str, float]] = {}
    for name, clip in raw.items():
        src, seconds = clip.get("src"), clip.get("seconds")
        if not isinstance(src, str) or not src.startswith("soundbank://"):
            raise ContentError(f"sounds.json {name}: src must be a soundbank:// clip")
        if not isinstance(seconds, (int, float)) or seconds <= 0:
            raise ContentError(f"sounds.json {name}: seconds must be positive")
        clips[name] = (src, float(seconds))
    return Sounds(clips)


def supported_locale(locale: str | None) -> str:
    """The locale to speak: the request's if we support it, else the default."""
    return locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE


def load_content(locale: str) -> Content:
    """The content of the request's locale, or the default's when we do not support it."""
    return _content(supported_locale(locale))


@cache
def _content(locale: str) -> Content:
    """A supported locale's content (once per process, so the cache holds at most one per supported locale): its
    voices and sounds now, each file when first read. Keyed by the supported locale, never by what a request
    said: made-up locales must not each keep a copy."""
    voices, choices = _voices(locale)
    names = tuple(name for name in _file_names(locale) if name != "voices")
    return Content(
        locale=locale, sections=_Sections(locale, names), voices=voices, sounds=_sounds(), voice_choices=choices
    )


def _voices(locale: str) -> tuple[tuple[str, str], tuple[str, ...]]:
    """The locale's two default voices and every voice it offers, each one Alexa accepts there."""
    data = _merged_file(locale, "voices")
    defaults, choices = tuple(data.get("defaults", ())), tuple(data.get("choices", ()))
    allowed = voices_for_locale(locale)
    if len(defaults) != 2 or defaults[0] == defaults[1] or not set(defaults) <= allowed:
        raise ContentError(f"{locale}: defaults must be two different voices of {sorted(allowed)}")
    if len(set(choices)) != len(choices) or not set(defaults) <= set(choices) <= allowed:
        raise ContentError(f"{locale}: choices must be different voices of {sorted(allowed)}, the defaults among them")
    return (defaults[0], defaults[1]), choices


def __getattr__(name: str) -> Path:
    """`CONTENT_DIR`: the content folder as a pathlib.Path, made when first asked for (tools and tests)."""
    if name == "CONTENT_DIR":
        from pathlib import Path

        return Path(CONTENT_FOLDER)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
