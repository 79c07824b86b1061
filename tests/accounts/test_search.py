"""Search normalisation: what folds together, idempotence, the SQL twin agreeing with Python, and the
stored search text the database keeps with it."""
from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F, TextField, Value
from django.utils import timezone

from accounts.models import Channel, Status
from accounts.search import NORMALIZE_FUNCTION, Normalized, normalize
from entities.models import Entity

try:
    from hypothesis import HealthCheck, given, settings, strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dev requirement being added
    st = None

FOLDS = [
    # diacritics (tashkeel, shadda, sukun, tanwin, superscript alef) and tatweel vanish
    ("مُحَمَّد", "محمد"),
    ("رَحْمَٰن", "رحمن"),
    ("شكراً", "شكرا"),
    ("الـــوزارة", "الوزاره"),
    # alef forms
    ("أحمد", "احمد"),
    ("إمارات", "امارات"),
    ("آل", "ال"),
    ("ٱلله", "الله"),
    # ya forms and hamza on waw / ya
    ("مستشفى", "مستشفي"),
    ("ایران", "ايران"),
    ("مؤسسة", "موسسه"),
    ("هيئة", "هييه"),
    # ta marbuta and Persian kaf
    ("وزارة الخارجية", "وزاره الخارجيه"),
    ("کتاب", "كتاب"),
    # Arabic presentation forms (NFKC)
    ("ﻻ ﷲ", "لا الله"),
    # case, in Latin and beyond
    ("Ministry Of FOREIGN Affairs", "ministry of foreign affairs"),
    ("Straße", "strasse"),
    ("İstanbul", "istanbul"),
    ("ΟΔΥΣΣΕΥΣ", "οδυσσευσ"),
    # full-width letters, Arabic-Indic and Eastern digits
    ("ＭＯＦＡ", "mofa"),
    ("٢٠٢٤", "2024"),
    ("۱۲۳", "123"),
    # whitespace collapses, invisible characters go
    ("  وزارة\t\n الداخلية  ", "وزاره الداخليه"),
    ("mo\u200bfa\u200d uae\u00a0gov", "mofa uae gov"),
    ("", ""),
]

# Strings the database and Python must fold the same way.
TRICKY = [text for text, _ in FOLDS] + [
    "e\u0640\u0301",  # a tatweel between a letter and its accent: they compose once it is gone
    "ا\u064e\u0653",  # alef, fatha, madda: NFKC composes آ
    "ẞ ς ﬁ µ ½ ①",
    "@MOFAUAE — وزارة الخارجية والتعاون الدولي",
    "Ａｂｕ Ｄｈａｂｉ أبوظبي",
    "\u202eRTL override\u202c",
]


@pytest.mark.parametrize(("text", "folded"), FOLDS)
def test_normalize_folds_the_forms_people_type(text, folded):
    assert normalize(text) == folded


@pytest.mark.parametrize("text", TRICKY)
def test_normalize_is_idempotent_on_tricky_strings(text):
    assert normalize(normalize(text)) == normalize(text)


def test_a_query_without_hamza_or_diacritics_matches_the_official_spelling():
    assert normalize("الامارات") == normalize("الإمارات")
    assert normalize("وزارة الخارجيه") == normalize("وَزَارَةُ الخَارِجِيَّة")
    assert normalize("المستشفى") == normalize("المستشفي") == normalize("المستشفی")


def sql_normalize(texts: list[str]) -> list[str]:
    """What the database makes of each string, in one query."""
    row = Entity.objects.create(slug="sql-normalize", name_ar="ا", name_en="a")
    annotations = {f"n{i}": Normalized(Value(text, output_field=TextField())) for i, text in enumerate(texts)}
    values = Entity.objects.filter(pk=row.pk).annotate(**annotations).values(*annotations).get()
    row.delete()
    return [values[f"n{i}"] for i in range(len(texts))]


@pytest.mark.django_db
def test_the_sql_expression_agrees_with_python_on_tricky_strings():
    assert sql_normalize(TRICKY) == [normalize(text) for text in TRICKY]


