"""Follower counts reported by entity staff for the platforms the registry cannot read itself:
the service's rules (who, which channels, which numbers and days), the upsert of the day's
snapshot, and the staff page's form and its "reported by staff" / "measured" labels."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts import platforms
from accounts.models import Alert, AlertKind, Channel, FollowerSnapshot, RefreshStatus, Status
from accounts.platforms import Platform, link_examples
from accounts.services import MAX_REPORTED_FOLLOWERS, LargeFollowerChange, report_followers
from registry.errors import RegistryError
from tests.accounts.staff.test_views import login, page_text, staff_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def platforms_configured(settings):
    """Every platform with an adapter has its credentials here, as in production once set up."""
    settings.X_BEARER_TOKEN = settings.YOUTUBE_API_KEY = settings.TELEGRAM_BOT_TOKEN = "token"
    settings.META_ACCESS_TOKEN, settings.META_INSTAGRAM_USER_ID = "token", "17841400000000000"

SNAPCHAT = "https://www.snapchat.com/add/uaegovsnap"


def today():
    return timezone.localdate()


@pytest.fixture
def people(make_entity, make_user):
    entity, other_entity = make_entity(), make_entity()
    return {
        "entity": entity,
        "editor": make_user(editor_of=entity),
        "other_editor": make_user(editor_of=other_entity),
        "reviewer": make_user(reviewer=True),
        "plain": make_user(),
    }


@pytest.fixture
def snap(people, make_channel):
    """An official Snapchat channel of the people's entity: Snapchat has no follower API."""
    assert Platform.SNAPCHAT not in platforms.ADAPTERS, "Snapchat now has an adapter: pick another platform here"
    return make_channel(SNAPCHAT, entity=people["entity"])


def recorded(channel: Channel) -> tuple:
    """Everything a report may change: the channel's latest count and its snapshots."""
    channel = Channel.private_objects.get(pk=channel.pk)
    snapshots = tuple(channel.snapshots.order_by("date").values_list("date", "followers", "source"))
    return channel.followers, channel.followers_at, channel.refresh_status, snapshots


# --- The service ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_an_editor_or_a_reviewer_reports_todays_count(people, snap, who):
    before = timezone.now()
    snapshot = report_followers(two_factor=True, user=people[who], channel_id=snap.pk, followers=48_250, on=today())

    assert (snapshot.channel_id, snapshot.date, snapshot.followers, snapshot.source) == (
        snap.pk, today(), 48_250, FollowerSnapshot.Source.REPORTED)
    followers, followers_at, refresh_status, snapshots = recorded(snap)
    assert (followers, refresh_status) == (48_250, RefreshStatus.REPORTED)
    assert before <= followers_at <= timezone.now()
    assert snapshots == ((today(), 48_250, "reported"),)


def test_a_second_report_the_same_day_replaces_the_first(people, snap):
    report_followers(user=people["editor"], channel_id=snap.pk, followers=1_000, on=today())
    report_followers(two_factor=True, user=people["reviewer"], channel_id=snap.pk, followers=1_200, on=today())
    assert recorded(snap)[3] == ((today(), 1_200, "reported"),)
    assert recorded(snap)[0] == 1_200


def test_a_count_for_an_earlier_day_is_history_and_leaves_the_latest_count(people, snap):
    report_followers(user=people["editor"], channel_id=snap.pk, followers=5_000, on=today())
    latest = recorded(snap)[:3]
    earlier = today() - timedelta(days=10)

    report_followers(user=people["editor"], channel_id=snap.pk, followers=4_000, on=earlier)

    assert recorded(snap)[:3] == latest
    assert recorded(snap)[3] == ((earlier, 4_000, "reported"), (today(), 5_000, "reported"))


def test_the_first_count_for_an_earlier_day_becomes_the_latest_as_of_that_day(people, snap):
    day = today() - timedelta(days=3)
    report_followers(user=people["editor"], channel_id=snap.pk, followers=700, on=day)
    followers, followers_at, refresh_status, _ = recorded(snap)
    assert (followers, refresh_status) == (700, RefreshStatus.REPORTED)
    assert timezone.localtime(followers_at).date() == day


