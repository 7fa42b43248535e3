"""The catalogues follow docs/GLOSSARY.md: every bound msgid is translated word for word as the
glossary says, and no translation uses a word the glossary avoids."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
GLOSSARY = BASE / "docs" / "GLOSSARY.md"
LANGUAGES = ("kk", "ru")


def _table(heading: str) -> list[list[str]]:
    """The rows of the Markdown table under `## heading`, cells stripped, header row dropped."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _bound() -> list[tuple[str | None, str, dict[str, str]]]:
    entries = []
    for msgid, context, kk, ru, _term in _table("Bound entries"):
        entries.append((context or None, msgid.strip("`"), {"kk": kk, "ru": ru}))
    return entries


def _catalogue(language: str) -> dict[tuple[str | None, str], polib.POEntry]:
    po = polib.pofile(str(BASE / "locale" / language / "LC_MESSAGES" / "django.po"))
    return {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}


def test_the_glossary_binds_entries_and_avoids_words():
    # Guards the parser: an emptied or renamed table would make the checks below vacuous.
    assert len(_bound()) >= 30
    assert {language for language, _word, _instead in _table("Avoided words")} == set(LANGUAGES)


def _mismatches(catalogue: dict, language: str) -> dict:
    wrong = {}
    for context, msgid, expected in _bound():
        entry = catalogue.get((context, msgid))
        if entry is None:
            wrong[(context, msgid)] = "not in the catalogue"
        elif entry.msgstr != expected[language]:
            wrong[(context, msgid)] = f"{entry.msgstr!r}, the glossary says {expected[language]!r}"
    return wrong


def _avoided_in(catalogue: dict, language: str) -> list[tuple[str, str]]:
    avoided = [word for lang, word, _instead in _table("Avoided words") if lang == language]
    found = []
    for entry in catalogue.values():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            found += [(entry.msgid, word) for word in avoided if word.lower() in text.lower()]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_bound_msgids_are_translated_as_the_glossary_says(language):
    assert not _mismatches(_catalogue(language), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_uses_a_word_the_glossary_avoids(language):
    assert not _avoided_in(_catalogue(language), language)


def test_a_drifted_or_missing_translation_is_caught():
    catalogue = _catalogue("ru")
    catalogue[(None, "report paragraph")].msgstr = "параграф доклада"
    del catalogue[(None, "observation")]
    assert set(_mismatches(catalogue, "ru")) == {(None, "report paragraph"), (None, "observation")}
    assert (("report paragraph", "параграф")) in _avoided_in(catalogue, "ru")