@pytest.mark.django_db
def test_the_sql_expression_works_on_columns(make_entity):
    entity = make_entity(name_ar="وِزَارَةُ الإِعْلَام", name_en="Ministry of MEDIA")
    row = Entity.objects.filter(pk=entity.pk).annotate(ar=Normalized(F("name_ar")), en=Normalized("name_en"))
    assert row.values_list("ar", "en").get() == ("وزاره الاعلام", "ministry of media")


if st is not None:
    # The alphabets the register's names are written in, with the characters normalize() rewrites.
    NAME_TEXT = st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x20, max_codepoint=0x17F),
            st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
            st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
            st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFC),
            st.sampled_from("\t\n\u200b\u200c\u200d\ufeff\u00a0ẞßςİ"),
        ),
        max_size=40,
    )

    @given(st.text(max_size=60))
    def test_normalize_is_idempotent_on_any_text(text):
        assert normalize(normalize(text)) == normalize(text)

    @pytest.mark.django_db
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(NAME_TEXT, min_size=1, max_size=10))
    def test_the_sql_expression_agrees_with_python_on_names(texts):
        assert sql_normalize(texts) == [normalize(text) for text in texts]


# --- The stored search text (accounts/migrations/0008_search_text.py) ---------------------------

@pytest.mark.django_db
def test_the_installed_function_agrees_with_python_on_tricky_strings():
    """The function the triggers call was installed from `normalize_function_sql`: if `normalize`
    changed since, a migration must install it again, and this fails until one does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([f"{NORMALIZE_FUNCTION}(%s)"] * len(TRICKY)), TRICKY)
        assert list(cursor.fetchone()) == [normalize(text) for text in TRICKY]


def stored(channel: Channel) -> str:
    return Channel.private_objects.values_list("search_text", flat=True).get(pk=channel.pk)


def expected(channel: Channel) -> str:
    channel = Channel.private_objects.select_related("entity", "official").get(pk=channel.pk)
    official = channel.official
    parts = [channel.handle, channel.display_name, channel.entity.name_ar, channel.entity.name_en,
             *([official.name_ar, official.name_en] if official else [])]
    return normalize(" ".join(parts))


@pytest.mark.django_db
def test_the_search_text_follows_every_write_of_what_it_is_made_of(make_channel, make_entity, make_official):
    entity = make_entity(name_ar="وِزَارَةُ الإِعْلَام", name_en="Ministry of MEDIA")
    official = make_official(entity=entity, name_ar="الوزير", name_en="The Minister")
    channel = make_channel("https://x.com/MediaUAE", entity=entity, display_name="إعلام")
    assert stored(channel) == expected(channel) == "mediauae اعلام وزاره الاعلام ministry of media"

    channel.display_name, channel.official = "Media Office", official
    channel.save()
    assert "media office" in stored(channel) and "the minister" in stored(channel)
    Entity.objects.filter(pk=entity.pk).update(name_en="Ministry of Culture")  # a rename, in bulk
    official.name_ar = "وزير الثقافة"
    official.save()
    assert stored(channel) == expected(channel)
    assert "ministry of culture" in stored(channel) and "وزير الثقافه" in stored(channel)
    # Writes that do not touch it leave it, and nobody can set it by hand.
    Channel.private_objects.filter(pk=channel.pk).update(refresh_error="timeout")
    Channel.private_objects.filter(pk=channel.pk).update(search_text="forged")
    assert stored(channel) == expected(channel)


@pytest.mark.django_db
def test_bulk_created_channels_are_searchable(make_entity):
    entity = make_entity(name_ar="هيئة", name_en="Authority")
    Channel.private_objects.bulk_create([
        Channel(platform="x", handle=f"bulk{n}", handle_key=f"bulk{n}", canonical_url=f"https://x.com/bulk{n}",
                entity=entity, status=Status.APPROVED, approved_at=timezone.now())
        for n in range(3)
    ])
    assert sorted(Channel.private_objects.values_list("search_text", flat=True)) == [
        f"bulk{n} هييه authority" for n in range(3)]