def test_a_compromised_channel_takes_reports(people, make_channel):
    channel = make_channel("https://www.tiktok.com/@takenovergov", entity=people["entity"], status=Status.COMPROMISED)
    if Platform.TIKTOK in platforms.ADAPTERS:
        pytest.skip("TikTok now has an adapter")
    report_followers(user=people["editor"], channel_id=channel.pk, followers=10, on=today())
    assert recorded(channel)[0] == 10


@pytest.mark.parametrize("who", ["other_editor", "plain", "anonymous"])
def test_only_the_entitys_editors_and_reviewers_may_report(people, snap, who):
    user = AnonymousUser() if who == "anonymous" else people[who]
    before = recorded(snap)
    with pytest.raises(RegistryError) as refused:
        report_followers(two_factor=True, user=user, channel_id=snap.pk, followers=10, on=today())
    assert (refused.value.code, refused.value.http_status) == ("forbidden", 403)
    assert recorded(snap) == before


def test_a_reviewer_whose_login_lacks_the_second_factor_reports_nothing(people, snap):
    before = recorded(snap)
    with pytest.raises(RegistryError) as refused:
        report_followers(user=people["reviewer"], channel_id=snap.pk, followers=10, on=today())
    assert (refused.value.code, refused.value.http_status) == ("second_factor_required", 403)
    assert recorded(snap) == before


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED,
                                    Status.RETIRED])
def test_only_official_and_compromised_channels_take_reports(people, make_channel, status):
    channel = make_channel(SNAPCHAT, entity=people["entity"], status=status)
    before = recorded(channel)
    with pytest.raises(RegistryError) as refused:
        report_followers(user=people["editor"], channel_id=channel.pk, followers=10, on=today())
    assert (refused.value.code, refused.value.http_status) == ("channel_not_official", 409)
    assert recorded(channel) == before


@pytest.mark.parametrize("platform", list(Platform))
def test_platforms_the_registry_measures_refuse_reports_and_the_others_take_them(people, make_channel, platform):
    channel = make_channel(link_examples()[platform][0], entity=people["entity"])
    before = recorded(channel)
    measured = platform in platforms.ADAPTERS  # all configured here (the fixture above)
    if measured:
        with pytest.raises(RegistryError) as refused:
            report_followers(user=people["editor"], channel_id=channel.pk, followers=10, on=today())
        assert (refused.value.code, refused.value.http_status) == ("measured_platform", 409)
        assert recorded(channel) == before
    else:
        report_followers(user=people["editor"], channel_id=channel.pk, followers=10, on=today())
        assert recorded(channel)[0] == 10


def test_a_platform_without_its_credentials_takes_reported_counts(people, make_channel, settings):
    settings.META_ACCESS_TOKEN = ""  # Meta's app review still pending
    channel = make_channel("https://www.facebook.com/uaegov", entity=people["entity"])
    report_followers(user=people["editor"], channel_id=channel.pk, followers=4_200, on=today())
    assert recorded(channel)[0] == 4_200
    # The refresh then finds Facebook not configured, and leaves the reported count and status be.
    from accounts.monitoring.refresh import refresh_batch

    refresh_batch([channel.pk])
    channel = Channel.private_objects.get(pk=channel.pk)
    assert (channel.followers, channel.refresh_status) == (4_200, RefreshStatus.REPORTED)


def test_x_is_measured(people, make_channel):
    channel = make_channel("https://x.com/measuredgov", entity=people["entity"])
    with pytest.raises(RegistryError) as refused:
        report_followers(two_factor=True, user=people["reviewer"], channel_id=channel.pk, followers=10, on=today())
    assert refused.value.code == "measured_platform"
    assert not channel.snapshots.exists()


@pytest.mark.parametrize(("followers", "days_ago", "code", "field"), [
    (-1, 0, "invalid_followers", "followers"),
    (MAX_REPORTED_FOLLOWERS + 1, 0, "invalid_followers", "followers"),
    (12.5, 0, "invalid_followers", "followers"),
    ("1200", 0, "invalid_followers", "followers"),
    (True, 0, "invalid_followers", "followers"),
    (None, 0, "invalid_followers", "followers"),
    (100, -1, "date_in_future", "on"),
    (100, 32, "date_too_old", "on"),
])
def test_bad_numbers_and_days_are_refused_with_their_field(people, snap, followers, days_ago, code, field):
    report_followers(user=people["editor"], channel_id=snap.pk, followers=50, on=today() - timedelta(days=5))
    before = recorded(snap)
    with pytest.raises(RegistryError) as refused:
        report_followers(user=people["editor"], channel_id=snap.pk, followers=followers,
                         on=today() - timedelta(days=days_ago))
    assert (refused.value.code, refused.value.field, refused.value.http_status) == (code, field, 400)
    assert recorded(snap) == before


