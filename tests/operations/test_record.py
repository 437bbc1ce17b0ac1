"""skill.record: values declared like frozen dataclasses, built without generating code at import."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from skill.record import Record


class Point(Record):
    x: int
    y: int = 0


class Labelled(Point):
    label: str = "here"


class Checked(Record):
    low: int
    high: int

    def __init__(self, low: int, high: int) -> None:
        if low > high:
            raise ValueError("low above high")
        super().__init__(low, high)


def test_fields_come_from_the_annotations_in_order_with_their_defaults() -> None:
    assert Point(1) == Point(x=1, y=0) == Point(1, 0)
    assert (Point(1, 2).x, Point(1, 2).y) == (1, 2)
    assert Point._fields == ("x", "y") and Labelled._fields == ("x", "y", "label")
    assert Labelled(1, label="there") == Labelled(x=1, y=0, label="there")


@pytest.mark.parametrize(
    ("args", "kwargs", "problem"),
    [((), {}, "needs x"), ((1, 2, 3), {}, "at most 2"), ((1,), {"z": 3}, "no field z"), ((1,), {"x": 2}, "x twice")],
)
def test_a_wrong_construction_says_what_is_wrong(args: tuple[Any, ...], kwargs: dict[str, Any], problem: str) -> None:
    with pytest.raises(TypeError, match=problem):
        Point(*args, **kwargs)


def test_it_is_immutable_and_holds_only_its_fields() -> None:
    point = Point(1, 2)
    with pytest.raises(AttributeError, match="immutable"):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.x
    assert not hasattr(point, "__dict__")


def test_equality_and_hashing_are_by_type_and_values() -> None:
    assert Point(1, 2) != Point(2, 1) and Point(1, 2) != Labelled(1, 2)
    assert Point(1, 2) != (1, 2)
    assert len({Point(1, 2), Point(1, 2), Point(2, 1)}) == 2
    assert repr(Labelled(1)) == "Labelled(x=1, y=0, label='here')"


def test_replace_goes_through_the_constructor_and_its_checks() -> None:
    assert Point(1, 2)._replace(y=5) == Point(1, 5)
    assert Checked(1, 2)._replace(high=3) == Checked(1, 3)
    with pytest.raises(ValueError, match="low above high"):
        Checked(1, 2)._replace(low=5)


def test_copies_and_pickles_are_equal_values() -> None:
    point = Labelled(1, 2, "a")
    assert copy.copy(point) == copy.deepcopy(point) == pickle.loads(pickle.dumps(point)) == point
    assert copy.deepcopy(Checked(1, 2)) == Checked(1, 2)
