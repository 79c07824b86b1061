"""Arabic is a first-class language: every interface string is translated, and the compiled
catalogue the site loads is the one the translators wrote."""
import gettext
from pathlib import Path

import polib
import pytest

from tests.conftest import missing_tool

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(LOCALE / "django.po"))


def test_every_string_has_an_arabic_translation(catalogue):
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert (missing, fuzzy) == ([], [])


def test_placeholders_survive_translation(catalogue):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            # Arabic's "zero", "one" and "two" forms say the number in words (zero reads «لا توجد …», never
            # "0 …": docs/arabic.md); the others must keep it.
            needed = set(placeholder.findall(entry.msgid_plural))
            for form, text in entry.msgstr_plural.items():
                assert form in (0, 1, 2) or needed <= set(placeholder.findall(text)), (entry.msgid, form)
            continue
        assert sorted(placeholder.findall(entry.msgid)) == sorted(placeholder.findall(entry.msgstr)), entry.msgid


def test_the_compiled_catalogue_matches_the_translations(catalogue):
    with open(LOCALE / "django.mo", "rb") as compiled:
        loaded = gettext.GNUTranslations(compiled)
    for entry in catalogue.translated_entries():
        if entry.msgctxt or entry.msgid_plural:
            continue
        assert loaded.gettext(entry.msgid) == entry.msgstr, f"django.mo is stale: run `make messages` ({entry.msgid})"


def test_the_catalogue_holds_every_string_the_code_marks_for_translation(tmp_path):
    """A string wrapped for translation but never extracted would show in English on Arabic pages."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        missing_tool("GNU gettext (xgettext) to extract the strings", "apt-get install gettext, or run .ci/run")
    root = LOCALE.parents[2]
    copy = tmp_path / "project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".venv", ".data", ".git", "staticfiles", "tests",
                                                              "bench", "__pycache__", ".pytest_cache"))
    # makemessages never connects; a database URL keeps settings from starting an embedded server.
    env = {**os.environ, "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "ar", "--no-obsolete"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/ar/LC_MESSAGES/django.po")) if not e.obsolete}
    translated = {e.msgid for e in polib.pofile(str(LOCALE / "django.po")) if e.msgstr or e.msgstr_plural}
    assert sorted(extracted - translated) == [], "run `make messages` and translate the new strings"