def test_a_datetime_is_not_a_day(people, snap):
    with pytest.raises(RegistryError) as refused:
        report_followers(user=people["editor"], channel_id=snap.pk, followers=5, on=timezone.now())
    assert refused.value.code == "invalid_date"
    assert recorded(snap)[3] == ()


@pytest.mark.parametrize("followers", [0, MAX_REPORTED_FOLLOWERS])
def test_the_bounds_and_the_oldest_day_are_taken(people, snap, followers):
    oldest = today() - timedelta(days=31)
    report_followers(user=people["editor"], channel_id=snap.pk, followers=followers, on=oldest)
    assert recorded(snap)[3] == ((oldest, followers, "reported"),)


def test_a_channel_that_does_not_exist_is_not_found(people):
    with pytest.raises(RegistryError) as refused:
        report_followers(two_factor=True, user=people["reviewer"], channel_id=999999, followers=5, on=today())
    assert (refused.value.code, refused.value.http_status) == ("not_found", 404)


def test_the_refresh_leaves_the_reported_status_and_count_of_an_unmeasured_platform(people, snap):
    from accounts.monitoring.refresh import refresh_batch

    report_followers(user=people["editor"], channel_id=snap.pk, followers=321, on=today())
    before = recorded(snap)
    refresh_batch([snap.pk])
    assert recorded(snap) == before


# --- The staff page -------------------------------------------------------------------------------

def report_url(channel, lang: str = "en") -> str:
    from django.utils import translation

    with translation.override(lang):
        return reverse("staff:channel_followers", args=[channel.pk])


def test_the_editor_reports_a_count_from_the_channel_page(client, people, snap):
    login(client, people["editor"])
    page = client.get(staff_url("channel_detail", snap))
    content = page.content.decode()
    assert "Report the follower count" in page_text(page)
    assert f'action="{report_url(snap)}"' in content
    assert f'value="{today().isoformat()}"' in content  # today by default
    assert 'for="followers-followers"' in content and 'for="followers-on"' in content

    response = client.post(report_url(snap), {"followers": "48250", "on": today().isoformat()})
    assert response.status_code == 302 and response.headers["Location"] == staff_url("channel_detail", snap)
    assert recorded(snap)[0] == 48_250 and recorded(snap)[3] == ((today(), 48_250, "reported"),)

    page = client.get(staff_url("channel_detail", snap))
    text = page_text(page)
    assert "Recorded: 48,250 followers" in text
    facts = re.search(r'<dl class="facts">.*?</dl>', page.content.decode(), re.S).group(0)
    assert "48,250" in facts and 'data-followers-source="reported"' in facts and "reported by staff" in facts
    counts = re.search(r'<table class="counts">.*?</table>', page.content.decode(), re.S).group(0)
    assert f'data-snapshot="{today().isoformat()}"' in counts and "reported by staff" in counts

    home = client.get(staff_url("home")).content.decode()
    row = re.search(rf'<tr>\s*<th scope="row"><a href="{staff_url("channel_detail", snap)}".*?</tr>', home, re.S)
    assert "48,250" in row.group(0) and 'data-followers-source="reported"' in row.group(0)


