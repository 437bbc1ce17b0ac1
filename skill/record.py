"""Immutable values with named fields, declared like dataclasses, that cost a cold start next to nothing.

`dataclasses` and `typing.NamedTuple` write each class's methods as source text and compile them when the
module is imported: 0.1 to 0.8 ms per class, paid again by every Lambda cold start (`python -m bench`). A
Record subclass gets the same behaviour from the methods written once here: its fields are its annotations
in order, their defaults the values in its class body; it has slots, a keyword-or-position constructor,
equality, hashing, a repr and `_replace`, and refuses assignment; copy and pickle rebuild it through the constructor. Type checkers treat it as a frozen
dataclass (`dataclass_transform`), so every construction is checked.

    class Say(Record):
        text: str
        partner: int | None = None
"""

from __future__ import annotations

from typing import Any, ClassVar, Self, dataclass_transform


@dataclass_transform(frozen_default=True)
class _RecordType(type):
    """Turns a class body's annotations into fields: slots to hold them, and the defaults kept aside."""

    _fields: tuple[str, ...]
    _defaults: dict[str, Any]

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> _RecordType:
        inherited: tuple[str, ...] = ()
        defaults: dict[str, Any] = {}
        for base in reversed(bases):
            if isinstance(base, _RecordType):
                inherited += tuple(f for f in base._fields if f not in inherited)
                defaults.update(base._defaults)
        annotations = namespace.get("__annotations__", {})
        own = tuple(f for f, kind in annotations.items() if f not in inherited and not str(kind).startswith("ClassVar"))
        for field in own:
            if field in namespace:
                defaults[field] = namespace.pop(field)  # a slot and a class attribute cannot share a name
        namespace["__slots__"] = own
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        cls._fields = inherited + own
        cls._defaults = defaults
        return cls


class Record(metaclass=_RecordType):
    """Base of the immutable values: subclass it and annotate the fields (see the module's docstring)."""

    _fields: ClassVar[tuple[str, ...]]
    _defaults: ClassVar[dict[str, Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes at most {len(fields)} values, got {len(args)}")
        for field, value in zip(fields, args):
            object.__setattr__(self, field, value)
        for field in fields[len(args) :]:
            if field in kwargs:
                value = kwargs.pop(field)
            elif field in self._defaults:
                value = self._defaults[field]
            else:
                raise TypeError(f"{type(self).__name__} needs {field}")
            object.__setattr__(self, field, value)
        if kwargs:
            unknown = next(iter(kwargs))
            raise TypeError(f"{type(self).__name__} has no field {unknown}" if unknown not in fields else
                            f"{type(self).__name__} got {unknown} twice")  # fmt: skip

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, field) for field in self._fields)

    def _replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, made (and checked) by the class's own constructor."""
        return type(self)(**{**dict(zip(self._fields, self._values())), **changes})

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), self._values()  # copy, deepcopy and pickle rebuild it through the constructor

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: make a changed copy with _replace")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{field}={value!r}" for field, value in zip(self._fields, self._values()))
        return f"{type(self).__name__}({shown})"
