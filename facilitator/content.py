"""Load and validate the checklist and prompt content kept in ``checklists/*.toml``.

The content is data, not code: facilitators' checklists and interest-based question
prompts live in TOML files so they can be reviewed and edited without touching Python.
Every mistake in those files is reported as a :class:`ContentError` whose message names
the file and the item, so the person editing them knows exactly where to look.
"""

from __future__ import annotations

import pathlib
import re
import tomllib
from dataclasses import dataclass
from typing import Any

PHASES = ("before", "during", "after")

#: The meeting stages a prompt belongs to, in the order a facilitated meeting runs.
STAGE_KEYS = ("opening", "concerns", "interests", "options", "evaluating", "closing")

#: The difficult moments a prompt can help with.
SITUATION_KEYS = (
    "non-negotiable",
    "strong-emotion",
    "someone-silent",
    "staff-disagree",
    "resources",
    "impasse",
    "parent-fear",
)

MIN_CHECKLIST_ITEMS = 12
MAX_TEXT_LENGTH = 500
PROMPTS_FILE = "prompts.toml"

_KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CHECKLIST_FIELDS = frozenset({"phase", "title", "items"})
_ITEM_FIELDS = frozenset({"key", "text", "help"})
_PROMPTS_FIELDS = frozenset({"stages", "situations", "prompts"})
_OPTION_FIELDS = frozenset({"key", "label"})
_PROMPT_FIELDS = frozenset({"key", "stage", "situations", "text"})


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to do in a meeting phase, with optional plain-language help."""

    key: str
    text: str
    help: str | None
    phase: str


@dataclass(frozen=True)
class Checklist:
    """The ordered items for one meeting phase: before, during or after."""

    phase: str
    title: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Option:
    """A prompt stage or a situation: a stable key and the label people see."""

    key: str
    label: str


@dataclass(frozen=True)
class Prompt:
    """An interest-based question for one stage, tagged with the situations it suits."""

    key: str
    stage: str
    situations: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Content:
    """Everything loaded from the checklists folder, validated."""

    checklists: dict[str, Checklist]
    stages: tuple[Option, ...]
    situations: tuple[Option, ...]
    prompts: tuple[Prompt, ...]


class ContentError(Exception):
    """A content file is missing or wrong; the message names the file and the item."""


def load_content(directory: pathlib.Path) -> Content:
    """Load and validate all checklist and prompt files, raising ContentError on any mistake."""
    directory = pathlib.Path(directory)
    # Accept the project root as well as the checklists/ folder itself.
    nested = directory / "checklists"
    if not (directory / PROMPTS_FILE).exists() and nested.is_dir():
        directory = nested
    checklists = {phase: _load_checklist(directory, phase) for phase in PHASES}
    stages, situations, prompts = _load_prompts(directory)
    return Content(checklists=checklists, stages=stages, situations=situations, prompts=prompts)


# --- reading ------------------------------------------------------------------------


def _display_name(directory: pathlib.Path, filename: str) -> str:
    return f"{directory.name}/{filename}" if directory.name else filename


def _read_toml(path: pathlib.Path, name: str) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"{name}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already carries "(at line L, column C)".
        raise ContentError(f"{name}: TOML syntax error: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(f"{name}: the file is not valid UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise ContentError(f"{name}: cannot be read ({exc.strerror})") from exc


# --- checking helpers ---------------------------------------------------------------


def _where(name: str, kind: str, index: int, entry: object) -> str:
    """Describe an entry as "file: kind N (key 'x')", numbering from 1 like a person would."""
    key = entry.get("key") if isinstance(entry, dict) else None
    if isinstance(key, str) and key.strip():
        return f"{name}: {kind} {index} (key {key!r})"
    return f"{name}: {kind} {index}"


def _check_fields(where: str, entry: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        names = ", ".join(repr(field) for field in unknown)
        expected = ", ".join(repr(field) for field in sorted(allowed))
        raise ContentError(f"{where}: unknown field(s) {names}; expected only {expected}")


def _optional_text(where: str, entry: dict[str, Any], field: str) -> str | None:
    value = entry.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ContentError(f"{where}: {field!r} must be a string, not {type(value).__name__}")
    value = value.strip()
    if not value:
        raise ContentError(f"{where}: {field!r} is empty")
    if len(value) > MAX_TEXT_LENGTH:
        raise ContentError(
            f"{where}: {field!r} is {len(value)} characters long; the limit is {MAX_TEXT_LENGTH}"
        )
    return value


def _text(where: str, entry: dict[str, Any], field: str) -> str:
    value = _optional_text(where, entry, field)
    if value is None:
        raise ContentError(f"{where}: {field!r} is missing")
    return value


def _key(where: str, entry: dict[str, Any], seen: set[str]) -> str:
    key = _text(where, entry, "key")
    if not _KEY_PATTERN.fullmatch(key):
        raise ContentError(
            f"{where}: key {key!r} is not valid; use lowercase letters, digits and "
            "single hyphens (for example 'confirm-time-with-family')"
        )
    if key in seen:
        raise ContentError(f"{where}: key {key!r} is used more than once")
    seen.add(key)
    return key


def _table_list(name: str, data: dict[str, Any], field: str, kind: str) -> list[Any]:
    value = data.get(field)
    if value is None:
        raise ContentError(f"{name}: no [[{field}]] entries found")
    if not isinstance(value, list):
        raise ContentError(f"{name}: {field!r} must be a list of [[{field}]] tables")
    for index, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            raise ContentError(f"{name}: {kind} {index} must be a [[{field}]] table")
    return value


# --- checklists ---------------------------------------------------------------------


def _load_checklist(directory: pathlib.Path, phase: str) -> Checklist:
    filename = f"{phase}.toml"
    name = _display_name(directory, filename)
    data = _read_toml(directory / filename, name)
    _check_fields(name, data, _CHECKLIST_FIELDS)

    if "phase" not in data:
        raise ContentError(f"{name}: 'phase' is missing; it should be {phase!r}")
    if data["phase"] != phase:
        raise ContentError(
            f"{name}: 'phase' is {data['phase']!r} but this file must say phase = {phase!r}"
        )
    title = _text(name, data, "title")

    entries = _table_list(name, data, "items", "item")
    if len(entries) < MIN_CHECKLIST_ITEMS:
        raise ContentError(
            f"{name}: has {len(entries)} items; a checklist needs at least {MIN_CHECKLIST_ITEMS}"
        )

    seen: set[str] = set()
    items = []
    for index, entry in enumerate(entries, start=1):
        where = _where(name, "item", index, entry)
        _check_fields(where, entry, _ITEM_FIELDS)
        key = _key(where, entry, seen)
        text = _text(where, entry, "text")
        help_text = _optional_text(where, entry, "help")
        items.append(ChecklistItem(key=key, text=text, help=help_text, phase=phase))
    return Checklist(phase=phase, title=title, items=tuple(items))


# --- prompts ------------------------------------------------------------------------


def _load_options(
    name: str, data: dict[str, Any], field: str, kind: str, expected: tuple[str, ...]
) -> tuple[Option, ...]:
    entries = _table_list(name, data, field, kind)
    seen: set[str] = set()
    options = []
    for index, entry in enumerate(entries, start=1):
        where = _where(name, kind, index, entry)
        _check_fields(where, entry, _OPTION_FIELDS)
        key = _key(where, entry, seen)
        if key not in expected:
            allowed = ", ".join(repr(k) for k in expected)
            raise ContentError(f"{where}: unknown {kind} key {key!r}; expected one of {allowed}")
        label = _text(where, entry, "label")
        options.append(Option(key=key, label=label))
    keys = tuple(option.key for option in options)
    if keys != expected:
        # The application walks stages in meeting order and offers every situation.
        missing = [k for k in expected if k not in keys]
        detail = f"missing {', '.join(repr(k) for k in missing)}" if missing else "out of order"
        raise ContentError(
            f"{name}: [[{field}]] must list {', '.join(expected)} in that order ({detail})"
        )
    return tuple(options)


def _load_prompts(
    directory: pathlib.Path,
) -> tuple[tuple[Option, ...], tuple[Option, ...], tuple[Prompt, ...]]:
    name = _display_name(directory, PROMPTS_FILE)
    data = _read_toml(directory / PROMPTS_FILE, name)
    _check_fields(name, data, _PROMPTS_FIELDS)
    stages = _load_options(name, data, "stages", "stage", STAGE_KEYS)
    situations = _load_options(name, data, "situations", "situation", SITUATION_KEYS)
    stage_keys = {stage.key for stage in stages}
    situation_keys = {situation.key for situation in situations}

    seen: set[str] = set()
    prompts = []
    for index, entry in enumerate(_table_list(name, data, "prompts", "prompt"), start=1):
        where = _where(name, "prompt", index, entry)
        _check_fields(where, entry, _PROMPT_FIELDS)
        key = _key(where, entry, seen)
        stage = _text(where, entry, "stage")
        if stage not in stage_keys:
            raise ContentError(
                f"{where}: unknown stage {stage!r}; expected one of "
                f"{', '.join(repr(k) for k in STAGE_KEYS)}"
            )
        text = _text(where, entry, "text")
        prompts.append(
            Prompt(
                key=key,
                stage=stage,
                situations=_prompt_situations(where, entry, situation_keys),
                text=text,
            )
        )
    return stages, situations, tuple(prompts)


def _prompt_situations(where: str, entry: dict[str, Any], known: set[str]) -> tuple[str, ...]:
    value = entry.get("situations", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContentError(f"{where}: 'situations' must be a list of situation keys")
    for situation in value:
        if situation not in known:
            raise ContentError(
                f"{where}: unknown situation {situation!r}; expected one of "
                f"{', '.join(repr(k) for k in SITUATION_KEYS)}"
            )
    if len(set(value)) != len(value):
        raise ContentError(f"{where}: 'situations' lists the same situation twice")
    return tuple(value)


def current_content() -> Content:
    """The content the running app loaded (and validated) at start-up."""
    from flask import current_app

    return current_app.extensions["facilitator.content"]