def test_measured_counts_say_so_and_offer_no_form(client, people, make_channel):
    channel = make_channel("https://x.com/measuredpage", entity=people["entity"], followers=9_000,
                           followers_at=timezone.now(), refresh_status=RefreshStatus.OK)
    FollowerSnapshot.objects.create(channel=channel, date=today(), followers=9_000)
    login(client, people["editor"])
    page = client.get(staff_url("channel_detail", channel))
    content = page.content.decode()
    assert "Report the follower count" not in page_text(page)
    assert 'data-followers-source="measured"' in content and "reported by staff" not in content
    home = client.get(staff_url("home")).content.decode()
    assert 'data-followers-source="measured"' in home

    for data in ({"followers": "10", "on": today().isoformat()}, {"followers": "-1", "on": "not a day"}):
        response = client.post(report_url(channel), data)  # refused for the platform, whatever was typed
        assert response.status_code == 409
        assert 'data-error-code="measured_platform"' in response.content.decode()
        assert "Report the follower count" not in page_text(response)
    assert recorded(channel)[0] == 9_000 and channel.snapshots.get().source == "api"


def test_no_form_for_a_draft(client, people, make_channel):
    draft = make_channel("https://www.snapchat.com/add/draftsnap", entity=people["entity"], status=Status.DRAFT)
    login(client, people["editor"])
    assert "Report the follower count" not in page_text(client.get(staff_url("channel_detail", draft)))
    response = client.post(report_url(draft), {"followers": "10", "on": today().isoformat()})
    assert response.status_code == 409 and recorded(draft)[3] == ()


@pytest.mark.parametrize(("data", "field"), [
    ({"followers": "-5", "on": "TODAY"}, "followers"),
    ({"followers": "12K", "on": "TODAY"}, "followers"),
    ({"followers": "", "on": "TODAY"}, "followers"),
    ({"followers": str(MAX_REPORTED_FOLLOWERS + 1), "on": "TODAY"}, "followers"),
    ({"followers": "10", "on": "TOMORROW"}, "on"),
    ({"followers": "10", "on": "LONG_AGO"}, "on"),
    ({"followers": "10", "on": "not a day"}, "on"),
])
def test_bad_input_is_refused_at_its_field_and_changes_nothing(client, people, snap, data, field):
    days = {"TODAY": today(), "TOMORROW": today() + timedelta(days=1), "LONG_AGO": today() - timedelta(days=40)}
    data = {key: days[value].isoformat() if value in days else value for key, value in data.items()}
    before = recorded(snap)
    login(client, people["editor"])
    response = client.post(report_url(snap), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert re.search(rf'id="followers-{field}"[^>]*aria-invalid="true"', content) or \
        re.search(rf'aria-invalid="true"[^>]*id="followers-{field}"', content), content
    assert recorded(snap) == before


def test_another_entitys_editor_gets_404_and_changes_nothing(client, people, snap):
    before = recorded(snap)
    login(client, people["other_editor"])
    assert client.get(staff_url("channel_detail", snap)).status_code == 404
    assert client.post(report_url(snap), {"followers": "10", "on": today().isoformat()}).status_code == 404
    assert recorded(snap) == before


def test_anonymous_visitors_are_sent_to_log_in(client, snap):
    response = client.post(report_url(snap), {"followers": "10", "on": today().isoformat()})
    assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))
    assert recorded(snap)[3] == ()


def test_the_report_url_is_post_only(client, people, snap):
    login(client, people["editor"])
    assert client.get(report_url(snap)).status_code == 405


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_page_with_the_form_renders_in_both_languages(client, people, snap, lang):
    report_followers(user=people["editor"], channel_id=snap.pk, followers=2_500, on=today())
    login(client, people["editor"])
    response = client.get(staff_url("channel_detail", snap, lang=lang))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'action="{report_url(snap, lang)}"' in content
    for field_id in ("followers-followers", "followers-on"):
        assert f'for="{field_id}"' in content
    assert "<th>" not in content


# --- Large changes are confirmed; counts are read in any digits ------------------------------------

PREVIOUS = 225_000


@pytest.fixture
def counted(snap):
    """The Snapchat channel with a count of 225,000 twelve days ago."""
    FollowerSnapshot.objects.create(channel=snap, date=today() - timedelta(days=12), followers=PREVIOUS,
                                    source=FollowerSnapshot.Source.REPORTED)
    return snap


def typed_value(response) -> str:
    return html.unescape(re.search(r'<input[^>]*name="followers"[^>]*>', response.content.decode())
                         .group(0).split('value="')[1].split('"')[0])


def confirming(response) -> str:
    return html.unescape(re.search(r'name="confirming" value="([^"]*)"', response.content.decode()).group(1))


