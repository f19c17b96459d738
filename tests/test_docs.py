"""README stays true to the code."""

from components.settings import settings_reference
from tools.docs import README, render


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


def test_docs_tool_prints_help_without_touching_the_readme(capsys):
    import pytest

    from tools.docs import main

    before = README.read_bytes()
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0 and "--check" in capsys.readouterr().out
    assert README.read_bytes() == before
    assert main(["--check"]) == 0, capsys.readouterr().err


def test_readme_lists_every_stack_output():
    import re

    from tests.support import baseline, everything_on

    text = README.read_text()
    section = text.split("## Stack outputs", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Za-z0-9]+)`", " ".join(l.split("|")[1] for l in section.splitlines()
                                                              if l.startswith("| `"))))
    outputs = set(baseline("dev").outputs) | set(baseline("prod").outputs) | set(everything_on("prod").outputs)
    assert outputs - documented == set(), "README's stack outputs table misses these"
    assert documented - outputs == set(), "README documents outputs the stack does not have"


def test_every_doc_link_points_at_a_file():
    import re

    for doc in [README, *sorted((README.parent / "docs").rglob("*.md"))]:
        for target in re.findall(r"\]\(((?!https?:|#)[^)#]+)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name}: {target}"
