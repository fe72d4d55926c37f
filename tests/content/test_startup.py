"""The app refuses to start on a broken content file and says where the mistake is."""

import shutil
from pathlib import Path

import pytest

from facilitator import create_app
from facilitator.content import ContentError

ROOT = Path(__file__).resolve().parents[2]


def test_app_loads_the_content_at_start_up(app):
    from facilitator.content import current_content

    content = current_content()
    assert len(content.checklists["before"].items) >= 12
    assert len(content.prompts) >= 60


def test_malformed_toml_stops_start_up_naming_file_and_line(tmp_path):
    folder = tmp_path / "checklists"
    shutil.copytree(ROOT / "checklists", folder)
    path = folder / "during.toml"
    path.write_text(path.read_text() + "\n[[items]]\nkey = \"unterminated\ntext = 'x'\n")
    with pytest.raises(ContentError) as err:
        create_app({"TESTING": True, "SECRET_KEY": "x", "CHECKLISTS_DIR": str(folder),
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "during.toml" in str(err.value)
    assert "line" in str(err.value)


def test_item_mistake_stops_start_up_naming_the_item(tmp_path):
    folder = tmp_path / "checklists"
    shutil.copytree(ROOT / "checklists", folder)
    path = folder / "after.toml"
    path.write_text(path.read_text() + "\n[[items]]\nkey = \"no-text-here\"\n")
    with pytest.raises(ContentError) as err:
        create_app({"TESTING": True, "SECRET_KEY": "x", "CHECKLISTS_DIR": str(folder),
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "after.toml" in str(err.value) and "no-text-here" in str(err.value)