def asks_to_confirm(response) -> bool:
    return "data-change-to-confirm" in response.content.decode()


def drop_alerts(channel) -> list:
    return list(Alert.objects.filter(channel=channel, kind=AlertKind.FOLLOWER_DROP).values_list("details", flat=True))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_form_shows_the_previous_count_and_its_day_or_that_there_is_none(client, people, snap, lang):
    login(client, people["editor"])
    latest = re.compile(r"<p data-latest-count>(.*?)</p>", re.S)
    first = latest.search(client.get(staff_url("channel_detail", snap, lang=lang)).content.decode()).group(1)
    assert not re.search(r"\d", first)
    if lang == "en":
        assert first == "No count yet."

    day = today() - timedelta(days=12)
    FollowerSnapshot.objects.create(channel=snap, date=day, followers=PREVIOUS)
    shown = latest.search(client.get(staff_url("channel_detail", snap, lang=lang)).content.decode()).group(1)
    assert "225,000" in shown and f'datetime="{day.isoformat()}"' in shown


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(("typed", "change"), [
    ("2261", "99%"),  # 99% fewer: the slip of issue 16
    ("2,261", "99%"),
    ("179999", "20%"),  # just over a fifth fewer
    ("270001", "20%"),  # just over a fifth more
    ("22,500,000", "9,900%"),
])
def test_a_change_of_more_than_a_fifth_either_way_is_asked_about_and_not_recorded(client, people, counted, lang,
                                                                                   typed, change):
    before = recorded(counted)
    login(client, people["editor"])
    response = client.post(report_url(counted, lang), {"followers": typed, "on": today().isoformat()})

    assert response.status_code == 409 and asks_to_confirm(response)
    assert recorded(counted) == before and drop_alerts(counted) == []
    assert typed_value(response) == typed  # kept as typed
    content = response.content.decode()
    assert f'value="{today().isoformat()}"' in content
    notice = page_text(response)
    assert "225,000" in notice and f"{int(typed.replace(',', '')):,}" in notice and change in notice
    if lang == "en":
        direction = "fewer" if int(typed.replace(",", "")) < PREVIOUS else "more"
        assert f"From 225,000 on {date_format(today() - timedelta(days=12), 'DATE_FORMAT')}" in notice
        assert f"{change} {direction}." in notice
        assert "Yes, this number is right" in notice
    assert re.search(r'<input type="checkbox" name="confirm"[^>]*required', content)
    assert 'aria-invalid="true"' not in content  # a question, not yet an error


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("typed", ["180000", "180,000", "270000", "225001", "230000"])
def test_a_change_of_a_fifth_or_less_is_recorded_without_a_question(client, people, counted, lang, typed):
    login(client, people["editor"])
    response = client.post(report_url(counted, lang), {"followers": typed, "on": today().isoformat()})
    assert response.status_code == 302
    assert recorded(counted)[0] == int(typed.replace(",", ""))
    assert drop_alerts(counted) == []  # a fifth down exactly is no drop, for the refresh either


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_confirmed_the_change_is_recorded(client, people, counted, lang):
    login(client, people["editor"])
    asked = client.post(report_url(counted, lang), {"followers": "2,261", "on": today().isoformat()})
    response = client.post(report_url(counted, lang), {
        "followers": typed_value(asked), "on": today().isoformat(), "confirming": confirming(asked), "confirm": "on",
    })
    assert response.status_code == 302
    assert recorded(counted)[0] == 2_261
    assert recorded(counted)[3][-1] == (today(), 2_261, "reported")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_unconfirmed_nothing_is_recorded_and_the_typed_number_stays(client, people, counted, lang):
    before = recorded(counted)
    login(client, people["editor"])
    asked = client.post(report_url(counted, lang), {"followers": "٢٬٢٦١", "on": today().isoformat()})
    response = client.post(report_url(counted, lang), {
        "followers": typed_value(asked), "on": today().isoformat(), "confirming": confirming(asked),
    })  # the box not ticked
    assert response.status_code == 409 and asks_to_confirm(response)
    assert typed_value(response) == "٢٬٢٦١"
    assert re.search(r'<input type="checkbox" name="confirm"[^>]*aria-invalid="true"', response.content.decode())
    if lang == "en":
        assert "Tick the box if the number is right, or correct it." in page_text(response)
    assert recorded(counted) == before and drop_alerts(counted) == []


