"""The presence report's pages as reviewers read them (overview, cards, CSV, printable page, PDF),
who gets in, and the public summary, which must carry no score and nothing per entity."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Alert, AlertKind, FollowerSnapshot, Status
from accounts.report.standards import RULES_BY_ID
from tests.accounts.staff.test_views import login, page_text

pytestmark = pytest.mark.django_db

PAGES = ["overview", "print", "csv", "pdf", "card"]


def report_url(name: str, lang: str = "en", owner=None) -> str:
    with translation.override(lang):
        if name == "card":
            kind = "official" if hasattr(owner, "title_en") else "entity"
            return reverse("report:card", kwargs={"kind": kind, "slug": owner.slug})
        return reverse(f"report:{name}")


@pytest.fixture
def register(make_entity, make_official, make_channel):
    """Two ministries, an authority, a minister, an inactive entity; channels with follower history.

    Every channel is approved 400 days ago and never certified, so each fails `certified`.
    """
    today = timezone.localdate()
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية",
                       official_domains=["mofa.gov.ae"])
    moi = make_entity(slug="moi", name_en="Ministry of Interior", name_ar="وزارة الداخلية")
    tra = make_entity(slug="tdra", name_en="Telecommunications Authority", name_ar="هيئة الاتصالات",
                      kind="authority")
    gone = make_entity(slug="gone", name_en="Dissolved Council", name_ar="مجلس منحل", is_active=False)
    minister = make_official(slug="minister", entity=mofa, name_en="The Minister", name_ar="الوزير")
    now = timezone.now()
    channels = {
        "mofa_x": make_channel("https://x.com/MOFAUAE", entity=mofa, followers=1_100, followers_at=now,
                               languages=["ar", "en"]),
        "mofa_instagram": make_channel("https://www.instagram.com/mofauae/", entity=mofa, followers=500,
                                       followers_at=now),
        "moi_x": make_channel("https://x.com/moiuae", entity=moi, followers=2_000, followers_at=now),
        "minister_x": make_channel("https://x.com/theminister", entity=mofa, official=minister, followers=300,
                                   followers_at=now),
        "draft": make_channel("https://x.com/notyet", entity=tra, status=Status.SUBMITTED, followers=9_999,
                              followers_at=now),
        "gone_x": make_channel("https://x.com/dissolved", entity=gone, followers=7_777, followers_at=now),
    }
    # 40 days ago MOFA's X had 1,000: +100 over 30 days, and no count 90 or 365 days back.
    FollowerSnapshot.objects.create(channel=channels["mofa_x"], date=today - timedelta(days=40), followers=1_000)
    return {"mofa": mofa, "moi": moi, "tra": tra, "gone": gone, "minister": minister, "channels": channels}


@pytest.fixture
def reviewer(make_user):
    return make_user(reviewer=True)


@pytest.fixture
def reviewer_client(reviewer):
    return login(Client(), reviewer, second_factor=True)


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Who gets in -----------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, register, page):
    response = client.get(report_url(page, owner=register["mofa"]))
    assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES)
def test_editors_and_plain_users_are_refused_with_403(client, register, make_user, page):
    for user in (make_user(editor_of=register["mofa"]), make_user()):
        login(client, user, second_factor=True)
        response = client.get(report_url(page, owner=register["mofa"]))
        assert response.status_code == 403
        assert "Only GCO reviewers can do this." in page_text(response)
        assert "Ministry of Foreign Affairs" not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_reviewer_without_the_second_factor_is_sent_to_enter_the_code(client, register, reviewer, page):
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    login(client, reviewer)  # password only
    url = report_url(page, owner=register["mofa"])
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("two_factor_verify"))
    assert "next=" + url.replace("/", "%2F") in response.headers["Location"]


def test_a_reviewer_with_no_authenticator_yet_is_sent_to_set_one_up(client, register, reviewer):
    login(client, reviewer)
    response = client.get(report_url("overview"))
    assert response.status_code == 302 and response.headers["Location"].startswith(reverse("two_factor_setup"))


def test_the_report_answers_405_to_a_post_and_is_never_cached(reviewer_client, register):
    assert reviewer_client.post(report_url("overview")).status_code == 405
    response = reviewer_client.get(report_url("overview"))
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


# --- The overview --------------------------------------------------------------------------------

def test_the_overview_ranks_every_active_owner_with_a_link_to_its_card(reviewer_client, register):
    response = reviewer_client.get(report_url("overview"))
    assert response.status_code == 200
    content = response.content.decode()
    ranked = re.findall(r'<tr data-owner="([a-z]+):([-a-z0-9]+)">', content)
    assert sorted(ranked) == sorted([("entity", "mofa"), ("entity", "moi"), ("entity", "tdra"),
                                     ("official", "minister")])
    for kind, slug in ranked:
        assert f'href="/en/review/report/{kind}/{slug}/"' in content
    assert "Dissolved Council" not in content  # an inactive entity is not in the report
    scores = [int(score) for score in re.findall(r'data-score="(\d+)"', content)]
    # Best first; an owner with no channel (nothing to fail) comes after those that have some.
    assert ranked[-1] == ("entity", "tdra")
    assert scores[:-1] == sorted(scores[:-1], reverse=True)


def test_the_overview_totals_and_growth_count_official_channels_of_active_owners(reviewer_client, register):
    content = reviewer_client.get(report_url("overview")).content.decode()
    assert re.search(r'data-total="channels">4<', content)
    assert re.search(r'data-total="owners">4<', content)
    assert re.search(r'data-total="followers">3,900<', content)  # not the submitted nor the inactive one's
    growth = re.search(r'<tr data-days="30">.*?</tr>', content, re.S).group(0)
    assert "+100 (+2.6%)" in " ".join(re.sub(r"<[^>]+>", " ", growth).split())  # 3,800 → 3,900


def test_the_overview_shows_each_platform_and_each_kind_of_entity(reviewer_client, register):
    content = reviewer_client.get(report_url("overview")).content.decode()
    platforms = re.search(r'data-figures="platforms">.*?</table>', content, re.S).group(0)
    x_row = re.search(r'<tr data-group="x">.*?</tr>', platforms, re.S).group(0)
    assert ">3<" in x_row and "3,400" in x_row and "+100 (+3.0%)" in x_row
    kinds = re.search(r'data-figures="kinds">.*?</table>', content, re.S).group(0)
    assert re.findall(r'data-group="([a-z]+)"', kinds) == ["ministry", "authority", "official"]
    assert 'data-chart="platform-chart"' in content and "<svg" in content


def test_the_charts_are_drawn_on_the_server_without_any_other_host(reviewer_client, register):
    content = reviewer_client.get(report_url("overview")).content.decode()
    assert content.count("<svg") >= 3
    assert "<script" not in content
    # Addresses of the site itself (the canonical link and its alternates) are absolute; nothing else.
    assert not re.search(r'(?:src|href)="(?:https?:)?//(?!testserver/)', content)


# --- The owner's card ----------------------------------------------------------------------------

def test_the_card_shows_each_failing_check_with_its_advice(reviewer_client, register):
    certified = RULES_BY_ID["certified"]
    response = reviewer_client.get(report_url("card", owner=register["mofa"]))
    assert response.status_code == 200
    content = response.content.decode()
    channel = register["channels"]["mofa_x"]
    article = re.search(rf'<article class="channel-score" data-channel="{channel.pk}">.*?</article>', content,
                        re.S).group(0)
    assert 'data-rule="certified"' in article
    text = page_text(response)
    assert certified.title_en in text and certified.advice_en in text
    # The minister's channel is on the minister's card, not the ministry's.
    assert register["channels"]["minister_x"].handle not in content


def test_the_card_is_in_arabic_on_the_arabic_page(reviewer_client, register):
    certified = RULES_BY_ID["certified"]
    response = reviewer_client.get(report_url("card", "ar", owner=register["mofa"]))
    text = page_text(response)
    assert certified.advice_ar in text and certified.title_ar in text and "وزارة الخارجية" in text


def test_an_open_alert_costs_the_card_its_weight(reviewer_client, register):
    def score() -> int:
        content = reviewer_client.get(report_url("card", owner=register["moi"])).content.decode()
        return int(re.search(r'data-figure="score"><span dir="ltr">(\d+)', content).group(1))

    before = score()
    Alert.objects.create(channel=register["channels"]["moi_x"], kind=AlertKind.RENAMED, details={})
    assert score() == before - RULES_BY_ID["no_alert"].weight


def test_the_card_shows_the_monthly_trend_as_a_chart_and_a_table(reviewer_client, register):
    from accounts.report.scores import record_scores

    record_scores()
    content = reviewer_client.get(report_url("card", owner=register["mofa"])).content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    assert f'data-month="{month}"' in content and '<polyline class="line"' in content


def test_an_official_has_a_card_of_their_own(reviewer_client, register):
    response = reviewer_client.get(report_url("card", owner=register["minister"]))
    assert response.status_code == 200
    assert register["channels"]["minister_x"].handle in response.content.decode()


@pytest.mark.parametrize("path", ["entity/nobody/", "entity/gone/", "official/mofa/", "ministry/mofa/"])
def test_there_is_no_card_for_an_unknown_inactive_or_mistyped_owner(reviewer_client, register, path):
    assert reviewer_client.get(f"/en/review/report/{path}").status_code == 404


# --- The CSV -----------------------------------------------------------------------------------------

def test_the_csv_has_a_row_per_owner_and_per_channel_with_a_bom(reviewer_client, register):
    response = reviewer_client.get(report_url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="presence-report-')
    assert response.content.startswith("\ufeff".encode())
    table = rows(response)
    assert list(table[0]) == ["row", "kind", "slug", "channel_id", "name_en", "name_ar", "platform", "handle",
                              "status", "score", "failing", "channels", "followers", "growth_30", "growth_90",
                              "growth_365"]
    owners = [(row["kind"], row["slug"]) for row in table if row["row"] == "owner"]
    assert sorted(owners) == [("entity", "mofa"), ("entity", "moi"), ("entity", "tdra"), ("official", "minister")]
    channels = {int(row["channel_id"]): row for row in table if row["row"] == "channel"}
    assessed = ["mofa_x", "mofa_instagram", "moi_x", "minister_x"]
    assert set(channels) == {register["channels"][name].pk for name in assessed}
    mofa_x = channels[register["channels"]["mofa_x"].pk]
    assert (mofa_x["slug"], mofa_x["platform"], mofa_x["handle"], mofa_x["followers"]) == (
        "mofa", "x", "MOFAUAE", "1100")
    # First counted 40 days ago (1,000): its growth over 90 and 365 days counts from there.
    assert (mofa_x["growth_30"], mofa_x["growth_90"], mofa_x["growth_365"]) == ("100", "100", "100")
    assert "certified" in mofa_x["failing"].split()
    mofa = next(row for row in table if row["row"] == "owner" and row["slug"] == "mofa")
    assert (mofa["name_ar"], mofa["channels"], mofa["followers"]) == ("وزارة الخارجية", "2", "1600")
    assert mofa["failing"].split().count("certified") == 2  # once per channel that fails it


def test_a_name_that_reads_as_a_formula_is_kept_as_text(reviewer_client, make_entity):
    make_entity(slug="formula", name_en="=HYPERLINK(\"https://evil.example\")", name_ar="+جهة")
    row = next(row for row in rows(reviewer_client.get(report_url("csv"))) if row["slug"] == "formula")
    assert row["name_en"].startswith("'=") and row["name_ar"].startswith("'+")


# --- Arabic, the printable page, the PDF ----------------------------------------------------------

@pytest.mark.parametrize("page", ["overview", "print", "card"])
def test_the_arabic_pages_are_right_to_left(reviewer_client, register, page):
    content = reviewer_client.get(report_url(page, "ar", owner=register["mofa"])).content.decode()
    assert '<html lang="ar" dir="rtl">' in content
    english = reviewer_client.get(report_url(page, "en", owner=register["mofa"])).content.decode()
    assert '<html lang="en" dir="ltr">' in english


def test_the_printable_page_has_every_card_and_the_print_stylesheet(reviewer_client, register):
    content = reviewer_client.get(report_url("print", "ar")).content.decode()
    assert "css/print.css" in content
    cards = re.findall(r'<article class="owner-card" id="owner-([a-z]+)-([-a-z0-9]+)"', content)
    assert sorted(cards) == [("entity", "mofa"), ("entity", "moi"), ("entity", "tdra"), ("official", "minister")]
    assert RULES_BY_ID["certified"].advice_ar in page_text_of(content)


def page_text_of(content: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def pdf_streams(pdf: bytes) -> bytes:
    """The PDF's streams inflated (fonts, their names and character maps live in compressed streams)."""
    import zlib

    inflated = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            inflated.append(stream)
    return pdf + b"".join(inflated)


