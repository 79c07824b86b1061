"""GET /api/v1/changes/: the public change feed, its paging, filters, refusals and schema."""
from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

from tests.accounts.opendata.steps import Workflow, workflow_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(make_entity, make_user) -> Workflow:
    return workflow_for(make_entity, make_user)

CHANGES = "/api/v1/changes/"


@pytest.fixture
def client() -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def read_all(client: APIClient, url: str) -> list[dict]:
    seen = []
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.content
        seen += page.json()["results"]
        url = page.json()["next"]
    return seen


def test_the_public_reads_every_public_change_in_order(client, workflow):
    workflow.draft("https://x.com/a_draft")
    workflow.act(workflow.submitted("https://x.com/refused"), "reject", reason="No.")
    first = workflow.approved("https://x.com/first_one")
    workflow.act(first, "flag_compromised", reason="Taken over.")

    answer = client.get(CHANGES)
    assert answer.status_code == 200
    body = answer.json()
    assert [(change["kind"], change["channel"]["handle"]) for change in body["results"]] == [
        ("approved", "first_one"), ("compromised", "first_one")]
    assert body["next"] is None and body["cursor"] == body["results"][-1]["cursor"]
    change = body["results"][0]
    assert change["channel"]["pages"]["en"] == f"http://testserver/en/channels/{first.pk}/"
    assert change["entity"] == {"slug": "ministry-of-tests", "name_ar": "وزارة الاختبارات",
                                "name_en": "Ministry of Tests"}
    assert change["channel"]["status"] == "compromised"


def test_paging_neither_skips_nor_repeats_while_changes_arrive(client, workflow):
    channels = [workflow.approved(f"https://x.com/paged_{n}") for n in range(5)]
    page = client.get(CHANGES, {"limit": 2}).json()
    seen = page["results"]
    assert page["next"] and "limit=2" in page["next"]
    # New changes arrive between the pages: they come after what was read, once each.
    workflow.act(channels[0], "retire", reason="Closed.")
    more = [workflow.approved(f"https://x.com/later_{n}") for n in range(2)]
    seen += read_all(client, page["next"])
    assert [c["cursor"] for c in seen] == list(dict.fromkeys(c["cursor"] for c in seen))
    assert [(c["kind"], c["channel"]["id"]) for c in seen] == [
        *(("approved", channel.pk) for channel in channels), ("retired", channels[0].pk),
        *(("approved", channel.pk) for channel in more)]

    # A reader that kept the last cursor is told only what is new, then nothing.
    last = seen[-1]["cursor"]
    assert client.get(CHANGES, {"after": last}).json() == {"results": [], "next": None, "cursor": last}
    workflow.act(more[0], "flag_compromised", reason="Taken over.")
    news = client.get(CHANGES, {"after": last}).json()
    assert [(c["kind"], c["channel"]["id"]) for c in news["results"]] == [("compromised", more[0].pk)]


def test_filters_are_kept_in_the_next_link(client, workflow, make_entity, make_user):
    other = make_entity(slug="other-authority")
    other_editor = make_user(editor_of=other)
    for n in range(3):
        workflow.approved(f"https://x.com/ours_{n}")
        workflow.approved(f"https://instagram.com/ours_ig_{n}")
        workflow.approved(f"https://x.com/theirs_{n}", entity=other, editor=other_editor)
    changes = read_all(client, f"{CHANGES}?entity=ministry-of-tests&platform=x&kind=approved&limit=1")
    assert [c["channel"]["handle"] for c in changes] == ["ours_0", "ours_1", "ours_2"]
    assert read_all(client, f"{CHANGES}?kind=retired,compromised") == []


@pytest.mark.parametrize(("query", "code", "field"), [
    ({"after": "garbage"}, "invalid_cursor", "after"),
    ({"entity": "nobody"}, "unknown_entity", "entity"),
    ({"platform": "myspace"}, "unknown_platform", "platform"),
    ({"kind": "submitted"}, "unknown_kind", "kind"),
    ({"limit": "1000"}, "invalid_limit", "limit"),
])
def test_bad_cursors_and_filters_are_refused_with_a_stable_code(client, query, code, field):
    answer = client.get(CHANGES, query)
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == code and body["errors"][field] and body["detail"]


def test_staff_read_the_same_public_feed(workflow):
    workflow.submitted("https://x.com/not_yet")
    staff = APIClient()
    staff.force_login(workflow.reviewer)
    assert staff.get(CHANGES).json()["results"] == []


def test_the_schema_describes_the_feed(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    operation = schema["paths"]["/api/v1/changes/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"after", "entity", "platform", "kind", "limit"}
    assert "invalid_cursor" in operation["description"]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][page]["properties"]) == {"results", "next", "cursor"}
