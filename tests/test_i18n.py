"""The interface speaks Kazakh, Russian and English: every catalogue entry is translated, and the
compiled catalogues are the ones the .po files produce."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_interface_string_is_translated(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert "translated messages" in result.stderr


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_compiled_catalogue_matches_its_source(language, tmp_path):
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(folder / "django.po")], check=True
    )
    assert fresh.read_bytes() == (folder / "django.mo").read_bytes(), "run `make messages`"


def test_the_same_label_differs_in_the_three_languages():
    from tracker.models import Measure

    labels = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            labels[language] = str(Measure._meta.verbose_name_plural)
    assert len(set(labels.values())) == 3, labels


def test_gettext_is_installed():
    assert shutil.which("msgfmt"), (
        "gettext is needed to check the catalogues (apt-get install gettext)"
    )


def test_the_catalogues_cover_every_string_in_the_code(tmp_path, monkeypatch, settings):
    """A string added to a template or the code after the catalogues were made shows in English
    on the Kazakh and Russian pages (it happened: seven download and admin labels). makemessages,
    as `make messages` runs it but on a copy of the catalogues (the tree is linked into a
    temporary folder, so the repository's files are never written), finds nothing to translate."""
    from django.core.management import call_command

    base = Path(settings.BASE_DIR)
    before = {po: po.read_bytes() for po in LOCALE.rglob("*.po")}
    for entry in base.iterdir():
        if entry.name not in {"locale", ".venv", "var", ".git"}:
            (tmp_path / entry.name).symlink_to(entry)
    shutil.copytree(LOCALE, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = []
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["kk", "ru"], no_obsolete=True, symlinks=True, verbosity=0)
    assert {po: po.read_bytes() for po in LOCALE.rglob("*.po")} == before
    for language in ("kk", "ru"):
        po = tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"
        assert po.stat().st_size > 100_000  # the whole catalogue, not an empty one
        new = [
            line
            for kind in ("--untranslated", "--only-fuzzy")
            for line in subprocess.run(
                ["msgattrib", kind, "--no-wrap", str(po)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()
            if line.startswith("msgid ") and line != 'msgid ""'
        ]
        assert not new, f"{language}: run `make messages` and translate: {new}"
