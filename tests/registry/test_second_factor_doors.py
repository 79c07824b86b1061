"""No power without the second factor, through every door of the real site (registry.middleware's
SecondFactorMiddleware, the API's session door): a reviewer or admin whose login has not passed the
code changes nothing and reads nothing that is not public, on the web and through the API.

Until issue 10 (item 1), a reviewer's password alone retired or flagged any entity's channel in the
staff area and the API, and read every draft, alert and the report."""
from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import Alert, AlertKind, Channel, ChannelEvent, Status
from tests.accounts.complete import COMPLETE
from tests.registry.second_factor_steps import enrolled, verified_client

pytestmark = pytest.mark.django_db  # the site's own URLs

SETUP = "/en/auth/code/setup/"
VERIFY = "/en/auth/code/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def register(make_channel, make_entity):
    """An approved channel (public), a submitted one (not public) and an open alert."""
    entity = make_entity()
    approved = make_channel("https://x.com/doors_public", entity=entity, status=Status.APPROVED)
    submitted = make_channel("https://x.com/doors_pending", entity=entity, status=Status.SUBMITTED)
    alert = Alert.objects.create(channel=approved, kind=AlertKind.FOLLOWER_DROP)
    return approved, submitted, alert


def without_the_code(factor: str, make_user, **role) -> Client:
    """A logged-in session that has not passed the code: "none" (no app yet) or "unverified" (an app)."""
    user = make_user(**(role or {"reviewer": True}))
    if factor == "unverified":
        enrolled(user)
    client = Client()
    client.force_login(user)
    return client


def state(channel: Channel) -> tuple:
    channel = Channel.private_objects.get(pk=channel.pk)
    return channel.status, channel.version, ChannelEvent.objects.filter(channel=channel).count()


FACTORS = ["none", "unverified"]


# --- The web --------------------------------------------------------------------------------------

@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("page", [
    "/en/staff/", "/en/staff/channels/new/", "/en/staff/channels/{submitted}/", "/en/staff/channels/{approved}/edit/",
    "/en/review/", "/en/review/channels/{submitted}/", "/en/review/alerts/", "/en/review/annual/",
    "/en/review/report/",
])
def test_every_page_behind_the_login_sends_to_the_code_first(make_user, register, factor, page):
    approved, submitted, _alert = register
    client = without_the_code(factor, make_user)
    path = page.format(approved=approved.pk, submitted=submitted.pk)
    response = client.get(path)
    assert response.status_code == 302
    step = SETUP if factor == "none" else VERIFY
    assert response["Location"].startswith(f"{step}?next=")


@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("action", ["retire", "flag-compromised", "certify"])
def test_a_staff_area_button_changes_nothing_without_the_code(make_user, register, factor, action):
    approved, _submitted, _alert = register
    client = without_the_code(factor, make_user)
    before = state(approved)
    response = client.post(f"/en/staff/channels/{approved.pk}/{action}/",
                           {"reason": "Hacked, says the password thief.", "version": approved.version})
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP if factor == "none" else VERIFY)
    assert state(approved) == before


@pytest.mark.parametrize("factor", FACTORS)
def test_an_edit_in_the_staff_area_changes_nothing_without_the_code(make_user, make_channel, factor):
    draft = make_channel("https://x.com/doors_draft", status=Status.DRAFT, display_name="As registered")
    client = without_the_code(factor, make_user)
    response = client.post(f"/en/staff/channels/{draft.pk}/edit/",
                           {"display_name": "Changed by a thief", "version": draft.version})
    assert response.status_code == 302
    assert Channel.private_objects.get(pk=draft.pk).display_name == "As registered"
    assert client.post("/en/staff/channels/new/", {"link": "https://x.com/doors_new"}).status_code == 302
    assert not Channel.private_objects.filter(handle_key="doors_new").exists()


@pytest.mark.parametrize("factor", FACTORS)
def test_a_review_decision_or_alert_resolution_changes_nothing_without_the_code(make_user, register, factor):
    approved, submitted, alert = register
    client = without_the_code(factor, make_user)
    before = state(submitted)
    assert client.post(f"/en/review/channels/{submitted.pk}/approve/", {"version": submitted.version}) \
        .status_code == 302
    assert state(submitted) == before
    assert client.post(f"/en/review/alerts/{alert.pk}/resolve/", {"note": "Nothing to see."}).status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_at is None


@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("kind", ["superuser", "staff"])
def test_the_admin_opens_only_after_the_code(make_user, factor, kind):
    client = without_the_code(factor, make_user, is_staff=True, is_superuser=kind == "superuser")
    for path in ("/admin/", "/admin/registry/user/", "/admin/accounts/channel/"):
        response = client.get(path)
        assert response.status_code == 302
        # /admin/ has no language prefix: the code pages come in the default language.
        step = "/ar/auth/code/setup/" if factor == "none" else "/ar/auth/code/"
        assert response["Location"].startswith(f"{step}?next=")


@pytest.mark.parametrize("page", ["/en/", "/en/directory/", "/en/entities/", "/en/verify/?q=doors_public",
                                  "/en/channels/{approved}/", "/en/presence/"])
def test_public_pages_still_answer_as_to_anyone(make_user, register, page):
    approved, _submitted, _alert = register
    client = without_the_code("unverified", make_user)
    path = page.format(approved=approved.pk)
    assert client.get(path).status_code == Client().get(path).status_code == 200


