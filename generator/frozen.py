"""Frozen records that load quickly from the build cache.

A frozen dataclass with slots pickles through `dataclasses`' own state functions, which
look up the class's fields again for every object restored: loading the 75,000 records
of a 10,000-event site from the cache spent more time there than in the unpickler. A
record pickled as its constructor call restores through the dataclass's generated
`__init__` instead.
"""

from __future__ import annotations

import operator
from typing import Any, TypeVar

Cls = TypeVar("Cls", bound=type)


def pickled_as_constructor(cls: Cls) -> Cls:
    """For frozen dataclasses whose every field is an `__init__` argument, in order."""
    names: tuple[str, ...] = cls.__dict__["__slots__"]
    values = operator.attrgetter(*names)
    single = len(names) == 1

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        found = values(self)
        return cls, (found,) if single else found

    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls
