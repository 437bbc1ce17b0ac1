"""Structured JSON logs with a request id; ids are pseudonymised, names never logged."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

from skill.digest import sha256_hex

LOGGER_NAME = "our_rituals"
_STANDARD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


# Compiled when first used (re caches them): few requests log free text from outside.
_MARKUP_ONWARD = r"(?s)<.*"
_QUOTED = r"'[^']*'|\"[^\"]*\""
MAX_FREE_TEXT = 200


def redact(text: object) -> str | None:
    """Free text from outside (Alexa's error messages) without markup or quoted parts, which may echo what was said."""
    if text is None:
        return None
    return re.sub(_QUOTED, "'…'", re.sub(_MARKUP_ONWARD, "…", str(text)))[:MAX_FREE_TEXT]


def pseudonym(identifier: str | None) -> str | None:
    """A short, stable, one-way stand-in for a user or person id, safe to log and to use as a key prefix."""
    if not identifier:
        return None
    return sha256_hex(identifier)[:16]


# One encoder for every line (json.dumps with an argument builds a new one each call); the same text as
# json.dumps(entry, default=str).
_ENCODE = json.JSONEncoder(default=str).encode


class JsonFormatter(logging.Formatter):
    """One JSON object per line: level, message, logger, time, and any `extra` fields."""

    def __init__(self) -> None:
        super().__init__()
        self._stamp: tuple[int, str] = (-1, "")  # a second and its text, replaced whole (threads share it)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self._time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_FIELDS:
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["where"] = _where(record.exc_info[2])
        return _ENCODE(entry)

    def _time(self, created: float) -> str:
        """The record's second in UTC, written once per second (a request line a second at least, on a busy server)."""
        second = int(created)
        stamp = self._stamp
        if stamp[0] != second:
            stamp = self._stamp = (second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)))
        return stamp[1]


def _where(tb: Any) -> list[str]:
    """The frames of a traceback as file:line (function), without the exception's message, which may hold user data."""
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        frames.append(f"{code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno} ({code.co_name})")
        tb = tb.tb_next
    return frames[-6:]


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (so captured output in tests and the CLI sees it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


# Libraries whose DEBUG lines carry whole requests and answers: botocore prints each PutItem (names, the
# household key, the speaker hash), urllib3 each URL. They are held at INFO, whatever the root level is.
CHATTY_LIBRARIES = ("botocore", "boto3", "urllib3", "s3transfer")


def quiet_request_logging() -> None:
    """Keep the request-dumping libraries above DEBUG, even when an operator turns the root logger to DEBUG."""
    for name in CHATTY_LIBRARIES:
        library = logging.getLogger(name)
        if library.level < logging.INFO:  # NOTSET (inherit the root's level) or DEBUG
            library.setLevel(logging.INFO)


_LOGGER = logging.getLogger(LOGGER_NAME)  # the same object for the life of the process, fetched without logging's lock


def get_logger() -> logging.Logger:
    """The skill's logger, writing JSON to stderr (configured once, idempotent)."""
    logger = _LOGGER
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        quiet_request_logging()
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger
