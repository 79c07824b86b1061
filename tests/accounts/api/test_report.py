"""GET /api/v1/report/: reviewers only, the same scores as the report pages, documented, and a fixed
number of queries whatever the size of the register."""
from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Alert, AlertKind
from accounts.report.standards import RULES, RULES_BY_ID
from tests.accounts.api.test_channels import assert_error, session_client, token_client

pytestmark = pytest.mark.django_db

REPORT = "/api/v1/report/"


@pytest.fixture
def register(make_entity, make_official, make_channel):
    mofa = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية")
    minister = make_official(slug="minister", entity=mofa)
    x = make_channel("https://x.com/MOFAUAE", entity=mofa, followers=1_000, followers_at=timezone.now())
    instagram = make_channel("https://www.instagram.com/mofauae/", entity=mofa)
    own = make_channel("https://x.com/theminister", entity=mofa, official=minister)
    return {"mofa": mofa, "minister": minister, "x": x, "instagram": instagram, "own": own}


def test_anonymous_clients_get_401(register):
    assert_error(APIClient().get(REPORT), 401, "not_authenticated")


def test_editors_and_plain_users_get_403(register, make_user):
    for user in (make_user(editor_of=register["mofa"]), make_user()):
        assert_error(token_client(user).get(REPORT), 403, "forbidden")


def test_a_reviewer_without_the_second_factor_reads_nothing_by_either_door(register, make_user):
    reviewer = make_user(reviewer=True)
    assert_error(token_client(reviewer, second_factor=False).get(REPORT), 401, "second_factor_required")
    assert_error(session_client(reviewer, second_factor=False).get(REPORT), 401, "not_authenticated")


@pytest.mark.parametrize("door", ["token", "session"])
def test_a_reviewer_reads_every_owner_channel_and_check(register, make_user, door):
    reviewer = make_user(reviewer=True)
    client = token_client(reviewer) if door == "token" else session_client(reviewer, second_factor=True)
    response = client.get(REPORT)
    assert response.status_code == 200, response.content
    body = response.json()
    owners = {(item["kind"], item["slug"]): item for item in body["entities"]}
    assert set(owners) == {("entity", "mofa"), ("official", "minister")}
    mofa = owners[("entity", "mofa")]
    assert set(mofa) == {"slug", "kind", "name_en", "name_ar", "score", "rated", "not_rated_reason", "failing",
                         "channels", "followers"}
    assert mofa["rated"] is True and mofa["not_rated_reason"] is None
    assert (mofa["name_ar"], mofa["channels"], mofa["followers"]) == ("وزارة الخارجية", 2, 1_000)
    # Each channel fails `certified` (approved 400 days ago, never certified): it costs the entity twice.
    assert mofa["failing"].count("certified") == 2
    assert "core_platforms" in mofa["failing"]  # the entity's own check
    channels = {item["id"]: item for item in body["channels"]}
    # The mean of its channels' scores, less its own checks' weights (the fair formula, issue 17).
    own = [RULES_BY_ID[rule] for rule in mofa["failing"] if RULES_BY_ID[rule].scope == "owner"]
    mean = sum(channels[register[name].pk]["score"] for name in ("x", "instagram")) / 2
    assert mofa["score"] == max(0, round(mean - sum(rule.weight for rule in own)))
    assert set(channels) == {register[name].pk for name in ("x", "instagram", "own")}
    x = channels[register["x"].pk]
    assert x["owner"] == {"kind": "entity", "slug": "mofa"}
    assert (x["platform"], x["handle"]) == ("x", "MOFAUAE")
    assert "certified" in x["failing"] and x["score"] == 100 - sum(RULES_BY_ID[r].weight for r in x["failing"])
    assert channels[register["own"].pk]["owner"] == {"kind": "official", "slug": "minister"}
    assert [rule["id"] for rule in body["rules"]] == [rule.id for rule in RULES]
    assert set(body["rules"][0]) == {"id", "scope", "weight", "title_en", "title_ar"}


def test_an_open_alert_costs_the_channel_and_its_entity_its_weight(register, make_user):
    client = token_client(make_user(reviewer=True))

    def scores() -> tuple[int, int, int]:
        body = client.get(REPORT).json()
        entity = next(item for item in body["entities"] if item["slug"] == "mofa")
        channels = [item for item in body["channels"] if item["owner"] == {"kind": "entity", "slug": "mofa"}]
        channel = next(item for item in channels if item["id"] == register["x"].pk)
        return entity["score"], channel["score"], len(channels)

    entity_before, channel_before, count = scores()
    Alert.objects.create(channel=register["x"], kind=AlertKind.RENAMED, details={})
    weight = RULES_BY_ID["no_alert"].weight
    # The channel loses the weight; its entity, the weight shared among its channels.
    entity_after, channel_after, _count = scores()
    assert channel_after == channel_before - weight
    assert abs(entity_after - (entity_before - weight / count)) <= 1


def test_the_report_answers_405_to_writes(register, make_user):
    client = token_client(make_user(reviewer=True))
    assert_error(client.post(REPORT, {}, format="json"), 405, "method_not_allowed")


def test_the_schema_documents_the_report(register):
    schema = json.loads(APIClient().get(reverse("api-schema"), {"format": "json"}).content)
    operation = schema["paths"][REPORT]["get"]
    assert {"200", "401", "403"} <= set(operation["responses"])
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][body]["properties"]
    assert set(properties) == {"entities", "channels", "rules"}
    entity = properties["entities"]["items"]["$ref"].rsplit("/", 1)[1]
    assert {"slug", "kind", "score", "failing", "channels", "followers"} <= set(
        schema["components"]["schemas"][entity]["properties"])
    channel = properties["channels"]["items"]["$ref"].rsplit("/", 1)[1]
    assert {"id", "owner", "score", "failing"} <= set(schema["components"]["schemas"][channel]["properties"])


def test_queries_do_not_grow_with_the_number_of_owners(make_entity, make_official, make_channel, make_user):
    client = token_client(make_user(reviewer=True))

    def add(count: int) -> None:
        for _ in range(count):
            entity = make_entity()
            make_channel(entity=entity)
            make_channel(entity=entity, official=make_official(entity=entity))

    add(5)
    client.get(REPORT)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(REPORT).status_code == 200
        return len(captured)

    few = queries()
    add(45)
    assert queries() == few
