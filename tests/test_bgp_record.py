"""`exabgp.bgp.record`: frozen value classes, the methods `dataclass(frozen=True)` would give, compiled on first use."""

import pytest

from exabgp.bgp.record import FrozenInstanceError, field, record, replace


@record(slots=True)
class Point:
    """A slotted record with a default and a factory."""

    x: int
    y: int = 0
    tags: frozenset = field(default_factory=frozenset)
    unit = "mm"  # a class constant: not a field


@record
class Checked:
    value: int

    def __post_init__(self):
        if self.value < 0:
            raise ValueError("negative")


@record
class OwnMethods:
    value: int

    def __repr__(self):
        return "own"

    def __eq__(self, other):
        return isinstance(other, OwnMethods)


def test_fields_init_and_defaults():
    point = Point(1)
    assert (point.x, point.y, point.tags, point.unit) == (1, 0, frozenset(), "mm")
    assert Point(1, y=2, tags=frozenset({3})).tags == frozenset({3})
    assert Point.__slots__ == ("x", "y", "tags") and Point.__match_args__ == ("x", "y", "tags")
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Point(1, z=2)


def test_a_factory_makes_a_fresh_default_each_time():
    @record
    class Bag:
        items: list = field(default_factory=list)

    first, second = Bag(), Bag()
    first.items.append(1)
    assert second.items == []


def test_equality_hash_and_repr():
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(Point(1, 2)) == hash((1, 2, frozenset()))
    assert Point(1, 2) != (1, 2, frozenset())  # another class is never equal
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=frozenset())"
    assert len({Point(1), Point(1), Point(2)}) == 2


def test_frozen():
    point = Point(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2
    with pytest.raises(FrozenInstanceError):
        del point.y
    with pytest.raises(AttributeError):  # slots: no other attribute either
        object.__setattr__(point, "z", 1)
    assert isinstance(FrozenInstanceError(), AttributeError)


def test_post_init_and_methods_of_the_class_are_kept():
    with pytest.raises(ValueError):
        Checked(-1)
    assert Checked(1).value == 1
    assert repr(OwnMethods(1)) == "own" and OwnMethods(1) == OwnMethods(2)


def test_replace():
    point = Point(1, 2)
    assert replace(point, y=5) == Point(1, 5) and point == Point(1, 2)
    with pytest.raises(TypeError):
        replace(point, z=1)


def test_methods_are_compiled_on_first_use_only():
    @record(slots=True)
    class Lazy:
        a: int

    stub = Lazy.__dict__["__init__"]
    assert stub.__qualname__.endswith("Lazy.__init__")
    Lazy(1)
    compiled = Lazy.__dict__["__init__"]
    assert compiled is not stub and compiled.__code__.co_varnames[:2] == ("self", "a")
    Lazy(2)
    assert Lazy.__dict__["__init__"] is compiled  # compiled once


def test_a_field_without_default_after_one_with_is_refused():
    with pytest.raises(TypeError):

        @record
        class Wrong:
            a: int = 0
            b: int
