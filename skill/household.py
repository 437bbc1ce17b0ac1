"""What the skill remembers about one couple, and how it is stored: a small hot part, compact growing parts.

A request reads the whole household (one read) and writes it back only when something changed. The stored
document keeps what nearly every request touches (names, turn order, the ritual in progress, the time zone,
voices) as plain fields, the wording memory as a short string of indexes, and each ritual's own state as its
JSON text (compressed once it is large), kept as text until a request opens it. So a request's work is the same
for a couple of two years as for a couple of two days: untouched rituals are neither parsed nor written anew,
and what changed is found by comparing serialised forms, never by copying the household.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, MutableMapping
from typing import Any, TypeGuard

from skill.digest import sha256

PARTNERS = (0, 1)
# The longest first name kept (and spoken); the narrator refuses longer ones when they are said.
MAX_NAME_LENGTH = 30
# Recognised voices remembered per household (a partner may enrol again, on another account's Echo...).
MAX_SPEAKERS = 4
# How many lines' last wordings are remembered (the latest heard): a line not heard for this many others may
# repeat its wording once, which nobody notices, and the memory stays a few hundred bytes for ever.
MAX_WORDINGS = 64
# The stored document's layout; documents without it are the first shape (everything as plain JSON).
LAYOUT = 2
# A ritual's state longer than this (as JSON) is stored compressed: a check-in history, a jar.
COMPRESS_OVER = 320
_COMPRESSED = "z:"
# How many uses of a ritual are counted: enough to know the couple has heard its explanation in full, then
# briefly (skill/engine/familiarity.py); after that the count stays put, so it never grows nor writes again.
MAX_USES_COUNTED = 3
MAX_USES_KEPT = 64  # more than there are rituals: only a damaged record reaches it
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


_LINE_INDEXES: dict[str, str] = {}  # bounded by the content's line keys


def line_index(key: str) -> str:
    """A line key ("check_in.intro") as four characters of its SHA-256: an index into the memory, not its text."""
    index = _LINE_INDEXES.get(key)
    if index is None:
        number = int.from_bytes(sha256(key.encode("utf-8")).digest()[:3], "big")
        index = _LINE_INDEXES[key] = "".join(_DIGITS[(number >> shift) & 63] for shift in (18, 12, 6, 0))
    return index


class WordingMemory(MutableMapping[str, int]):
    """Which wording of each line was said last ("check_in.intro" -> 2), kept by index for the latest MAX_WORDINGS lines.

    Stored as "ABCD2,EFGH0,...": four characters standing for the line key, then the number, oldest first. Two
    keys sharing an index (one chance in millions per pair) would at worst repeat a wording once. Kept as that
    text while a request runs (a lookup is a search in it, a change an edit of it), so a request neither parses
    nor rebuilds the memory.
    """

    __slots__ = ("_text", "_count")

    def __init__(self, text: str = "") -> None:
        self._text = "," + text if text else ""  # each entry preceded by a comma, so a search finds whole entries
        self._count = text.count(",") + 1 if text else 0

    @classmethod
    def parse(cls, text: Any) -> WordingMemory:
        """The stored memory; a damaged one keeps what still reads (a lookup of a damaged entry finds nothing)."""
        if not isinstance(text, str) or not text or len(text) > MAX_WORDINGS * 18:
            return cls()
        return cls(text if text.isascii() else "")

    @classmethod
    def from_keys(cls, remembered: dict[str, Any]) -> WordingMemory:
        """The first shape's memory ({"check_in.intro": 2, ...}), by index."""
        memory = cls()
        for key, value in remembered.items():
            if isinstance(key, str) and type(value) is int and value >= 0:
                memory[key] = value
        return memory

    def serialised(self) -> str:
        return self._text[1:]

    def _find(self, index: str) -> tuple[int, int]:
        """Where the entry of `index` starts (at its comma) and ends; (-1, -1) when there is none."""
        start = self._text.find("," + index)
        if start < 0:
            return -1, -1
        end = self._text.find(",", start + 1)
        return start, len(self._text) if end < 0 else end

    def get(self, key: str, default: Any = None) -> Any:
        start, end = self._find(line_index(key))
        number = self._text[start + 5 : end]
        return int(number) if start >= 0 and number.isdigit() and len(number) <= 12 else default

    def __getitem__(self, key: str) -> int:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return int(value)

    def __setitem__(self, key: str, value: int) -> None:
        index = line_index(key)
        start, end = self._find(index)
        if start >= 0:  # the latest line goes last, so the oldest are forgotten first
            self._text = self._text[:start] + self._text[end:]
            self._count -= 1
        self._text += f",{index}{int(value)}"
        self._count += 1
        while self._count > MAX_WORDINGS:
            self._text = self._text[self._text.index(",", 1) :]
            self._count -= 1

    def __delitem__(self, key: str) -> None:
        start, end = self._find(line_index(key))
        if start < 0:
            raise KeyError(key)
        self._text = self._text[:start] + self._text[end:]
        self._count -= 1

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(line_index(key))[0] >= 0

    def __iter__(self) -> Iterator[str]:
        return iter([entry[:4] for entry in self._text[1:].split(",")] if self._text else [])  # indexes, not keys

    def __len__(self) -> int:
        return self._count


