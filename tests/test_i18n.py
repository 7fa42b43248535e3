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
