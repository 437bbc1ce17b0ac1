"""The APL documents and the screens' own wording: data files under skill/content/apl/, read once when first shown."""

from __future__ import annotations

from functools import cache
from typing import Any

from skill.content import CONTENT_DIR, ContentError, read_json, supported_locale
from skill.spelling import speller

APL_DIR = CONTENT_DIR / "apl"
DOCUMENTS = ("menu", "question", "hug", "breathe", "turns", "history")


@cache
def document(name: str) -> dict[str, Any]:
    """One APL document (skill/content/apl/documents/<name>.json), as sent in RenderDocument."""
    if name not in DOCUMENTS:
        raise ContentError(f"no APL document {name!r}")
    return read_json(APL_DIR / "documents" / f"{name}.json")


class ScreenText:
    """The screens' lines and settings for a locale: the language's file, overridden key by key by the locale's."""

    def __init__(self, lines: dict[str, str], settings: dict[str, Any]) -> None:
        self.lines = lines
        self.settings = settings

    def line(self, key: str, **values: Any) -> str:
        return self.lines[key].format(**values)


@cache
def screen_text(locale: str) -> ScreenText:
    locale = supported_locale(locale)
    lines: dict[str, str] = {}
    settings: dict[str, Any] = {}
    for path in (APL_DIR / f"{locale.split('-')[0]}.json", APL_DIR / f"{locale}.json"):
        if path.is_file():
            data = read_json(path)
            lines.update(data.get("lines", {}))
            settings.update(data.get("settings", {}))
    respell = speller(locale)
    if respell is not None:
        lines = {key: respell.text(line) for key, line in lines.items()}
    return ScreenText(lines, settings)
