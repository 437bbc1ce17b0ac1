"""Structured JSON logs with a request id; ids are pseudonymised, names never logged."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Mapping
from itertools import islice
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
        fields = record.__dict__.items()
        # A record of the skill's logger holds logging's own attributes first: its extras start after them.
        for key, value in islice(fields, len(_RECORD_TEMPLATE), None) if type(record) is _SkillRecord else fields:
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

    def emit(self, record: logging.LogRecord) -> None:
        """StreamHandler's emit, with the stream looked up once and flushed without taking the lock a second time
        (handle() holds it already)."""
        try:
            line = self.format(record)
            stream = sys.stderr
            stream.write(line + self.terminator)
            stream.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)


# Libraries whose DEBUG lines carry whole requests and answers: botocore prints each PutItem (names, the
# household key, the speaker hash), urllib3 each URL. They are held at INFO, whatever the root level is.
CHATTY_LIBRARIES = ("botocore", "boto3", "urllib3", "s3transfer")


def quiet_request_logging() -> None:
    """Keep the request-dumping libraries above DEBUG, even when an operator turns the root logger to DEBUG."""
    for name in CHATTY_LIBRARIES:
        library = logging.getLogger(name)
        if library.level < logging.INFO:  # NOTSET (inherit the root's level) or DEBUG
            library.setLevel(logging.INFO)


_UNKNOWN_FILE = "(unknown file)"


class _SkillLogger(logging.Logger):
    """The skill's logger. Its lines show no caller, thread or process, so its records are made without them:
    no walk up the stack to find the caller's file (unless `stack_info` asks for the stack), no thread or process
    look-ups. A record is otherwise logging's own (same attributes, same checks of `extra`), so any handler or filter
    an operator adds still works."""

    def findCaller(self, stack_info: bool = False, stacklevel: int = 1) -> tuple[str, int, str, str | None]:
        if stack_info:
            return super().findCaller(stack_info, stacklevel + 1)
        return _UNKNOWN_FILE, 0, "(unknown function)", None

    def makeRecord(
        self,
        name: str,
        level: int,
        fn: str,
        lno: int,
        msg: object,
        args: Any,
        exc_info: Any,
        func: str | None = None,
        extra: Any = None,
        sinfo: str | None = None,
    ) -> logging.LogRecord:
        if fn != _UNKNOWN_FILE:
            return super().makeRecord(name, level, fn, lno, msg, args, exc_info, func, extra, sinfo)
        record = _new_record(_SkillRecord)
        fields = record.__dict__
        fields.update(_RECORD_TEMPLATE)
        created = time.time()
        if args and len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
            args = args[0]  # as LogRecord does: log.info("%(a)s", {"a": 1})
        fields.update(name=name, msg=msg, args=args, levelname=logging.getLevelName(level), levelno=level,
                      exc_info=exc_info, funcName=func, stack_info=sinfo, created=created,
                      msecs=int((created - int(created)) * 1000) + 0.0,
                      relativeCreated=(created - _LOGGING_STARTED) * 1000)  # fmt: skip
        if extra is not None:
            for key in extra:
                if key in ("message", "asctime") or key in fields:
                    raise KeyError(f"Attempt to overwrite {key!r} in LogRecord")
            fields.update(extra)
        return record


class _SkillRecord(logging.LogRecord):
    """A record _SkillLogger made: logging's attributes (in _RECORD_TEMPLATE's order), then the `extra` fields."""


_new_record = object.__new__
_TEMPLATE_RECORD = logging.LogRecord(LOGGER_NAME, logging.INFO, _UNKNOWN_FILE, 0, "", (), None)
# The attributes logging's own record has, valued as a record made with logThreads, logProcesses and
# logMultiprocessing off and no caller found; each record overwrites what varies.
_RECORD_TEMPLATE = {
    key: None if key in ("thread", "threadName", "process", "processName", "taskName") else value
    for key, value in _TEMPLATE_RECORD.__dict__.items()
}
_LOGGING_STARTED = _TEMPLATE_RECORD.created - _TEMPLATE_RECORD.relativeCreated / 1000  # logging's own start time


def _skill_logger() -> logging.Logger:
    """logging's one "our_rituals" logger, made a _SkillLogger (Flask's app logger of the same name is this one)."""
    manager = logging.Logger.manager
    existing = manager.loggerDict.get(LOGGER_NAME)
    if isinstance(existing, logging.Logger):
        return existing  # made before this module (a plain Logger): it still works, with logging's own records
    previous = manager.loggerClass
    manager.loggerClass = _SkillLogger
    try:
        return logging.getLogger(LOGGER_NAME)
    finally:
        manager.loggerClass = previous


_LOGGER = _skill_logger()  # the same object for the life of the process, fetched without logging's lock


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
