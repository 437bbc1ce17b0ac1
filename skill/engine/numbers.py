"""A number as Alexa's NLU may hand it over: digits ("8"), or the words it heard ("eight", "an eight",
"forty-five", "eight out of ten"). The words are the language's, from content (numbers.json)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+(?:'[^\W\d_]+)?")


def spoken_number(raw: str, words: Mapping[str, Any]) -> int | None:
    """The whole number `raw` names, or None when it names none (or more than one: "six or seven")."""
    text = raw.casefold().replace("-", " ").replace("’", "'")
    for phrase in words.get("out_of", []):  # "eight out of ten": the scale is not the answer
        text = re.split(rf"\b{re.escape(str(phrase))}\b", text, maxsplit=1)[0]
    fillers = {str(word) for word in words.get("fillers", [])}
    tokens = [token for token in _TOKEN.findall(text) if token not in fillers]
    if len(tokens) == 1 and tokens[0][0].isdigit():
        value = float(tokens[0])
        return int(value)
    units: Mapping[str, int] = words.get("units", {})
    tens: Mapping[str, int] = words.get("tens", {})
    total: int | None = None
    for token in tokens:
        if token in tens and total is None:
            total = int(tens[token])
        elif token in units and (total is None or (total % 10 == 0 and total >= 20 and int(units[token]) < 10)):
            total = int(units[token]) + (total or 0)
        else:
            return None  # a word that is no part of one number
    return total
