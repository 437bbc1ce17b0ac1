"""The SDK's serializer, with Alexa's times read by the standard library and each model's shape worked out once.

ask-sdk-core's DefaultSerializer works out, for every object of every request and answer, how a model class maps
to JSON: it re-imports the class by its dotted name, merges the class's attribute map into itself, re-matches
`list[...]` and `dict(...)` type strings with regular expressions and scans the payload's keys once per attribute.
That is about a third of a web request's CPU for a two-year-old couple. `AlexaSerializer` works each class and
type string out the first time it meets it and keeps the plan (bounded by the SDK's model classes), then builds
the same objects in the same order: the same attributes set, extra keys kept as the SDK keeps them, enums,
discriminated subclasses, primitives converted as `int(...)`, `str(...)` and so on. Any shape the plan does not
cover (a payload that is not a JSON object where a model is expected, a mixed `list[a, b]`) goes to the SDK's own
code, so an odd request is read or refused exactly as before. tests/surfaces/test_request_shapes.py holds every fixture to
the SDK's own objects and answers to its own dictionaries.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

from skill.timestamps import alexa_time

Read = Callable[[Any], Any]
# what serialize returns unchanged (exact types; subclasses go the long way)
_AS_IS = frozenset({str, int, float, bool, bytes})


class AlexaSerializer(DefaultSerializer):
    """DefaultSerializer's results, each model class's and type string's shape worked out once (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._readers: dict[Any, Read] = {}
        self._fields: dict[type, tuple[tuple[str, str], ...]] = {}
        self._parsed = threading.local()  # this thread's request text and its parse (see `parsed`)

    # -- reading a request -----------------------------------------------------------------------------------

    @contextmanager
    def parsed(self, text: str, data: Any) -> Iterator[None]:
        """While inside, a deserialization of exactly `text` on this thread reads `data` (what `json.loads(text)` gave)
        instead of parsing it again: the web service parses the body for its early checks, then flask-ask-sdk hands
        the same text to `deserialize`."""
        self._parsed.known = (text, data)
        try:
            yield
        finally:
            self._parsed.known = None

    def deserialize(self, payload: Any, obj_type: Any) -> Any:
        if payload is None:
            return None
        known = getattr(self._parsed, "known", None)
        if known is not None and known[0] == payload:
            self._parsed.known = None  # once: a second deserialization of the text parses it afresh
            return self.read(known[1], obj_type)
        try:
            data = json.loads(payload)
        except Exception:
            raise SerializationException(f"Couldn't parse response body: {payload}") from None
        return self.read(data, obj_type)

    def read(self, data: Any, obj_type: Any) -> Any:
        """`data` (parsed JSON) as `obj_type`, as DefaultSerializer.deserialize would make it of its JSON text."""
        try:
            return self._reader(obj_type)(data)
        except SerializationException:
            raise
        except Exception as error:
            raise SerializationException(str(error)) from error

    def _reader(self, obj_type: Any) -> Read:
        reader = self._readers.get(obj_type)
        if reader is None:
            reader = self._readers[obj_type] = self._plan(obj_type)
        return reader

    def _plan(self, obj_type: Any) -> Read:
        sdk: Read = lambda payload: self._DefaultSerializer__deserialize(payload, obj_type)  # type: ignore[attr-defined]  # noqa: E731
        if isinstance(obj_type, str):
            if obj_type.startswith("list[") and obj_type.endswith("]") and "," not in obj_type:
                # resolved when an item comes, as the SDK does: no import for an empty list
                item = obj_type[5:-1].strip()
                return lambda payload: None if payload is None else [self._reader(item)(each) for each in payload]
            if obj_type.startswith(("list[", "dict(")):
                return sdk  # a dict, or a list of mixed types: rare, and read as the SDK reads them
            if obj_type in self.NATIVE_TYPES_MAPPING:
                return self._reader(self.NATIVE_TYPES_MAPPING[obj_type])
            return self._reader(self._DefaultSerializer__load_class_from_name(obj_type))  # type: ignore[attr-defined]
        if obj_type is object:
            return lambda payload: payload
        if obj_type in self.PRIMITIVE_TYPES:
            primitive = self._DefaultSerializer__deserialize_primitive  # type: ignore[attr-defined]
            return lambda payload: None if payload is None else primitive(payload, obj_type)
        if obj_type is date or obj_type is datetime:
            return lambda payload: (
                None if payload is None else self._DefaultSerializer__deserialize_datetime(payload, obj_type)
            )
        if isinstance(obj_type, type) and issubclass(obj_type, Enum):
            return lambda payload: None if payload is None else obj_type(payload)
        if not hasattr(obj_type, "deserialized_types"):
            return lambda payload: payload
        if hasattr(obj_type, "get_real_child_model"):
            return self._by_discriminator(obj_type, sdk)
        return self._model(obj_type, sdk)

    def _by_discriminator(self, base: Any, sdk: Read) -> Read:
        classes: dict[str, Read] = {}

        def read(payload: Any) -> Any:
            if type(payload) is not dict:
                return sdk(payload)
            name = base.get_real_child_model(payload)
            if not name:
                raise SerializationException(f"Couldn't resolve object by discriminator type for {base} class")
            reader = classes.get(name)
            if reader is None:
                # The subclass's own fields, as the SDK reads them (it does not ask the subclass's discriminator again).
                cls = self._DefaultSerializer__load_class_from_name(name)  # type: ignore[attr-defined]
                reader = classes[name] = self._model(cls, sdk)
            return reader(payload)

        return read

    def _model(self, cls: Any, sdk: Read) -> Read:
        # The SDK's own merge, done once: every attribute of deserialized_types, named by attribute_map or itself.
        attribute_map = getattr(cls, "attribute_map", {})
        attribute_map.update({k: k for k in cls.deserialized_types if k not in attribute_map})
        types = cls.deserialized_types
        fields = [(attribute, key, types[attribute]) for attribute, key in attribute_map.items()]
        known = frozenset(attribute_map.values())
        if len(known) < len(fields):  # two attributes read from one key: each field in turn, as the SDK goes
            return self._model_by_fields(cls, sdk, fields, known)
        # Each JSON key's attribute and reader (None until a payload first has a value for it: a field's type is
        # resolved, its module imported, only then, as the SDK does, so a cold start imports no model it does not use).
        by_key: dict[str, list[Any]] = {key: [attribute, kind, None] for attribute, key, kind in fields}

        def read(payload: Any) -> Any:
            if type(payload) is not dict:
                return sdk(payload)  # the SDK reads (or refuses) a model given as anything but an object
            model = cls()
            # The payload's keys, not the model's every field: the same attributes set (the model's own already exist,
            # from its constructor, so only keys the model does not know add to it, in the payload's order, as before).
            for key, value in payload.items():
                field = by_key.get(key)
                if field is None:
                    setattr(model, key, value)
                elif value is None:
                    setattr(model, field[0], None)
                else:
                    reader = field[2]
                    if reader is None:
                        reader = field[2] = self._reader(field[1])
                    setattr(model, field[0], reader(value))
            return model

        return read

    def _model_by_fields(self, cls: Any, sdk: Read, fields: list[tuple[str, str, Any]], known: frozenset[str]) -> Read:
        def read(payload: Any) -> Any:
            if type(payload) is not dict:
                return sdk(payload)
            model = cls()
            for attribute, key, kind in fields:
                if key in payload:
                    value = payload[key]
                    setattr(model, attribute, None if value is None else self._reader(kind)(value))
            for key in payload:
                if key not in known:
                    setattr(model, key, payload[key])
            return model

        return read

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        """Alexa's ISO 8601 (and epoch) times by the standard library; anything else by the SDK's dateutil parser,
        whose import costs each cold start about 3 ms. tests/surfaces/test_request_shapes.py holds the instants equal."""
        if obj_type is date:
            try:
                return date.fromisoformat(payload)
            except (TypeError, ValueError):
                pass
        elif (instant := alexa_time(payload)) is not None:
            return instant
        return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[misc]

    # -- writing an answer -------------------------------------------------------------------------------------

    def serialize(self, obj: Any) -> Any:
        kind = type(obj)
        if obj is None or kind in _AS_IS:
            return obj
        if kind is dict:
            return {key: self.serialize(value) for key, value in obj.items()}
        if kind is list:
            return [self.serialize(each) for each in obj]
        fields = self._fields.get(kind)
        if fields is None:
            if isinstance(obj, (*self.PRIMITIVE_TYPES, list, tuple, date, Enum, Decimal, dict)) or not hasattr(
                kind, "deserialized_types"
            ):
                return super().serialize(obj)
            attribute_map = getattr(kind, "attribute_map", {})
            fields = self._fields[kind] = tuple(
                (attribute, attribute_map.get(attribute, attribute)) for attribute in kind.deserialized_types
            )
        result = {}
        for attribute, key in fields:
            value = getattr(obj, attribute)
            if value is not None:
                result[key] = self.serialize(value)
        return result
