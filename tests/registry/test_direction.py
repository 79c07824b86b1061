"""Inserted values isolated in both directions, dates in the Arabic order on one line, the arrow of a
change pointing the reading way (registry/direction.py, registry/templatetags/direction.py,
registry/formats/ar/formats.py)."""
from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from rest_framework.test import APIClient

from accounts.models import Alert, AlertKind, Channel
from accounts.review.alerts import describe
from accounts.services import channel_act, channel_create
from registry.direction import isolate, without_isolates
from tests.accounts.complete import COMPLETE
from tests.accounts.staff.test_views import login

FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"
DUBAI = ZoneInfo("Asia/Dubai")
# 16 March 2025, 8:02 in the evening in the UAE.
EVENING = datetime.datetime(2025, 3, 16, 20, 2, tzinfo=DUBAI)


def render(source: str, context: dict | None = None, language: str = "ar") -> str:
    with translation.override(language):
        return engines["django"].from_string("{% load direction %}" + source).render(context or {})


# --- The plain-text helper -------------------------------------------------------------------

@pytest.mark.parametrize(("value", "ltr", "expected"), [
    ("@UAEGov", True, f"{LRI}@UAEGov{PDI}"),
    ("User not found.", False, f"{FSI}User not found.{PDI}"),
    ("وزارة الخارجية", False, f"{FSI}وزارة الخارجية{PDI}"),
    (-33, True, f"{LRI}-33{PDI}"),
    ("", True, ""),
])
def test_isolate_wraps_the_value_in_one_isolate(value, ltr, expected):
    assert isolate(value, ltr=ltr) == expected


def test_without_isolates_gives_back_the_text_as_typed():
    sentence = f"الحساب {isolate('@UAEGov', ltr=True)} غير موجود ({isolate('User not found.')})"
    assert without_isolates(sentence) == "الحساب @UAEGov غير موجود (User not found.)"


# --- The template filter -----------------------------------------------------------------------

def test_the_filter_writes_a_bdi_escaping_the_value():
    assert render("{{ v|isolate }}", {"v": "<b>Ministry</b>"}) == "<bdi>&lt;b&gt;Ministry&lt;/b&gt;</bdi>"
    assert render('{{ v|isolate:"ltr" }}', {"v": "@UAEGov"}) == '<bdi dir="ltr">@UAEGov</bdi>'


def test_the_filter_leaves_an_empty_value_to_default():
    assert render('{{ v|isolate|default:"—" }}', {"v": ""}) == "—"
    assert render('{{ v|isolate:"ltr"|default:"—" }}', {"v": None}) == "—"


def test_in_plain_text_the_filter_uses_the_unicode_isolates():
    # Emails are rendered with autoescape off: no markup there, the marks instead.
    text = render('{% autoescape off %}{{ v|isolate:"ltr" }} {{ w|isolate }}{% endautoescape %}',
                  {"v": "@UAEGov", "w": "Ministry & Co"})
    assert text == f"{LRI}@UAEGov{PDI} {FSI}Ministry & Co{PDI}"


def test_an_isolated_value_inside_a_translated_sentence_stays_markup():
    html = render('{% load i18n %}{% blocktranslate with link=v|isolate:"ltr" %}No official account in the '
                  'register is {{ link }}.{% endblocktranslate %}', {"v": "https://x.com/<x>"}, language="en")
    assert html == 'No official account in the register is <bdi dir="ltr">https://x.com/&lt;x&gt;</bdi>.'


@pytest.mark.parametrize(("language", "arrow"), [("ar", "←"), ("en", "→")])
def test_the_arrow_points_the_way_the_page_reads(language, arrow):
    assert render("{% reading_arrow %}", language=language) == arrow


