"""Every value is checked where it enters: forms, JSON bodies, imports, and the last
line before the database.

- :class:`CheckedForm` is the base of every form in the app. It refuses NUL and
  the other control characters (a multi-line field may hold tabs and line
  breaks), dates outside 1900-2200 and integers outside the 32-bit range, each
  with a sentence on the field, before a view sees the data.
- :func:`text_problem`, :func:`bounded_int` and :func:`date_in_range` are the
  same checks for JSON endpoints and the CSV import.
- A ``before_flush`` guard refuses any row whose text holds NUL or is longer than
  its ``String(n)`` column, or whose integer does not fit its column, so SQLite
  refuses what PostgreSQL would: nothing of the kind is ever stored, and a field
  that lacks its form check shows up as an error in tests on either engine.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from flask_wtf import FlaskForm
from sqlalchemy import BigInteger, Integer, SmallInteger, String, event, inspect
from sqlalchemy.orm import Session
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    FloatField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

#: Characters no text field may hold: C0 controls except tab/LF/CR, DEL, lone
#: surrogates (JSON can carry them) and the two XML non-characters.
_NOT_TEXT = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff"
NOT_TEXT_RE = re.compile(f"[{_NOT_TEXT}]")
NOT_ONE_LINE_RE = re.compile(f"[{_NOT_TEXT}\t\n\r]")

MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2200, 12, 31)
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

CONTROL_MESSAGE = ("This holds an invisible control character (often pasted from another "
                   "program). Retype the text or paste it as plain text.")
ONE_LINE_MESSAGE = "Keep this on one line: remove the line breaks and tabs."
DATE_MESSAGE = "Enter a date between 1900 and 2200."
INT_MESSAGE = "Enter a whole number between {lo:,} and {hi:,}."


class UnsafeValue(ValueError):
    """A value that must never be stored reached a flush (a missing check upstream)."""


def text_problem(value: str, multiline: bool = True) -> str | None:
    """What is wrong with ``value`` as text a person typed, or None when it is fine."""
    if NOT_TEXT_RE.search(value):
        return CONTROL_MESSAGE
    if not multiline and NOT_ONE_LINE_RE.search(value):
        return ONE_LINE_MESSAGE
    return None


def query_text(value: str | None, limit: int = 200) -> str:
    """A search or filter typed into an address or search box: one line, bounded,
    without control characters (PostgreSQL refuses NUL even in a query parameter)."""
    return NOT_ONE_LINE_RE.sub("", value or "").strip()[:limit]


def query_arg(name: str, limit: int = 200) -> str:
    """The query-string argument ``name`` as :func:`query_text` ("" when absent)."""
    from flask import request

    return query_text(request.args.get(name), limit)


def bounded_int(value: object, lo: int = 0, hi: int = INT32[1]) -> int | None:
    """``value`` when it is a JSON/Python integer (not a bool) in [lo, hi], else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if lo <= value <= hi else None


def parse_id(raw: object) -> int | None:
    """A record id typed as ASCII digits that fits the id column, else None."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= INT32[1] else None


def date_in_range(value: date) -> bool:
    """Whether ``value`` lies in the years the app accepts (1900-2200)."""
    if isinstance(value, datetime):
        value = value.date()
    return MIN_DATE <= value <= MAX_DATE


def request_json() -> object:
    """The request's JSON body, or None when it is not JSON (or nested too deeply)."""
    from flask import request

    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def json_values(data: object, texts: dict[str, bool], ints: dict[str, tuple[int, int]]
                ) -> tuple[dict, str | None]:
    """Check a JSON body: ``texts`` maps a key to multi-line or not, ``ints`` to (lo, hi).

    Returns the values and None, or {} and a sentence saying what to send instead.
    """
    if not isinstance(data, dict):
        return {}, "Send a JSON object."
    values: dict = {}
    for key, multiline in texts.items():
        value = data.get(key)
        if not isinstance(value, str):
            return {}, f"Send {key} as text."
        problem = text_problem(value, multiline)
        if problem:
            return {}, f"{key}: {problem}"
        values[key] = value
    for key, (lo, hi) in ints.items():
        value = bounded_int(data.get(key), lo, hi)
        if value is None:
            return {}, f"Send {key} as a whole number from {lo:,} to {hi:,}."
        values[key] = value
    return values, None


# --- forms -----------------------------------------------------------------------------


def _text_check(multiline: bool):
    def check(form, field):
        if isinstance(field.data, str):
            problem = text_problem(field.data, multiline)
            if problem:
                raise ValidationError(problem)

    return check


def _date_check(form, field):
    if field.data is not None and not date_in_range(field.data):
        raise ValidationError(DATE_MESSAGE)


def _int_check(form, field):
    lo, hi = INT32
    if field.data is not None and not lo <= field.data <= hi:
        raise ValidationError(INT_MESSAGE.format(lo=lo, hi=hi))


def _number_check(form, field):
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError("Enter a number.")


def entry_checks(field) -> list:
    """The checks every field of its kind gets, whatever the form says."""
    if isinstance(field, StringField):  # also TextArea, Email, Password, Hidden, Search
        return [_text_check(multiline=isinstance(field, TextAreaField))]
    if isinstance(field, (DateField, DateTimeLocalField)):
        return [_date_check]
    if isinstance(field, IntegerField):
        return [_int_check]
    if isinstance(field, (FloatField, DecimalField)):
        return [_number_check]
    return []


class CheckedForm(FlaskForm):
    """FlaskForm plus the entry checks above on every field (the base of every form)."""

    def validate(self, extra_validators=None):
        """Validate as FlaskForm does, with each field's entry checks added."""
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            checks = entry_checks(field)
            if checks:
                extra[name] = [*checks, *extra.get(name, [])]
        return super().validate(extra)


# --- the last line before the database -------------------------------------------------

_INT_RANGES = ((SmallInteger, (-(2**15), 2**15 - 1)), (BigInteger, INT64), (Integer, INT32))


def _column_problem(column, value) -> str | None:
    if isinstance(value, str):
        if "\x00" in value or re.search("[\ud800-\udfff]", value):
            return "holds NUL or a lone surrogate"
        length = getattr(column.type, "length", None)
        if isinstance(column.type, String) and length and len(value) > length:
            return f"is {len(value)} characters long; the column holds {length}"
    elif isinstance(value, int) and not isinstance(value, bool):
        for kind, (lo, hi) in _INT_RANGES:
            if isinstance(column.type, kind):
                return None if lo <= value <= hi else f"{value} does not fit the column"
    return None


def check_rows(session: Session, flush_context, instances) -> None:
    """Refuse to flush a new or changed row holding a value the database must not get."""
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key not in state.dict:
                continue  # not loaded, so not changed
            problem = _column_problem(attr.columns[0], state.dict[attr.key])
            if problem:
                raise UnsafeValue(f"{state.mapper.class_.__name__}.{attr.key} {problem}")


def init_app(app) -> None:
    """Install the flush guard (once per process; it applies to every session)."""
    if not event.contains(Session, "before_flush", check_rows):
        event.listen(Session, "before_flush", check_rows)