def test_the_pdf_is_the_printable_report_with_the_arabic_font(reviewer_client, register):
    response = reviewer_client.get(report_url("pdf", "ar"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    content = pdf_streams(response.content)
    # The site's Arabic font is embedded (named after static/css/pdf-fonts.css's family), and the
    # character maps hold Arabic letters (U+0600–06FF): the text was laid out with it.
    assert b"Registry-PDF-Arabic" in content
    assert re.search(rb"<06[0-9A-Fa-f]{2}>", content)


def test_without_weasyprint_the_pdf_link_gives_the_printable_page_to_print(reviewer_client, register, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as when it, or the system's Pango, is missing
    response = reviewer_client.get(report_url("pdf"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "This server cannot make the PDF." in page_text(response)
    assert 'class="owner-card"' in response.content.decode()


def test_the_pdf_reads_nothing_but_this_sites_static_files():
    from accounts.report.pdf import static_fetcher

    fetcher = static_fetcher()
    assert fetcher.fetch("http://testserver/static/css/print.css").read().startswith(b"/*")
    for url in ("https://fonts.example/font.woff2", "http://testserver/static/../registry/settings.py",
                "file:///etc/passwd", "http://testserver/static/css/nothing.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# --- Queries do not grow with the register -----------------------------------------------------------

def add_owners(count: int, make_entity, make_official, make_channel) -> None:
    today = timezone.localdate()
    for _ in range(count):
        entity = make_entity()
        official = make_official(entity=entity)
        for owner_fields in ({"entity": entity}, {"entity": entity, "official": official}):
            channel = make_channel(followers=100, followers_at=timezone.now(), **owner_fields)
            FollowerSnapshot.objects.create(channel=channel, date=today - timedelta(days=31), followers=90)
        Alert.objects.create(channel=channel, kind=AlertKind.RENAMED, details={})


@pytest.mark.parametrize("page", ["overview", "print", "csv", "card"])
def test_queries_do_not_grow_with_the_number_of_owners(reviewer_client, make_entity, make_official, make_channel,
                                                       page):
    from accounts.report.scores import record_scores

    add_owners(5, make_entity, make_official, make_channel)
    record_scores()
    first = make_entity(slug="first-owner")
    url = report_url(page, owner=first)
    reviewer_client.get(url)  # the session and the content types are read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get(url).status_code == 200
        return len(captured)

    few = queries()
    add_owners(45, make_entity, make_official, make_channel)
    record_scores()
    reviewer_client.get(url)  # as above: what every page shows is read once per register version
    assert queries() == few


def test_the_public_summary_costs_the_same_queries_whatever_the_register(client, make_entity, make_official,
                                                                        make_channel):
    add_owners(5, make_entity, make_official, make_channel)
    client.get("/en/presence/")

    def queries() -> int:
        cache.clear()  # what drawing the page costs, not reading it from the cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/presence/").status_code == 200
        return len(captured)

    few = queries()
    add_owners(45, make_entity, make_official, make_channel)
    assert queries() == few


# --- The public summary -------------------------------------------------------------------------------

def test_the_public_summary_has_totals_and_platforms_but_no_score_and_no_entity(client, register):
    from accounts.selectors import register_totals

    response = client.get("/en/presence/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    content = response.content.decode()
    totals = register_totals()  # the same figures as the home page's
    assert re.search(rf'data-total="channels">{totals.channels}<', content)
    assert re.search(rf'data-total="followers">{totals.followers:,}<', content)
    assert re.search(r'<tr data-group="x">', content) and re.search(r'<tr data-group="instagram">', content)
    growth = re.search(r'<tr data-days="30">.*?</tr>', content, re.S).group(0)
    assert "+100 (" in page_text_of(growth)
    text = page_text(response)
    assert "score" not in text.lower() and "data-score" not in content
    for name in ("Ministry of Foreign Affairs", "Ministry of Interior", "The Minister", "MOFAUAE", "certified",
                 "notyet"):
        assert name not in content
    assert "/review/" not in content


def test_the_public_summary_is_in_arabic_right_to_left(client, register):
    content = client.get("/ar/presence/").content.decode()
    assert '<html lang="ar" dir="rtl">' in content
    assert "وزارة الخارجية" not in content


def test_the_public_summary_answers_only_safe_methods(client, register):
    assert client.post("/en/presence/").status_code == 405


# --- Not rated, staff reports, new channels (issue 16, item 11) ------------------------------------

def not_rated_text(lang: str) -> str:
    with translation.override(lang):
        return str(translation.gettext("Not rated: no channels registered"))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_owner_with_no_channel_is_not_rated_nor_ranked_in_the_overview(reviewer_client, register, lang):
    content = reviewer_client.get(report_url("overview", lang)).content.decode()
    row = re.search(r'<tr data-owner="entity:tdra">.*?</tr>', content, re.S).group(0)
    assert not_rated_text(lang) in page_text_of(row)
    assert 'data-score=""' in row and ">100<" not in row
    assert re.search(r'<td class="number">—</td>', row)  # no rank
    # Last, and the average leaves it out: the three rated owners' scores only.
    ranked = re.findall(r'<tr data-owner="([a-z]+:[-a-z0-9]+)">', content)
    assert ranked[-1] == "entity:tdra"
    scores = [int(score) for score in re.findall(r'data-score="(\d+)"', content)]
    average = int(re.search(r'data-total="average-score">(\d+)<', content).group(1))
    assert len(scores) == 3 and average == round(sum(scores) / 3)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_card_of_an_owner_with_no_channel_says_not_rated(reviewer_client, register, lang):
    response = reviewer_client.get(report_url("card", lang, owner=register["tra"]))
    content = response.content.decode()
    assert not_rated_text(lang) in page_text(response)
    assert 'data-figure="rank"' not in content and "/ 100" not in content


def test_the_csv_and_the_api_leave_the_score_of_an_owner_with_no_channel_empty(reviewer_client, register):
    tdra = next(row for row in rows(reviewer_client.get(report_url("csv"))) if row["slug"] == "tdra")
    assert tdra["score"] == ""
    body = reviewer_client.get("/api/v1/report/").json()
    entity = next(item for item in body["entities"] if item["slug"] == "tdra")
    assert (entity["score"], entity["rated"], entity["not_rated_reason"]) == (None, False, "no_channels")
    assert body["entities"][-1]["slug"] == "tdra"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_trend_of_a_month_not_rated_says_so(reviewer_client, register, lang):
    from accounts.report.scores import record_scores

    record_scores()
    content = reviewer_client.get(report_url("card", lang, owner=register["tra"])).content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    row = re.search(rf'<tr data-month="{month}">.*?</tr>', content, re.S).group(0)
    assert not_rated_text(lang) in page_text_of(row)
    assert '<polyline class="line"' not in content  # no dot to draw


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_linkedin_channel_is_told_to_report_its_followers_not_to_give_api_access(
        reviewer_client, register, make_channel, lang):
    linkedin = make_channel("https://www.linkedin.com/company/moiuae", entity=register["moi"], followers=50,
                            followers_at=timezone.now() - timedelta(days=60), refresh_status="reported")
    content = reviewer_client.get(report_url("card", lang, owner=register["moi"])).content.decode()
    article = re.search(rf'<article class="channel-score" data-channel="{linkedin.pk}">.*?</article>', content,
                        re.S).group(0)
    measured = re.search(r'<li data-rule="measured">.*?</li>', article, re.S).group(0)
    with translation.override(lang):
        expected = str(RULES_BY_ID["measured"].channel_advice(linkedin))
    assert expected in page_text_of(measured)
    assert "API" not in page_text_of(measured)


def test_a_recent_staff_report_counts_as_measured(reviewer_client, register, make_channel):
    linkedin = make_channel("https://www.linkedin.com/company/moiuae", entity=register["moi"], followers=50,
                            followers_at=timezone.now() - timedelta(days=10), refresh_status="reported")
    content = reviewer_client.get(report_url("card", owner=register["moi"])).content.decode()
    article = re.search(rf'<article class="channel-score" data-channel="{linkedin.pk}">.*?</article>', content,
                        re.S).group(0)
    assert 'data-rule="measured"' not in article


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_channel_approved_today_is_new_not_failing_followers_measured(reviewer_client, register, make_channel,
                                                                        lang):
    fresh = make_channel("https://www.instagram.com/moiuae/", entity=register["moi"], followers=None,
                         followers_at=None, refresh_status="pending", approved_at=timezone.now())
    content = reviewer_client.get(report_url("card", lang, owner=register["moi"])).content.decode()
    article = re.search(rf'<article class="channel-score" data-channel="{fresh.pk}">.*?</article>', content,
                        re.S).group(0)
    assert 'data-failing="channel"' not in article or 'data-rule="measured"' not in re.search(
        r'data-failing="channel">.*?</ul>', article, re.S).group(0)
    new = re.search(r'<ul class="checks" data-new="channel">.*?</ul>', article, re.S).group(0)
    with translation.override(lang):
        assert str(translation.gettext("new: not yet measured")) in page_text_of(new)


# --- Fair scores (issue 17) -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_card_says_what_each_channels_failing_check_costs_the_owner(reviewer_client, register, lang):
    content = reviewer_client.get(report_url("card", lang, owner=register["mofa"])).content.decode()
    channel = register["channels"]["mofa_x"]
    article = re.search(rf'<article class="channel-score" data-channel="{channel.pk}">.*?</article>', content,
                        re.S).group(0)
    certified = re.search(r'<li data-rule="certified">.*?</li>', article, re.S).group(0)
    # MOFA has two channels: a check one of them fails costs the ministry half its weight.
    half = RULES_BY_ID["certified"].weight / 2
    assert f'data-owner-cost="{half:g}"' in certified
    with translation.override(lang):
        points = str(half).replace(".", translation.gettext("."))
        expected = translation.gettext("(%(points)s off the owner's score)") % {"points": "X"}
    before, after = expected.split("X")
    text = page_text_of(certified)
    assert before.strip() in text and after.strip() in text and points[:1] in text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_month_scored_by_the_earlier_formula_is_marked_not_rewritten(reviewer_client, register, lang):
    from accounts.models import ScoreFormula, ScoreRecord
    from accounts.report.scores import record_scores

    month = timezone.localdate().replace(day=1)
    earlier = (month - timedelta(days=1)).replace(day=1)
    ScoreRecord.objects.create(month=earlier, entity=register["mofa"], score=42, formula=ScoreFormula.SUM)
    record_scores()
    content = reviewer_client.get(report_url("card", lang, owner=register["mofa"])).content.decode()
    old = re.search(rf'<tr data-month="{earlier:%Y-%m}">.*?</tr>', content, re.S).group(0)
    new = re.search(rf'<tr data-month="{month:%Y-%m}">.*?</tr>', content, re.S).group(0)
    with translation.override(lang):
        marker = str(translation.gettext("(earlier formula)"))
    assert ">42" in old and marker in page_text_of(old) and 'data-formula="2025 sum"' in old
    assert marker not in page_text_of(new) and 'data-formula="2026-12 mean"' in new
    assert "data-earlier-formula" in content


# --- Activity: posts, active channels, dormant channels (issue 17) ------------------------------------

@pytest.fixture
def activity(register):
    """MOFA's X posted 30 times in 30 days (and 300 in 365); the ministry of interior's X last posted
    120 days ago (dormant); MOFA's Instagram and the minister's X cannot tell (no count, no last post)."""
    from accounts.models import SnapshotSource

    today, now = timezone.localdate(), timezone.now()
    channels = register["channels"]
    for ago, posts in ((0, 500), (30, 470), (365, 200)):
        FollowerSnapshot.objects.update_or_create(channel=channels["mofa_x"], date=today - timedelta(days=ago),
                                                  defaults={"followers": 1_100, "posts": posts})
    for ago in (0, 30, 365):
        FollowerSnapshot.objects.create(channel=channels["moi_x"], date=today - timedelta(days=ago), followers=2_000,
                                        posts=80)
    moi_x = channels["moi_x"]
    moi_x.last_post_at, moi_x.last_post_source = now - timedelta(days=120), SnapshotSource.API
    moi_x.save(update_fields=["last_post_at", "last_post_source"])
    return register


def section(content: str, heading_id: str) -> str:
    return re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', content, re.S).group(0)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_overview_shows_posts_the_share_of_active_channels_and_the_dormant_ones(reviewer_client, activity, lang):
    content = reviewer_client.get(report_url("overview", lang)).content.decode()
    part = section(content, "activity-heading")
    # 30 posts from MOFA's X; the interior's X counted too (0); 1 active of the 2 whose activity is known.
    assert re.search(r'data-activity="all".*?data-figure="posts-30d">30<', part, re.S)
    assert re.search(r'data-figure="active-share"><span dir="ltr">50%</span>', part)
    assert re.search(r'data-figure="dormant">1<', part)
    x_row = re.search(r'<tr data-group="x">.*?</tr>', part.split('data-figures="activity"')[1], re.S).group(0)
    assert 'data-figure="posts-30d">30<' in x_row and "50%" in x_row
    instagram = re.search(r'<tr data-group="instagram">.*?</tr>', part.split('data-figures="activity"')[1],
                          re.S).group(0)
    assert 'data-figure="posts-30d">—<' in instagram  # its platform's count is unknown: not 0
    assert 'data-chart="activity-chart"' in part and "<svg" in part
    dormant = re.search(r'<tr data-dormant="(\d+)">.*?</tr>', part, re.S)
    moi_x = activity["channels"]["moi_x"]
    assert dormant.group(1) == str(moi_x.pk)
    with translation.override(lang):
        assert f'href="{reverse("review:channel", args=[moi_x.pk])}"' in dormant.group(0)
        assert f'href="{reverse("report:card", args=["entity", "moi"])}"' in dormant.group(0)
    assert "moiuae" in dormant.group(0)
    ranking = re.search(r'<tr data-owner="entity:mofa">.*?</tr>', content, re.S).group(0)
    assert 'data-posts="30"' in ranking


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_card_shows_its_activity_and_its_dormant_channels(reviewer_client, activity, lang):
    moi = reviewer_client.get(report_url("card", lang, owner=activity["moi"])).content.decode()
    assert re.search(r'data-activity="owner".*?data-figure="posts-30d">0<.*?data-figure="active-share">'
                     r'<span dir="ltr">0%</span>', moi, re.S)
    assert f'data-dormant="{activity["channels"]["moi_x"].pk}"' in moi
    mofa = reviewer_client.get(report_url("card", lang, owner=activity["mofa"])).content.decode()
    assert re.search(r'data-activity="owner".*?data-figure="posts-30d">30<', mofa, re.S)
    assert 'data-dormant="none"' in mofa
    line = re.search(rf'<article class="channel-score" data-channel="{activity["channels"]["mofa_x"].pk}">.*?'
                     r'</article>', mofa, re.S).group(0)
    assert 'data-figure="posts-30d">30<' in line


def test_the_dormant_channel_fails_active_and_the_check_is_listed(reviewer_client, activity):
    content = reviewer_client.get(report_url("card", owner=activity["moi"])).content.decode()
    assert re.search(r'data-failing="channel">.*?data-rule="active"', content, re.S)
    overview = reviewer_client.get(report_url("overview")).content.decode()
    assert '<tr data-rule="active">' in overview and "Active: posted within the last 30 days" in overview


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_printable_report_shows_the_same_activity(reviewer_client, activity, lang):
    content = reviewer_client.get(report_url("print", lang)).content.decode()
    assert re.search(r'data-activity="all".*?data-figure="posts-30d">30<', content, re.S)
    assert f'data-dormant="{activity["channels"]["moi_x"].pk}"' in content
    assert content.count('data-activity="owner"') == 4  # every card


def test_the_arabic_activity_chart_grows_from_the_right(reviewer_client, activity):
    content = reviewer_client.get(report_url("overview", "ar")).content.decode()
    chart = re.search(r'data-chart="activity-chart".*?</table>', content, re.S).group(0)
    bars = re.findall(r'<rect class="bar" fill="#00843D" x="([\d.]+)" y="0" width="([\d.]+)"', chart)
    assert bars and all(float(x) + float(width) == pytest.approx(100) for x, width in bars)


def test_the_overview_reads_activity_in_the_same_queries_whatever_the_register(reviewer_client, make_entity,
                                                                               make_channel):
    from accounts.models import SnapshotSource

    today, now = timezone.localdate(), timezone.now()

    def add(count: int) -> None:
        for _ in range(count):
            entity = make_entity()
            posting = make_channel(entity=entity)
            FollowerSnapshot.objects.bulk_create(FollowerSnapshot(channel=posting, date=today - timedelta(days=ago),
                                                                  followers=10, posts=100 - ago) for ago in (0, 30))
            make_channel(entity=entity, description="Second", last_post_at=now - timedelta(days=200),
                         last_post_source=SnapshotSource.REPORTED)

    add(3)
    url = report_url("overview")
    reviewer_client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            content = reviewer_client.get(url).content.decode()
        return len(captured), content

    few, content = queries()
    assert content.count("<tr data-dormant=") == 3
    add(20)
    reviewer_client.get(url)
    many, content = queries()
    assert many == few
    assert re.search(r'data-activity="all".*?data-figure="posts-30d">690<', content, re.S)  # 23 × 30


def test_the_pdfs_carry_the_activity(reviewer_client, activity):
    pytest.importorskip("weasyprint")
    from accounts.report.figures import overview
    from accounts.report.pdf import full_context, summary_context

    report = overview(trends=True)
    for lang in ("en", "ar"):
        with translation.override(lang):
            from django.template.loader import render_to_string

            summary = render_to_string("report/pdf_summary.html", summary_context(report))
            full = render_to_string("report/print.html", full_context(report))
        assert 'data-total="posts-30d">30<' in summary and 'data-total="dormant">1<' in summary
        assert re.search(r'data-activity="all".*?data-figure="posts-30d">30<', full, re.S)
        assert ('dir="rtl"' in summary) == (lang == "ar")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_public_summary_shows_posts_per_platform_and_how_many_channels_are_counted(client, activity, lang):
    content = client.get(f"/{lang}/presence/").content.decode()
    part = section(content, "posts-heading")
    # Approved public channels: MOFA's X and Instagram, the interior's X, the minister's X, the
    # dissolved council's X (5, as the growth counts them); counted over 30 and 365 days: the two X
    # channels with post counts.
    assert 'data-posts-counted="2/5"' in part
    x_row = re.search(r'<tr data-group="x">.*?</tr>', part, re.S).group(0)
    assert re.search(r'data-posts="30">30<.*?data-posts="365">300<', x_row, re.S)
    instagram = re.search(r'<tr data-group="instagram">.*?</tr>', part, re.S).group(0)
    assert 'data-posts="30">—<' in instagram
    assert 'data-chart="posts-chart"' in part
    assert "/review/" not in content and "moiuae" not in content  # nothing per channel on the public page
