"""Text a Word document can hold: XML 1.0 refuses NUL, most C0 controls, lone
surrogates and U+FFFE/U+FFFF, and python-docx raises on them. The builders clean
everything they are given with :func:`xml_safe`, so one stored character can
never take a family's summary away."""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

T = TypeVar("T")

XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: T) -> T:
    """``value`` with every string in it (dataclass fields, lists, tuples, dicts) cleaned."""
    if isinstance(value, str):
        return XML_INVALID_RE.sub("", value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: xml_safe(getattr(value, f.name))
                   for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)  # type: ignore[return-value]
    if isinstance(value, list):
        return [xml_safe(v) for v in value]  # type: ignore[return-value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(xml_safe(v) for v in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}  # type: ignore[return-value]
    return value