class RitualStates(MutableMapping[str, dict[str, Any]]):
    """Each ritual's own state by ritual name, parsed the first time a request asks for it.

    `stored` holds what was read (JSON text, or "z:" and compressed JSON); a ritual's state is parsed
    when a request opens it, and only opened states are serialised again on the way out.
    """

    __slots__ = ("_stored", "_opened", "_read_as")

    def __init__(self, stored: dict[str, str | bytes] | None = None, opened: dict[str, Any] | None = None) -> None:
        self._stored: dict[str, str | bytes] = {} if stored is None else stored
        self._opened: dict[str, Any] = {} if opened is None else opened
        self._read_as: dict[str, str] = {}  # an opened state's JSON as it was read (unpacked), to compare against

    def __getitem__(self, name: str) -> dict[str, Any]:
        if name in self._opened:
            return self._opened[name]
        try:
            text = self._read_as[name] = _unpacked(self._stored[name])
            state = json.loads(text)
        except (ValueError, TypeError, UnicodeDecodeError):
            state = {}  # damaged: the ritual starts afresh rather than fail the request
        self._opened[name] = state
        return state

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self._opened or name in self._stored else default

    def peek(self, name: str) -> Any:
        """A ritual's state to look at only (never to change): parsed, but not opened, so the request does not
        serialise it again to see whether it changed. None when there is none (or it is damaged)."""
        if name in self._opened:
            return self._opened[name]
        stored = self._stored.get(name)
        if stored is None:
            return None
        try:
            return json.loads(_unpacked(stored))
        except (ValueError, TypeError, UnicodeDecodeError):
            return None

    def __setitem__(self, name: str, state: dict[str, Any]) -> None:
        self._opened[name] = state

    def __delitem__(self, name: str) -> None:
        found = self._stored.pop(name, None) is not None
        if self._opened.pop(name, None) is None and not found:
            raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return name in self._opened or name in self._stored

    def _names(self) -> list[str]:
        """Every ritual with a state, in a stable order (a copy: the loop may change the states)."""
        names = list(self._stored)
        names += [name for name in self._opened if name not in self._stored]
        return names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def serialised(self) -> dict[str, str | bytes]:
        """Each ritual's stored text: as read when it was not opened or did not change, else packed anew."""
        out = {name: text for name, text in self._stored.items() if name not in self._opened}
        for name, state in self._opened.items():
            text = _json(state)
            unchanged = name in self._stored and self._read_as.get(name) == text
            out[name] = self._stored[name] if unchanged else _packed(text)
        return out


