"""Text a Word document can hold: XML 1.0 refuses NUL, most C0 controls, lone
surrogates and U+FFFE/U+FFFF, and python-docx raises on them. The builders clean
everything they are given with :func:`xml_safe`, so one stored character can
never take a family's summary away."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import TypeVar

T = TypeVar("T")

XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: T, _memo: dict | None = None) -> T:
    """A copy of ``value`` with every string in it (dataclass fields, lists, tuples,
    dicts) cleaned; shared and cyclic references stay shared in the copy."""
    if isinstance(value, str):
        return XML_INVALID_RE.sub("", value)  # type: ignore[return-value]
    memo = {} if _memo is None else _memo
    if id(value) in memo:
        return memo[id(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        clone = copy.copy(value)
        memo[id(value)] = clone
        for f in dataclasses.fields(value):
            object.__setattr__(clone, f.name, xml_safe(getattr(value, f.name), memo))
        return clone  # type: ignore[return-value]
    if isinstance(value, list):
        out: list = []
        memo[id(value)] = out
        out.extend(xml_safe(v, memo) for v in value)
        return out  # type: ignore[return-value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(xml_safe(v, memo) for v in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        out_d: dict = {}
        memo[id(value)] = out_d
        out_d.update({k: xml_safe(v, memo) for k, v in value.items()})
        return out_d  # type: ignore[return-value]
    return value
