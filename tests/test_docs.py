"""README stays true to the code."""

from tools.docs import README, render
from components.settings import settings_reference


def test_readme_settings_reference_is_current():
    text = README.read_text()
    assert render(text) == text, "README settings table is stale: run `python -m tools.docs`"


def test_readme_documents_every_setting_once():
    text = README.read_text()
    for key, _, _ in settings_reference():
        assert text.count(f"| `{key}` |") == 1, key


def test_readme_names_the_two_commands():
    text = README.read_text()
    assert "make synth" in text and "make test" in text