def _packed(text: str) -> str:
    if len(text) <= COMPRESS_OVER:
        return text
    import base64
    import zlib

    return _COMPRESSED + base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def _unpacked(text: str | bytes) -> str:
    """A stored state's JSON: as it is, or from compressed bytes (binary in DynamoDB, "z:" and base64 in JSON)."""
    if isinstance(text, str) and not text.startswith(_COMPRESSED):
        return text
    import base64
    import zlib

    try:
        packed = text if isinstance(text, bytes) else base64.b64decode(text[len(_COMPRESSED) :])
        return zlib.decompress(packed).decode("utf-8")
    except zlib.error as error:
        raise ValueError("damaged compressed state") from error


# Rituals keeping words a couple asked for, each entry with its own expiry (see Household.drop_expired_progress).
WORDS_KEPT_FOR_A_WHILE = ("sunday_share",)


def _expired(entry: Any, now: float) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("expires_at"), (int, float)) and entry["expires_at"] <= now


class Household:
    """A couple's state: names, voice choice, fairness, phrasing memory and per-ritual state.

    Per-ritual state lives under `rituals[<ritual name>]`, owned by that ritual's module,
    so a new ritual never changes this class. `in_progress` is the one ritual the couple is
    in the middle of: {"ritual": name, "expires_at": epoch seconds, "state": {...}}.

    A plain class, changed in place by a request's turn: a dataclass would cost every cold start
    most of a millisecond to generate. No repr: it would print the couple's names into a log.
    """

    __slots__ = ("names", "voices", "voices_swapped", "next_first", "phrasing", "rituals", "in_progress", "time_zone",
                 "time_zone_checked", "speakers", "uses", "_as_read")  # fmt: skip

    def __init__(
        self,
        names: list[str] | None = None,
        voices_swapped: bool = False,
        voices: list[str] | None = None,
        next_first: int = 0,
        phrasing: dict[str, int] | WordingMemory | None = None,
        rituals: dict[str, dict[str, Any]] | RitualStates | None = None,
        in_progress: dict[str, Any] | None = None,
        time_zone: str | None = None,
        time_zone_checked: int = 0,
        speakers: dict[str, int] | None = None,
        uses: dict[str, int] | None = None,
    ) -> None:
        self.names: list[str] = [] if names is None else names
        # Each partner's voice by name, once introduced or chosen (empty: the locale's defaults, swapped or not).
        self.voices: list[str] = [] if voices is None else voices
        self.voices_swapped = voices_swapped
        self.next_first = next_first
        self.phrasing: WordingMemory = (
            phrasing if isinstance(phrasing, WordingMemory) else WordingMemory.from_keys(phrasing or {})
        )
        self.rituals: MutableMapping[str, dict[str, Any]] = (
            rituals if isinstance(rituals, RitualStates) else RitualStates(opened=dict(rituals or {}))
        )
        self.in_progress = in_progress
        # The Echo's IANA time zone (Alexa Settings API) and when we last asked; None means UTC.
        self.time_zone = time_zone
        self.time_zone_checked = time_zone_checked
        # Which partner a recognised voice belongs to: a one-way hash of Alexa's personId -> partner index,
        # learnt when a recognised partner says "I'm Maya". Never the personId itself.
        self.speakers: dict[str, int] = {} if speakers is None else speakers
        # How many times each ritual was started, up to MAX_USES_COUNTED: {"hug": 3}. A ritual never started is absent.
        self.uses: dict[str, int] = {} if uses is None else uses
        # The hot part, wording memory and ritual texts as read, serialised: what `changed` compares against
        # (None: read from the first layout, so any write stores the new one).
        self._as_read: tuple[str, str, dict[str, str | bytes]] | None = None

    @property
    def has_names(self) -> bool:
        return len(self.names) == 2

    def drop_expired_progress(self, now: float) -> None:
        """Forget a ritual left unfinished once its expiry has passed: its place is no longer worth keeping.

        Also words a couple asked to keep for a while (a Sunday share's appreciations): such a ritual keeps them
        in a `kept` list, each with its own `expires_at`, and they are deleted here once it has passed. Its state
        is only looked at (not opened, so not written again) unless something in it has expired.
        """
        if self.in_progress and self.in_progress["expires_at"] <= now:
            self.in_progress = None
        for name in WORDS_KEPT_FOR_A_WHILE:
            if name not in self.rituals:
                continue
            state = self.peek_ritual(name)
            kept = state.get("kept") if isinstance(state, dict) else None
            if isinstance(kept, list) and any(_expired(entry, now) for entry in kept):
                opened = self.rituals[name]
                opened["kept"] = [entry for entry in opened["kept"] if not _expired(entry, now)]

    def partner_speaking(self, speaker: str | None) -> int | None:
        """The partner whose recognised voice this is, if they told us."""
        return self.speakers.get(speaker) if speaker else None

    def recognise(self, speaker: str, partner: int) -> None:
        """Remember that this voice is `partner` (the latest word wins; the oldest voices are forgotten first)."""
        self.speakers.pop(speaker, None)
        self.speakers[speaker] = partner
        while len(self.speakers) > MAX_SPEAKERS:
            del self.speakers[next(iter(self.speakers))]

    def peek_ritual(self, ritual: str) -> Any:
        """What a ritual keeps, to read only: a look at the jar from tonight's question costs no re-serialising."""
        rituals = self.rituals
        return rituals.peek(ritual) if isinstance(rituals, RitualStates) else rituals.get(ritual)

    def ritual_state(self, ritual: str) -> dict[str, Any]:
        """What a ritual keeps of its own between visits (under `rituals`), made empty the first time."""
        state = self.rituals.get(ritual)
        if not isinstance(state, dict):
            state = self.rituals[ritual] = {}
        return state

    def partner_voices(self, defaults: tuple[str, str], accepted: Collection[str]) -> tuple[str, str]:
        """Each partner's voice: the one kept for them if Alexa still accepts it here, else the locale's default.

        Never the same voice for both: a partner whose kept voice is gone takes a default the other does not have."""
        default = (defaults[1], defaults[0]) if self.voices_swapped else defaults
        kept = self.voices if len(self.voices) == 2 else ["", ""]
        voices = [kept[p] if kept[p] in accepted else default[p] for p in PARTNERS]
        if voices[0] == voices[1]:
            gone = next((p for p in PARTNERS if kept[p] not in accepted), None)
            if gone is None:  # one voice kept for both (a hand-edited record): the defaults
                return default
            voices[gone] = next(v for v in default if v != voices[1 - gone])
        return voices[0], voices[1]

    def count_use(self, ritual: str) -> int:
        """A start of `ritual`: how many times it was started before (at most MAX_USES_COUNTED), counted."""
        before = self.uses.get(ritual, 0)
        if before < MAX_USES_COUNTED:
            self.uses[ritual] = before + 1
        return before

    def take_first_turn(self) -> int:
        """Who goes first in this ritual; the other partner goes first next time."""
        first = self.next_first
        self.next_first = 1 - first
        return first

    def _hot(self) -> dict[str, Any]:
        return {
            "names": self.names,
            "voices": self.voices,
            "voices_swapped": self.voices_swapped,
            "next_first": self.next_first,
            "in_progress": self.in_progress,
            "time_zone": self.time_zone,
            "time_zone_checked": self.time_zone_checked,
            "speakers": self.speakers,
            "uses": self.uses,
        }

    def to_document(self) -> dict[str, Any]:
        """The stored form: plain hot fields (shared with this household: store it, do not keep it), the wording
        memory's indexes, each ritual's state as its text. `Household.copy` gives an independent household."""
        return {
            "layout": LAYOUT,
            **self._hot(),
            "words": self.phrasing.serialised(),
            "rituals": self.rituals.serialised()
            if isinstance(self.rituals, RitualStates)
            else {name: _packed(_json(state)) for name, state in self.rituals.items()},
        }

    def changed(self, document: dict[str, Any]) -> bool:
        """Whether `document` (this household's `to_document()`) differs from what was read."""
        if self._as_read is None:
            return True
        hot, words, rituals = self._as_read
        return document["words"] != words or document["rituals"] != rituals or _json(self._hot()) != hot

    def copy(self) -> Household:
        """An independent household with the same contents (a trial run changes the copy only)."""
        document = self.to_document()
        rituals = document.pop("rituals")
        copied = json.loads(json.dumps(document))
        copied["rituals"] = dict(rituals)  # text and bytes: immutable, shared safely
        return Household.from_document(copied)

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Household:
        """Rebuild from a stored document (either layout), tolerating missing or malformed fields.

        The household takes the document's objects as its own: the store parsed them for this request only.
        """
        names = document.get("names")
        next_first = document.get("next_first")
        in_progress = document.get("in_progress")
        speakers = document.get("speakers")
        checked = document.get("time_zone_checked")
        layout = document.get("layout")
        rituals = document.get("rituals")
        if layout == LAYOUT:
            phrasing = WordingMemory.parse(document.get("words"))
            rituals = rituals if isinstance(rituals, dict) else {}
            stored = {str(k): v for k, v in rituals.items() if isinstance(v, (str, bytes))}
            # A state given as plain JSON (written by a tool, or by hand) is taken as it is.
            opened = {str(k): v for k, v in rituals.items() if isinstance(v, dict)}
            ritual_states = RitualStates(stored=stored, opened=opened)
        else:  # the first layout: migrated on the way in, stored in the new one by the next write
            old = document.get("phrasing")
            phrasing = WordingMemory.from_keys(old if isinstance(old, dict) else {})
            opened = {str(k): v for k, v in rituals.items() if isinstance(v, dict)} if isinstance(rituals, dict) else {}
            ritual_states = RitualStates(opened=opened)
        household = cls(
            names=list(names) if _plausible_names(names) else [],
            voices_swapped=bool(document.get("voices_swapped", False)),
            voices=list(document["voices"]) if _plausible_voices(document.get("voices")) else [],
            next_first=next_first if next_first in PARTNERS else 0,
            phrasing=phrasing,
            rituals=ritual_states,
            in_progress=in_progress if _valid_progress(in_progress) else None,
            time_zone=document["time_zone"] if isinstance(document.get("time_zone"), str) else None,
            time_zone_checked=checked if isinstance(checked, int) else 0,
            speakers=_valid_speakers(speakers),
            uses=_valid_uses(document.get("uses")),
        )
        if layout == LAYOUT or not document:  # (nothing stored yet: a new household is stored once it changes)
            household._as_read = (_json(household._hot()), phrasing.serialised(), ritual_states.serialised())
        return household


