"""Arabic is a first-class language: every interface string is translated, and the compiled
catalogue the site loads is the one the translators wrote."""
import gettext
from pathlib import Path

import polib
import pytest

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
        assert sorted(placeholder.findall(entry.msgid)) == sorted(placeholder.findall(entry.msgstr)), entry.msgid


def test_the_compiled_catalogue_matches_the_translations(catalogue):
    with open(LOCALE / "django.mo", "rb") as compiled:
        loaded = gettext.GNUTranslations(compiled)
    for entry in catalogue.translated_entries():
        if entry.msgctxt or entry.msgid_plural:
            continue
        assert loaded.gettext(entry.msgid) == entry.msgstr, f"django.mo is stale: run `make messages` ({entry.msgid})"