# --- Dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("format_name", "expected"), [
    ("DATE_FORMAT", "16 مارس 2025"),
    ("DATETIME_FORMAT", "16 مارس 2025، 8:02 م"),
    ("SHORT_DATE_FORMAT", "16/03/2025"),
    ("SHORT_DATETIME_FORMAT", "16/03/2025، 8:02 م"),
    ("TIME_FORMAT", "8:02 م"),
    ("MONTH_DAY_FORMAT", "16 مارس"),
    ("YEAR_MONTH_FORMAT", "مارس 2025"),
])
def test_arabic_dates_run_day_month_year(format_name, expected):
    with translation.override("ar"):
        assert date_format(EVENING, format_name) == expected


def test_arabic_months_are_spelt_as_uae_sites_spell_them():
    with translation.override("ar"):
        assert date_format(datetime.date(2025, 4, 1), "DATE_FORMAT") == "1 أبريل 2025"  # not «إبريل»


def test_a_date_is_one_unbreakable_time_element_in_the_local_time():
    # 16:02 UTC is 20:02 in Dubai: the filter converts like Django's own date filter.
    html = render('{{ when|as_time:"DATETIME_FORMAT" }}', {"when": EVENING.astimezone(datetime.UTC)})
    assert html == '<time datetime="2025-03-16T20:02:00+04:00">16 مارس 2025، 8:02 م</time>'
    assert render("{{ day|as_time }}", {"day": datetime.date(2025, 3, 16)}) == (
        '<time datetime="2025-03-16">16 مارس 2025</time>')
    assert render("{{ day|as_time }}", {"day": None}) == ""


def test_the_staff_page_shows_its_dates_in_the_arabic_order(client: Client, make_entity, make_user):
    entity = make_entity()
    editor = make_user(editor_of=entity)
    channel = channel_create(**COMPLETE, actor=editor, entity=entity, link="https://x.com/datedchannel")
    channel_act(actor=editor, channel_id=channel.pk, action="submit")
    Channel.private_objects.filter(pk=channel.pk).update(submitted_at=EVENING)
    login(client, editor)
    with translation.override("ar"):
        url = reverse("staff:channel_detail", args=[channel.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<time datetime="2025-03-16T20:02:00+04:00">16 مارس 2025، 8:02 م</time>' in page
    assert "مارس 16" not in page
    # The workflow history's dates too (the step recorded just now), never in the English order.
    assert re.search(r'<td><time datetime="[^"]+">\d{1,2} \w+ \d{4}، \d{1,2}:\d{2} [صم]</time>\s*</td>', page)


# --- Sentences built in Python --------------------------------------------------------------

def test_an_alert_isolates_the_handle_the_platforms_words_and_the_signed_share(make_channel):
    channel = make_channel("https://x.com/UAEGov")
    gone = Alert(channel=channel, kind=AlertKind.NOT_FOUND, details={"handle": "UAEGov", "detail": "User not found."})
    drop = Alert(channel=channel, kind=AlertKind.FOLLOWER_DROP, details={"previous": 120_000, "now": 80_000})
    with translation.override("en"):
        assert describe(gone) == f"{LRI}UAEGov{PDI} is not found on the platform ({FSI}User not found.{PDI})"
        assert describe(drop) == f"120,000 → 80,000 followers ({LRI}−33%{PDI})"


def strings(value, key=""):
    """Every string in a JSON answer with the key it is under."""
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from strings(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from strings(inner, key)
    elif isinstance(value, str):
        yield key, value


@pytest.mark.parametrize(("query", "sentence_key"), [
    ({"q": "@bad handle!", "platform": "x"}, "detail"),  # the refusal quotes the handle
    ({"q": "https://x.com/UAEGov_official"}, "reason"),  # the look-alike's reason names the real handle
])
def test_the_api_isolates_values_only_in_its_sentences(make_channel, query, sentence_key):
    make_channel("https://x.com/UAEGov")
    body = APIClient().get("/api/v1/verify/", query, HTTP_ACCEPT_LANGUAGE="en").json()
    found = dict((key, value) for key, value in strings(body) if key == sentence_key)
    assert LRI in found[sentence_key] and PDI in found[sentence_key]
    for key, value in strings(body):
        if key not in ("detail", "reason"):
            assert not set(value) & {FSI, LRI, PDI}, (key, value)  # codes, handles, links: as programs read them
