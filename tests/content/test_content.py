"""Tests for loading and validating the checklist and prompt files in checklists/."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import shutil
import sys
from collections import Counter
from types import ModuleType

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
REAL_DIR = ROOT / "checklists"


def _load_module() -> ModuleType:
    # Load the module by path so these tests need neither Flask nor the package __init__.
    name = "facilitator_content_under_test"
    spec = importlib.util.spec_from_file_location(name, ROOT / "facilitator" / "content.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while building classes
    spec.loader.exec_module(module)
    return module


content = _load_module()
ContentError = content.ContentError
load_content = content.load_content


# --- helpers -------------------------------------------------------------------------


def _q(value: str) -> str:
    """Quote a string for TOML (JSON string escapes are valid TOML basic strings)."""
    return json.dumps(value)


def checklist_toml(phase: str, items: list[dict[str, object]], title: str = "A title") -> str:
    lines = [f"phase = {_q(phase)}", f"title = {_q(title)}", ""]
    for item in items:
        lines.append("[[items]]")
        for field, value in item.items():
            lines.append(f"{field} = {_q(value) if isinstance(value, str) else value}")
        lines.append("")
    return "\n".join(lines)


def good_items(count: int = 12, prefix: str = "step") -> list[dict[str, object]]:
    return [{"key": f"{prefix}-{n}", "text": f"Do step {n}."} for n in range(1, count + 1)]


def prompts_toml(prompts: list[dict[str, object]]) -> str:
    """A prompts file with the real stages and situations and the given prompts."""
    real = (REAL_DIR / "prompts.toml").read_text(encoding="utf-8")
    head = real.split("[[prompts]]", 1)[0]
    lines = [head]
    for prompt in prompts:
        lines.append("[[prompts]]")
        for field, value in prompt.items():
            lines.append(f"{field} = {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)


def good_prompts(count: int = 3) -> list[dict[str, object]]:
    return [
        {"key": f"prompt-{n}", "stage": "opening", "situations": [], "text": f"Question {n}?"}
        for n in range(1, count + 1)
    ]


@pytest.fixture
def content_dir(tmp_path: pathlib.Path) -> pathlib.Path:
    """A valid, small checklists/ folder that each test then breaks in one way."""
    directory = tmp_path / "checklists"
    directory.mkdir()
    for phase in content.PHASES:
        (directory / f"{phase}.toml").write_text(
            checklist_toml(phase, good_items()), encoding="utf-8"
        )
    (directory / "prompts.toml").write_text(prompts_toml(good_prompts()), encoding="utf-8")
    return directory


def assert_error(directory: pathlib.Path, *fragments: str) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# --- the real files ------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> object:
    return load_content(REAL_DIR)


def test_real_checklists_load_with_enough_items(real) -> None:
    assert tuple(real.checklists) == content.PHASES
    for phase in content.PHASES:
        checklist = real.checklists[phase]
        assert checklist.phase == phase
        assert checklist.title
        assert len(checklist.items) >= 14
        assert all(item.phase == phase for item in checklist.items)


def test_real_checklist_texts_are_distinct(real) -> None:
    for checklist in real.checklists.values():
        texts = [item.text for item in checklist.items]
        assert len(texts) == len(set(texts))


def test_real_stages_and_situations(real) -> None:
    assert [(s.key, s.label) for s in real.stages] == [
        ("opening", "Opening and ground rules"),
        ("concerns", "Understanding concerns"),
        ("interests", "Exploring interests behind positions"),
        ("options", "Generating options"),
        ("evaluating", "Evaluating options"),
        ("closing", "Agreeing and closing"),
    ]
    assert [(s.key, s.label) for s in real.situations] == [
        ("non-negotiable", "A non-negotiable demand"),
        ("strong-emotion", "Strong emotion"),
        ("someone-silent", "Someone is silent"),
        ("staff-disagree", "Staff disagree among themselves"),
        ("resources", "Resources given as the reason"),
        ("impasse", "Impasse"),
        ("parent-fear", "A parent fears not having pushed hard enough"),
    ]


def test_real_prompt_counts(real) -> None:
    assert len(real.prompts) >= 66
    per_stage = Counter(prompt.stage for prompt in real.prompts)
    per_situation = Counter(s for prompt in real.prompts for s in prompt.situations)
    for stage in real.stages:
        assert per_stage[stage.key] >= 8, stage.key
    for situation in real.situations:
        assert per_situation[situation.key] >= 5, situation.key


def test_real_prompt_texts_are_distinct(real) -> None:
    texts = [prompt.text for prompt in real.prompts]
    assert len(texts) == len(set(texts))


def test_real_files_name_their_sources() -> None:
    for name in ("before.toml", "during.toml", "after.toml", "prompts.toml"):
        first = (REAL_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# Sources:"), name


def test_project_root_is_accepted(real) -> None:
    assert load_content(ROOT) == real


def test_content_is_frozen(real) -> None:
    with pytest.raises(AttributeError):
        real.prompts[0].text = "changed"


# --- mistakes --------------------------------------------------------------------------


def test_small_valid_folder_loads(content_dir: pathlib.Path) -> None:
    loaded = load_content(content_dir)
    assert len(loaded.checklists["during"].items) == 12
    assert loaded.checklists["during"].items[0].help is None
    assert [p.key for p in loaded.prompts] == ["prompt-1", "prompt-2", "prompt-3"]


def test_toml_syntax_error_names_file_line_and_column(content_dir: pathlib.Path) -> None:
    path = content_dir / "during.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[items]\nkey = 'x'\n")
    assert_error(content_dir, "checklists/during.toml", "TOML syntax error", "line", "column")


def test_missing_file(content_dir: pathlib.Path) -> None:
    (content_dir / "after.toml").unlink()
    assert_error(content_dir, "checklists/after.toml", "not found")


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        ({"text": "No key here."}, "checklists/during.toml: item 3: 'key' is missing"),
        ({"key": "", "text": "Empty key."}, "checklists/during.toml: item 3: 'key' is empty"),
        ({"key": "x"}, "checklists/during.toml: item 3 (key 'x'): 'text' is missing"),
        ({"key": "x", "text": "   "}, "checklists/during.toml: item 3 (key 'x'): 'text' is empty"),
        ({"key": "x", "text": 5}, "item 3 (key 'x'): 'text' must be a string"),
    ],
)
def test_missing_or_empty_key_and_text(
    content_dir: pathlib.Path, item: dict[str, object], fragment: str
) -> None:
    items = good_items()
    items[2] = item
    (content_dir / "during.toml").write_text(checklist_toml("during", items))
    assert_error(content_dir, fragment)


@pytest.mark.parametrize("bad_key", ["Has-Capitals", "has space", "double--hyphen", "-lead", "é"])
def test_bad_key_format(content_dir: pathlib.Path, bad_key: str) -> None:
    items = good_items()
    items[4] = {"key": bad_key, "text": "Fine text."}
    (content_dir / "before.toml").write_text(checklist_toml("before", items))
    assert_error(content_dir, f"checklists/before.toml: item 5 (key {bad_key!r})", "is not valid")


def test_duplicate_checklist_keys(content_dir: pathlib.Path) -> None:
    items = good_items()
    items[7] = {"key": "step-2", "text": "Another text."}
    (content_dir / "after.toml").write_text(checklist_toml("after", items))
    assert_error(content_dir, "checklists/after.toml: item 8 (key 'step-2')", "used more than once")


def test_unknown_field_in_item(content_dir: pathlib.Path) -> None:
    items = good_items()
    items[0] = {"key": "step-1", "text": "Text.", "hlep": "typo"}
    (content_dir / "before.toml").write_text(checklist_toml("before", items))
    assert_error(
        content_dir, "checklists/before.toml: item 1 (key 'step-1')", "unknown field", "'hlep'"
    )


def test_unknown_top_level_field(content_dir: pathlib.Path) -> None:
    path = content_dir / "before.toml"
    path.write_text('colour = "blue"\n' + path.read_text(encoding="utf-8"))
    assert_error(content_dir, "checklists/before.toml", "unknown field", "'colour'")


def test_wrong_phase_value(content_dir: pathlib.Path) -> None:
    (content_dir / "after.toml").write_text(checklist_toml("during", good_items()))
    assert_error(content_dir, "checklists/after.toml", "'phase' is 'during'", "'after'")


def test_missing_phase(content_dir: pathlib.Path) -> None:
    text = checklist_toml("before", good_items()).replace('phase = "before"\n', "")
    (content_dir / "before.toml").write_text(text)
    assert_error(content_dir, "checklists/before.toml", "'phase' is missing")


def test_missing_title(content_dir: pathlib.Path) -> None:
    (content_dir / "during.toml").write_text(checklist_toml("during", good_items(), title=""))
    assert_error(content_dir, "checklists/during.toml", "'title' is empty")


def test_too_few_items(content_dir: pathlib.Path) -> None:
    (content_dir / "during.toml").write_text(checklist_toml("during", good_items(11)))
    assert_error(content_dir, "checklists/during.toml", "has 11 items", "at least 12")


def test_over_long_item_text(content_dir: pathlib.Path) -> None:
    items = good_items()
    items[5] = {"key": "long-one", "text": "x" * 501}
    (content_dir / "before.toml").write_text(checklist_toml("before", items))
    assert_error(
        content_dir, "checklists/before.toml: item 6 (key 'long-one'): 'text' is 501 characters"
    )


def test_over_long_help(content_dir: pathlib.Path) -> None:
    items = good_items()
    items[1] = {"key": "step-2", "text": "Short.", "help": "y" * 600}
    (content_dir / "after.toml").write_text(checklist_toml("after", items))
    assert_error(content_dir, "checklists/after.toml: item 2 (key 'step-2'): 'help' is 600")


def test_text_of_exactly_500_characters_is_fine(content_dir: pathlib.Path) -> None:
    items = good_items()
    items[0] = {"key": "step-1", "text": "z" * 500}
    (content_dir / "before.toml").write_text(checklist_toml("before", items))
    assert len(load_content(content_dir).checklists["before"].items[0].text) == 500


def test_prompt_with_unknown_stage(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    prompts[1]["stage"] = "brainstorming"
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(
        content_dir,
        "checklists/prompts.toml: prompt 2 (key 'prompt-2')",
        "unknown stage 'brainstorming'",
    )


def test_prompt_with_missing_stage(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    del prompts[0]["stage"]
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(content_dir, "checklists/prompts.toml: prompt 1 (key 'prompt-1'): 'stage'")


def test_prompt_with_unknown_situation(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    prompts[2]["situations"] = ["impasse", "angry-parent"]
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(
        content_dir,
        "checklists/prompts.toml: prompt 3 (key 'prompt-3')",
        "unknown situation 'angry-parent'",
    )


def test_prompt_situations_must_be_a_list(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    prompts[0]["situations"] = "impasse"
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(content_dir, "prompt 1 (key 'prompt-1'): 'situations' must be a list")


def test_duplicate_prompt_keys(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    prompts[2]["key"] = "prompt-1"
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(
        content_dir, "checklists/prompts.toml: prompt 3 (key 'prompt-1')", "used more than once"
    )


def test_prompt_missing_text(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    del prompts[1]["text"]
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(
        content_dir, "checklists/prompts.toml: prompt 2 (key 'prompt-2'): 'text' is missing"
    )


def test_over_long_prompt_text(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    prompts[0]["text"] = "Why? " * 101
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(content_dir, "checklists/prompts.toml: prompt 1 (key 'prompt-1'): 'text' is 504")


def test_unknown_field_in_prompt(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    prompts[0]["situation"] = ["impasse"]
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(content_dir, "checklists/prompts.toml: prompt 1 (key 'prompt-1')", "'situation'")


def test_bad_prompt_key_format(content_dir: pathlib.Path) -> None:
    prompts = good_prompts()
    prompts[1]["key"] = "Prompt_2"
    (content_dir / "prompts.toml").write_text(prompts_toml(prompts))
    assert_error(content_dir, "checklists/prompts.toml: prompt 2 (key 'Prompt_2')", "not valid")


def test_unknown_stage_definition(content_dir: pathlib.Path) -> None:
    path = content_dir / "prompts.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('key = "options"', 'key = "ideas"', 1))
    assert_error(content_dir, "checklists/prompts.toml: stage 4 (key 'ideas')", "unknown stage")


def test_missing_situation_definition(content_dir: pathlib.Path) -> None:
    path = content_dir / "prompts.toml"
    text = path.read_text(encoding="utf-8").replace(
        '[[situations]]\nkey = "impasse"\nlabel = "Impasse"\n', ""
    )
    path.write_text(text)
    assert_error(content_dir, "checklists/prompts.toml", "[[situations]]", "missing 'impasse'")


def test_stage_with_empty_label(content_dir: pathlib.Path) -> None:
    path = content_dir / "prompts.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('label = "Impasse"', 'label = ""', 1))
    assert_error(
        content_dir, "checklists/prompts.toml: situation 6 (key 'impasse'): 'label' is empty"
    )


def test_error_in_copied_real_file_names_real_item(tmp_path: pathlib.Path) -> None:
    directory = tmp_path / "checklists"
    shutil.copytree(REAL_DIR, directory)
    path = directory / "during.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('key = "introductions"\n', 'key = "introductions"\nicon = "x"\n'))
    assert_error(directory, "checklists/during.toml: item 2 (key 'introductions')", "'icon'")
