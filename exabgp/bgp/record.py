"""`record`: the frozen value classes of the package, without the start-up cost of `dataclasses`.

Every value class of the package (a capability, an NLRI of a rare family, a
neighbor of the configuration, a session event, ...) is written as a
dataclass would be, with ``@record`` (or ``@record(slots=True)``) instead of
``@dataclass(frozen=True)``: fields are the annotated class attributes, in
order, a default is the value
written there, ``field(default_factory=...)`` makes a fresh default per
instance; a class constant is written without an annotation.  The class gets what ``dataclass(frozen=True)`` gives it:

* ``__init__(field, ...)`` (positional or keyword), which calls
  ``__post_init__()`` when the class has one;
* ``__eq__`` (same class and equal fields), ``__hash__`` (of the fields),
  ``__repr__`` (``Name(field=value, ...)``), ``__match_args__``;
* frozen instances: assigning or deleting an attribute raises
  `FrozenInstanceError`;
* with ``slots=True``, ``__slots__`` holding the fields (the class is built
  again with them, as `dataclasses` does);

and `replace(instance, **changes)` makes a modified copy.  A method the class
defines itself (``__init__``, ``__eq__``, ``__repr__``, ``__hash__``) is kept.

Why not `dataclasses`: importing it imports `inspect` (with `ast`, `dis`,
`tokenize`), and each class compiles six functions from source when it is
created.  The package has some sixty value classes and a command such as
``exabgp decode`` instantiates a handful: `dataclasses` was half of that
command's start-up time.  Here a method is compiled the first time it is
called (the class holds a stub that compiles it, puts the result on the
class and calls it), so creating a class costs only the class itself, and
after its first call a method is exactly the function `dataclasses` would
have written: the hot paths pay nothing.
"""

__all__ = ("FrozenInstanceError", "field", "record", "replace")


class FrozenInstanceError(AttributeError):
    """An attribute of a record was assigned or deleted."""


class _Factory:
    """The default of a field made fresh for each instance by `make`."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


def field(*, default_factory):
    """A field whose default is ``default_factory()``, called for each instance."""
    return _Factory(default_factory)


def _frozen_setattr(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _compile(cls, name: str, source: str, namespace: dict):
    """The function `name` of `source`, compiled for `cls`."""
    exec(source, namespace)
    function = namespace[name]
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    return function


def _init(cls):
    names = cls.__record_fields__
    defaults = cls.__record_defaults__
    namespace = {"_set": object.__setattr__, "_FACTORY": _Factory}
    parameters, body = [], []
    for name in names:
        if name not in defaults:
            parameters.append(name)
            body.append(f" _set(self, {name!r}, {name})")
        elif isinstance(defaults[name], _Factory):
            namespace[f"_make_{name}"] = defaults[name].make
            parameters.append(f"{name}=_FACTORY")
            body.append(f" _set(self, {name!r}, _make_{name}() if {name} is _FACTORY else {name})")
        else:
            namespace[f"_default_{name}"] = defaults[name]
            parameters.append(f"{name}=_default_{name}")
            body.append(f" _set(self, {name!r}, {name})")
    if hasattr(cls, "__post_init__"):
        body.append(" self.__post_init__()")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + ("\n".join(body) or " pass") + "\n"
    return _compile(cls, "__init__", source, namespace)


def _fields_tuple(names, instance: str) -> str:
    return "(" + "".join(f"{instance}.{name}," for name in names) + ")"


def _eq(cls):
    names = cls.__record_fields__
    source = (
        "def __eq__(self, other):\n"
        " if other.__class__ is self.__class__:\n"
        f"  return {_fields_tuple(names, 'self')} == {_fields_tuple(names, 'other')}\n"
        " return NotImplemented\n"
    )
    return _compile(cls, "__eq__", source, {})


def _hash(cls):
    source = f"def __hash__(self):\n return hash({_fields_tuple(cls.__record_fields__, 'self')})\n"
    return _compile(cls, "__hash__", source, {})


def _repr(cls):
    shown = ", ".join(f"{name}={{self.{name}!r}}" for name in cls.__record_fields__)
    source = f'def __repr__(self):\n return f"{{self.__class__.__qualname__}}({shown})"\n'
    return _compile(cls, "__repr__", source, {})


def _lazy(cls, name: str, make):
    """A stub for method `name` of `cls`: its first call compiles the method and replaces itself."""

    def stub(self, *args, **kwargs):
        method = make(cls)
        setattr(cls, name, method)
        return method(self, *args, **kwargs)

    stub.__name__ = name
    stub.__qualname__ = f"{cls.__qualname__}.{name}"
    return stub


def _build(cls, slots: bool):
    own = cls.__dict__
    names = tuple(own.get("__annotations__", ()))
    defaults = {name: own[name] for name in names if name in own}
    seen_default = False
    for name in names:
        if name in defaults:
            seen_default = True
        elif seen_default:
            raise TypeError(f"{cls.__qualname__}: field {name!r} without a default follows a field with one")
    explicit = {name for name in ("__init__", "__eq__", "__repr__") if name in own}
    if own.get("__hash__") is not None:
        explicit.add("__hash__")
    if slots:
        namespace = {
            key: value for key, value in own.items() if key not in names and key not in ("__dict__", "__weakref__")
        }
        namespace["__slots__"] = names
        cls = type(cls)(cls.__name__, cls.__bases__, namespace)
    else:
        for name, value in defaults.items():
            if isinstance(value, _Factory):
                delattr(cls, name)
    cls.__record_fields__ = names
    cls.__record_defaults__ = defaults
    cls.__match_args__ = names
    for name, make in (("__init__", _init), ("__eq__", _eq), ("__hash__", _hash), ("__repr__", _repr)):
        if name not in explicit:
            setattr(cls, name, _lazy(cls, name, make))
    cls.__setattr__ = _frozen_setattr
    cls.__delattr__ = _frozen_delattr
    return cls


def record(cls=None, *, slots: bool = False):
    """Make `cls` a frozen value class (``@record`` or ``@record(slots=True)``)."""
    if cls is None:
        return lambda cls: _build(cls, slots)
    return _build(cls, slots)


def replace(instance, **changes):
    """A copy of the record `instance` with `changes` applied to its fields."""
    names = type(instance).__record_fields__
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"{type(instance).__qualname__} has no field {sorted(unknown)[0]!r}")
    return type(instance)(**{name: changes[name] if name in changes else getattr(instance, name) for name in names})