def test_a_tick_given_for_one_number_does_not_record_another(client, people, counted):
    before = recorded(counted)
    login(client, people["editor"])
    asked = client.post(report_url(counted), {"followers": "2261", "on": today().isoformat()})
    response = client.post(report_url(counted), {
        "followers": "2262", "on": today().isoformat(), "confirming": confirming(asked), "confirm": "on",
    })
    assert response.status_code == 409 and asks_to_confirm(response)
    assert typed_value(response) == "2262" and "2,262" in page_text(response)
    assert not re.search(r'name="confirm"[^>]*checked', response.content.decode())  # asked afresh
    assert recorded(counted) == before


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("typed", ["٢٢٥٬٠٠٠", "۲۲۵,۰۰۰", "225 000", "225\u202f000", "225.000"])
def test_arabic_indic_and_persian_digits_and_separators_are_read(client, people, snap, lang, typed):
    login(client, people["editor"])
    assert 'inputmode="numeric"' in client.get(staff_url("channel_detail", snap, lang=lang)).content.decode()
    response = client.post(report_url(snap, lang), {"followers": typed, "on": today().isoformat()})
    assert response.status_code == 302
    assert recorded(snap)[0] == 225_000


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(("typed", "message"), [
    ("12K", "Type the number in digits only, in full"),
    ("١٢ألف", "Type the number in digits only, in full"),
    ("12.5", "Put separators only between groups of three digits"),
    ("2,25,000", "Put separators only between groups of three digits"),
    ("1" * 41, "The number of followers must be between 0 and 1,000,000,000."),
])
def test_anything_but_a_number_is_refused_with_the_forms_error_and_kept(client, people, snap, lang, typed, message):
    login(client, people["editor"])
    response = client.post(report_url(snap, lang), {"followers": typed, "on": today().isoformat()})
    assert response.status_code == 400
    assert re.search(r'id="followers-followers"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                     r'id="followers-followers"', response.content.decode())
    assert typed_value(response) == typed
    if lang == "en":
        assert message in page_text(response)
    assert recorded(snap)[3] == ()


def test_a_confirmed_drop_opens_one_follower_drop_alert(client, people, counted):
    login(client, people["editor"])
    asked = client.post(report_url(counted), {"followers": "2261", "on": today().isoformat()})
    client.post(report_url(counted), {"followers": "2261", "on": today().isoformat(),
                                      "confirming": confirming(asked), "confirm": "on"})
    assert drop_alerts(counted) == [{"previous": PREVIOUS, "now": 2_261, "share": 0.99}]
    # The same day corrected again, lower still: the alert already open is not opened twice.
    report_followers(user=people["editor"], channel_id=counted.pk, followers=2_000, on=today(), confirmed=True)
    assert len(drop_alerts(counted)) == 1


def test_a_confirmed_rise_opens_no_alert(people, counted):
    report_followers(user=people["editor"], channel_id=counted.pk, followers=2_250_000, on=today(), confirmed=True)
    assert recorded(counted)[0] == 2_250_000 and drop_alerts(counted) == []


def test_the_service_refuses_an_unconfirmed_large_change_and_records_nothing(people, counted):
    before = recorded(counted)
    with pytest.raises(LargeFollowerChange) as asked:
        report_followers(user=people["editor"], channel_id=counted.pk, followers=2_261, on=today())
    assert (asked.value.code, asked.value.http_status) == ("confirm_change", 409)
    assert (asked.value.previous.followers, asked.value.followers) == (PREVIOUS, 2_261)
    assert recorded(counted) == before and drop_alerts(counted) == []


def test_a_count_is_set_against_the_last_one_before_its_day(people, counted):
    """A count for a day before the previous one is compared with what came before that day."""
    earlier = today() - timedelta(days=20)
    report_followers(user=people["editor"], channel_id=counted.pk, followers=1_000, on=earlier)  # nothing before
    with pytest.raises(LargeFollowerChange):
        report_followers(user=people["editor"], channel_id=counted.pk, followers=100_000,
                         on=earlier + timedelta(days=1))
