"""Follower counts reported by entity staff for the platforms the registry cannot read itself:
the service's rules (who, which channels, which numbers and days), the upsert of the day's
snapshot, and the staff page's form and its "reported by staff" / "measured" labels."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts import platforms
from accounts.models import Channel, FollowerSnapshot, RefreshStatus, Status
from accounts.platforms import Platform, link_examples
from accounts.services import MAX_REPORTED_FOLLOWERS, report_followers
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
