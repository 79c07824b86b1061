"""The day of a channel's latest post, reported by entity staff where the platform does not say it
(every platform but X and Mastodon): the service's rules, and the staff page's form; a reported
day long ago opens the dormant alert at once."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.models import Alert, AlertKind, Channel, SnapshotSource, Status
from accounts.services import report_last_post
from registry.errors import RegistryError
from tests.accounts.staff import test_reported_followers as reported_followers
from tests.accounts.staff.test_reported_followers import SNAPCHAT
from tests.accounts.staff.test_views import login, page_text, staff_url

pytestmark = pytest.mark.django_db


# The same people, platforms and Snapchat channel as the reported follower counts' tests.
@pytest.fixture(autouse=True)
def platforms_configured(settings):
    reported_followers.platforms_configured.__wrapped__(settings)


@pytest.fixture
def people(make_entity, make_user):
    return reported_followers.people.__wrapped__(make_entity, make_user)


@pytest.fixture
def snap(people, make_channel):
    return reported_followers.snap.__wrapped__(people, make_channel)


def today():
    return timezone.localdate()


def last_post(channel: Channel) -> tuple:
    channel = Channel.private_objects.get(pk=channel.pk)
    return channel.last_post_at, channel.last_post_source


# --- The service -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_an_editor_or_a_reviewer_reports_the_latest_post(people, snap, who):
    day = today() - timedelta(days=3)

    report_last_post(user=people[who], channel_id=snap.pk, on=day, two_factor=True)

    assert last_post(snap) == (timezone.make_aware(datetime.combine(day, time.min)), SnapshotSource.REPORTED)
    assert not Alert.objects.filter(channel=snap).exists()


@pytest.mark.parametrize("who", ["other_editor", "plain"])
def test_only_the_entitys_editors_and_reviewers_may_report(people, snap, who):
    with pytest.raises(RegistryError):
        report_last_post(user=people[who], channel_id=snap.pk, on=today(), two_factor=True)
    assert last_post(snap) == (None, "")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETIRED, Status.REJECTED])
def test_only_official_and_compromised_channels_take_reports(people, make_channel, status):
    channel = make_channel(SNAPCHAT, entity=people["entity"], status=status)
    with pytest.raises(RegistryError) as refused:
        report_last_post(user=people["editor"], channel_id=channel.pk, on=today(), two_factor=True)
    assert refused.value.code == "channel_not_official"


@pytest.mark.parametrize(("link", "refused"), [
    ("https://x.com/UAEGov", True),  # X says it (the latest post's id carries its time)
    ("https://mastodon.social/@uaegov", True),  # Mastodon says the day
    ("https://www.youtube.com/@uaegov", False),  # YouTube counts videos, but says no time
    ("https://t.me/uaegovnews", False),
])
def test_platforms_that_say_the_latest_post_refuse_reports(people, make_channel, link, refused):
    channel = make_channel(link, entity=people["entity"])
    if refused:
        with pytest.raises(RegistryError) as error:
            report_last_post(user=people["editor"], channel_id=channel.pk, on=today(), two_factor=True)
        assert error.value.code == "measured_platform"
    else:
        report_last_post(user=people["editor"], channel_id=channel.pk, on=today(), two_factor=True)
        assert last_post(channel)[1] == SnapshotSource.REPORTED


def test_a_day_in_the_future_is_refused_at_its_field(people, snap):
    with pytest.raises(RegistryError) as refused:
        report_last_post(user=people["editor"], channel_id=snap.pk, on=today() + timedelta(days=1), two_factor=True)
    assert (refused.value.code, refused.value.field) == ("date_in_future", "on")
    assert last_post(snap) == (None, "")


def test_a_reported_day_long_ago_opens_the_dormant_alert_once(people, snap):
    report_last_post(user=people["editor"], channel_id=snap.pk, on=today() - timedelta(days=120), two_factor=True)
    report_last_post(user=people["editor"], channel_id=snap.pk, on=today() - timedelta(days=121), two_factor=True)

    [alert] = Alert.objects.filter(channel=snap, kind=AlertKind.DORMANT)
    assert alert.details["source"] == "reported"


# --- The staff page ------------------------------------------------------------------------------------

def test_the_editor_reports_the_latest_post_from_the_channel_page(client, people, snap):
    login(client, people["editor"])
    url = staff_url("channel_last_post", snap)
    page = client.get(staff_url("channel_detail", snap))
    assert "Report the latest post" in page_text(page)
    assert f'action="{url}"' in page.content.decode()

    day = today() - timedelta(days=5)
    response = client.post(url, {"on": day.isoformat()})

    assert response.status_code == 302 and response.headers["Location"] == staff_url("channel_detail", snap)
    assert last_post(snap)[1] == SnapshotSource.REPORTED
    page = client.get(staff_url("channel_detail", snap))
    assert "Recorded: the latest post on" in page_text(page)
    assert 'data-last-post-source="reported"' in page.content.decode()


@pytest.mark.parametrize(("data", "status"), [({"on": ""}, 400), ({"on": "yesterday"}, 400)])
def test_bad_input_is_refused_and_changes_nothing(client, people, snap, data, status):
    login(client, people["editor"])
    response = client.post(staff_url("channel_last_post", snap), data)
    assert response.status_code == status
    assert last_post(snap) == (None, "")


def test_a_future_day_is_refused_at_its_field(client, people, snap):
    login(client, people["editor"])
    response = client.post(staff_url("channel_last_post", snap), {"on": (today() + timedelta(days=2)).isoformat()})
    assert response.status_code == 400
    assert "The day cannot be in the future." in page_text(response)


def test_x_channels_show_their_measured_last_post_and_no_form(client, people, make_channel):
    channel = make_channel("https://x.com/UAEGov", entity=people["entity"],
                           last_post_at=timezone.now(), last_post_source=SnapshotSource.API)
    login(client, people["editor"])
    content = client.get(staff_url("channel_detail", channel)).content.decode()
    assert 'data-last-post-source="api"' in content and "action-last-post" not in content


def test_another_entitys_editor_gets_404_and_the_url_is_post_only(client, people, snap):
    login(client, people["other_editor"])
    assert client.post(staff_url("channel_last_post", snap), {"on": today().isoformat()}).status_code == 404
    login(client, people["editor"])
    assert client.get(staff_url("channel_last_post", snap)).status_code == 405
    assert last_post(snap) == (None, "")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_page_with_the_form_renders_in_both_languages(client, people, snap, lang):
    login(client, people["editor"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    response = client.get(staff_url("channel_detail", snap, lang=lang))
    assert response.status_code == 200
    assert 'id="last-post-on"' in response.content.decode()