def test_a_reviewer_who_passed_the_code_uses_every_door(make_user, register):
    """The contrast that shows the doors above are shut by the missing code, not by anything else."""
    approved, submitted, alert = register
    reviewer = make_user(reviewer=True)
    client = verified_client(reviewer, enrolled(reviewer))
    for path in ("/en/staff/", f"/en/staff/channels/{submitted.pk}/", "/en/review/", "/en/review/alerts/"):
        assert client.get(path).status_code == 200, path
    response = client.post(f"/en/staff/channels/{approved.pk}/flag-compromised/",
                           {"reason": "Hacked.", "version": approved.version, "confirm": "True"})
    assert response.status_code == 302 and response["Location"] == f"/en/staff/channels/{approved.pk}/"
    assert Channel.private_objects.get(pk=approved.pk).status == Status.COMPROMISED


# --- The API, with the session cookie ---------------------------------------------------------------

def api(client: Client, method: str, path: str, body: dict | None = None):
    return getattr(client, method)(path, body or {}, content_type="application/json",
                                   headers={"accept-language": "en"})


@pytest.mark.parametrize("factor", FACTORS)
def test_the_api_reads_for_a_session_without_the_code_what_it_reads_for_anyone(make_user, register, factor):
    approved, submitted, alert = register
    client = without_the_code(factor, make_user)
    anonymous = Client()

    def ids(response) -> set[int]:
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(api(client, "get", "/api/v1/channels/?status=submitted")) == set()
    assert ids(api(client, "get", "/api/v1/channels/")) == ids(api(anonymous, "get", "/api/v1/channels/")) \
        == {approved.pk}
    assert api(client, "get", f"/api/v1/channels/{submitted.pk}/").status_code == 404
    assert "version" not in api(client, "get", f"/api/v1/channels/{approved.pk}/").json()  # the public's view
    for path in ("/api/v1/alerts/", f"/api/v1/alerts/?channel={approved.pk}", "/api/v1/report/",
                 f"/api/v1/channels/{approved.pk}/events/"):
        response = api(client, "get", path)
        assert response.status_code == api(anonymous, "get", path).status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("action", ["retire", "flag-compromised", "certify"])
def test_an_api_write_with_a_session_without_the_code_is_refused_and_changes_nothing(make_user, register,
                                                                                    factor, action):
    approved, _submitted, _alert = register
    client = without_the_code(factor, make_user)
    before = state(approved)
    response = api(client, "post", f"/api/v1/channels/{approved.pk}/{action}/", {"reason": "Because."})
    assert response.status_code == 401, response.content
    assert state(approved) == before


@pytest.mark.parametrize("factor", FACTORS)
def test_other_api_writes_with_a_session_without_the_code_are_refused(make_user, register, factor):
    approved, submitted, alert = register
    client = without_the_code(factor, make_user)
    before = state(submitted)
    assert api(client, "post", f"/api/v1/channels/{submitted.pk}/approve/").status_code == 401
    assert api(client, "patch", f"/api/v1/channels/{submitted.pk}/", {"display_name": "X"}).status_code == 401
    assert state(submitted) == before
    count = Channel.private_objects.count()
    created = api(client, "post", "/api/v1/channels/", {"url": "https://x.com/doors_api_new",
                                                         "entity": approved.entity.slug})
    assert created.status_code == 401
    assert Channel.private_objects.count() == count
    assert api(client, "post", f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "Fine."}).status_code == 401
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_the_api_with_a_session_that_passed_the_code_reads_and_writes_as_the_reviewer(make_user, register):
    approved, submitted, alert = register
    reviewer = make_user(reviewer=True)
    client = verified_client(reviewer, enrolled(reviewer))
    listed = api(client, "get", "/api/v1/channels/?status=submitted")
    assert {row["id"] for row in listed.json()["results"]} == {submitted.pk}
    assert api(client, "get", "/api/v1/alerts/").status_code == 200
    assert api(client, "get", "/api/v1/report/").status_code == 200
    done = api(client, "post", f"/api/v1/channels/{approved.pk}/retire/", {"reason": "Merged."})
    assert done.status_code == 200, done.content
    assert Channel.private_objects.get(pk=approved.pk).status == Status.RETIRED


def test_an_editor_needs_no_code_for_their_own_entitys_channels(make_user, make_channel, make_entity):
    entity = make_entity()
    draft = make_channel("https://x.com/doors_editor", entity=entity, status=Status.DRAFT, **COMPLETE)
    client = Client()
    client.force_login(make_user(editor_of=entity))
    assert client.get(f"/en/staff/channels/{draft.pk}/").status_code == 200
    done = client.post(f"/en/staff/channels/{draft.pk}/submit/", {"version": draft.version})
    assert done.status_code == 302
    assert Channel.private_objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_a_reviewer_who_passed_the_code_may_still_edit_any_entitys_channel(make_user, make_channel):
    """Reviewers edit every entity's channels (DESIGN.md); the second factor must not take that away."""
    draft = make_channel("https://x.com/doors_rv_edit", status=Status.DRAFT, display_name="As registered")
    reviewer = make_user(reviewer=True)
    client = verified_client(reviewer, enrolled(reviewer))
    assert client.get(f"/en/staff/channels/{draft.pk}/edit/").status_code == 200
    response = client.post(f"/en/staff/channels/{draft.pk}/edit/",
                           {"link": draft.canonical_url, "display_name": "Renamed by a reviewer",
                            "version": draft.version})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Channel.private_objects.get(pk=draft.pk).display_name == "Renamed by a reviewer"
    done = api(client, "patch", f"/api/v1/channels/{draft.pk}/", {"display_name": "Renamed through the API"})
    assert done.status_code == 200, done.content