def readable(document: dict[str, Any]) -> dict[str, Any]:
    """A stored document with every ritual's state as plain JSON (for tools, tests and backups to read)."""
    household = Household.from_document(document)
    return {**household._hot(), "words": household.phrasing.serialised(), "rituals": dict(household.rituals.items())}


def _plausible_voices(value: Any) -> TypeGuard[list[str]]:
    """Two short voice names; anything else is dropped (the locale's defaults are heard instead)."""
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and 0 < len(v) <= 20 for v in value)


def _plausible_names(value: Any) -> TypeGuard[list[str]]:
    """Two short texts; anything else (an old or damaged record) is dropped, so the couple is simply asked again."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(name, str) and 0 < len(name.strip()) <= MAX_NAME_LENGTH for name in value)
    )


def _valid_speakers(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    valid = {k: v for k, v in value.items() if isinstance(k, str) and type(v) is int and v in PARTNERS}
    return dict(list(valid.items())[-MAX_SPEAKERS:])


def _valid_uses(value: Any) -> dict[str, int]:
    """The counts as stored; a damaged or tampered record keeps at most MAX_USES_KEPT of them (there are fewer rituals)."""
    if not isinstance(value, dict):
        return {}
    valid = [
        (k, v)
        for k, v in value.items()
        if isinstance(k, str) and len(k) <= 40 and type(v) is int and 0 < v <= MAX_USES_COUNTED
    ]
    return dict(valid[:MAX_USES_KEPT])


def _valid_progress(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("ritual"), str)
        and isinstance(value.get("expires_at"), int)
        and isinstance(value.get("state"), dict)
    )
