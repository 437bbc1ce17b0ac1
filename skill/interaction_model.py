"""The interaction model a locale's content declares: shared samples per language plus each locale's additions.

Pure: built from the content files alone. The offline dialog matches against it, the names check reads its
words (skill/engine/names.py), and `our-rituals models` writes it into interaction_models/ (skill/deploy/models.py).
"""

from __future__ import annotations

import json
from typing import Any

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, ContentError


def model_locales() -> list[str]:
    """Locales that have content of their own (a voices.json), in contract order."""
    return [locale for locale in SUPPORTED_LOCALES if (CONTENT_DIR / locale / "voices.json").is_file()]


def _sources(locale: str) -> list[tuple[str, dict[str, Any]]]:
    language = locale.split("-")[0]
    sources = []
    for folder in (CONTENT_DIR / language, CONTENT_DIR / locale):
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            data = json.loads(path.read_text(encoding="utf-8"))
            if any(key in data for key in ("invocation", "builtins", "intents", "slot_types")):
                sources.append((f"{folder.name}/{path.name}", data))
    return sources


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def build_model(locale: str) -> dict[str, Any]:
    """The Alexa interaction model JSON for a locale."""
    invocation: str | None = None
    builtins: list[str] = []
    intents: dict[str, dict[str, Any]] = {}
    slot_types: dict[str, dict[str, dict[str, Any]]] = {}
    language = locale.split("-")[0]
    for where, data in _sources(locale):
        invocation = data.get("invocation", invocation)
        builtins.extend(data.get("builtins", []))
        for name, intent in data.get("intents", {}).items():
            if name not in intents and not where.startswith(f"{language}/"):
                # Every locale has the same intents, so the same code answers them all.
                raise ContentError(
                    f"{where}: {name} is not an intent of {language}/; a locale folder only adds samples"
                )
            target = intents.setdefault(name, {"slots": {}, "samples": []})
            target["slots"].update(intent.get("slots", {}))
            target["samples"].extend(intent.get("samples", []))
        for type_name, values in data.get("slot_types", {}).items():
            by_id = slot_types.setdefault(type_name, {})
            for value in values:
                entry = by_id.setdefault(value["id"], {"value": value["value"], "synonyms": []})
                entry["synonyms"].extend(value.get("synonyms", []))
    if invocation is None:
        raise ContentError(f"no invocation name for {locale}")
    model_intents = [{"name": name, "samples": []} for name in _unique(builtins) if name not in intents]
    for name, intent in intents.items():
        model_intent: dict[str, Any] = {"name": name}
        if intent["slots"]:
            model_intent["slots"] = [{"name": slot, "type": slot_type} for slot, slot_type in intent["slots"].items()]
        model_intent["samples"] = _unique(intent["samples"])
        model_intents.append(model_intent)
    types = [
        {
            "name": type_name,
            "values": [
                {"id": value_id, "name": {"value": value["value"], "synonyms": _unique(value["synonyms"])}}
                for value_id, value in values.items()
            ],
        }
        for type_name, values in slot_types.items()
    ]
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": invocation,
                "modelConfiguration": {"fallbackIntentSensitivity": {"level": "LOW"}},
                "intents": model_intents,
                "types": types,
            }
        }
    }


def model_text(locale: str) -> str:
    return json.dumps(build_model(locale), indent=2, ensure_ascii=False) + "\n"
