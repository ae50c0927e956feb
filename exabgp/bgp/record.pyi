# Type checkers' view of `exabgp.bgp.record`: `record` makes a class a frozen
# dataclass-like value class (PEP 681), so fields, __init__ and frozenness are
# checked as for `dataclasses.dataclass(frozen=True)`.  Runtime: record.py.
from typing import Any, Callable, TypeVar, overload

from typing_extensions import dataclass_transform

_T = TypeVar("_T")

class FrozenInstanceError(AttributeError): ...

def field(*, default_factory: Callable[[], Any]) -> Any: ...
@overload
@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_T], /) -> type[_T]: ...
@overload
def record(*, slots: bool = ...) -> Callable[[type[_T]], type[_T]]: ...
def replace(instance: _T, /, **changes: Any) -> _T: ...
