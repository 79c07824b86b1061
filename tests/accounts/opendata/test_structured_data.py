"""JSON-LD on entity and channel pages: the organisation and its officials, with `sameAs` naming their
approved channels only, and nothing that breaks out of its <script> element."""
from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from accounts.models import Channel, Status
from accounts.opendata.structured_data import json_ld

pytestmark = pytest.mark.django_db

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def structured(url: str, language: str = "en") -> dict:
    response = Client().get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    found = LD.findall(response.content.decode())
    assert len(found) == 1
    return json.loads(found[0])


def nodes(data: dict) -> dict[str, dict]:
    return {node["@type"] + ":" + node["name"]: node for node in data["@graph"]}


@pytest.fixture
def ministry(make_entity, make_official, make_channel):
    entity = make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية",
                         website="https://www.mofa.gov.ae")
    minister = make_official(entity=entity, name_en="The Minister", name_ar="الوزير", title_en="Minister",
                             title_ar="وزير")
    make_official(entity=entity, name_en="Spokesperson", name_ar="المتحدث")
    links = {}
    for status in Status.values:
        channel = make_channel(f"https://x.com/mofa_{status[:8]}", status=status, entity=entity)
        links[status] = channel.canonical_url
    links["minister"] = make_channel("https://x.com/Minister", entity=entity, official=minister).canonical_url
    links["minister_retired"] = make_channel("https://instagram.com/minister_old", entity=entity, official=minister,
                                             status=Status.RETIRED).canonical_url
    return {"entity": entity, "minister": minister, "links": links}


@pytest.mark.parametrize(("language", "organization", "person", "other"), [
    ("en", "Ministry of Foreign Affairs", "The Minister", "وزارة الخارجية"),
    ("ar", "وزارة الخارجية", "الوزير", "Ministry of Foreign Affairs"),
])
def test_the_entity_page_describes_the_organisation_and_its_officials(ministry, language, organization, person,
                                                                       other):
    data = structured(f"/{language}/entities/mofa/", language)
    assert data["@context"] == "https://schema.org"
    found = nodes(data)
    org = found[f"GovernmentOrganization:{organization}"]
    page = f"http://testserver/{language}/entities/mofa/"
    assert org["@id"] == f"{page}#organization" and org["mainEntityOfPage"] == page
    assert org["url"] == "https://www.mofa.gov.ae" and org["alternateName"] == other
    # Only the approved account: never a draft, a submission, a rejection, a retired or compromised one.
    assert org["sameAs"] == [ministry["links"][Status.APPROVED]]
    minister = found[f"Person:{person}"]
    assert minister["worksFor"] == {"@id": org["@id"]} and minister["affiliation"] == {"@id": org["@id"]}
    assert minister["jobTitle"] == ("Minister" if language == "en" else "وزير")
    assert minister["sameAs"] == [ministry["links"]["minister"]]
    spokesperson = next(node for key, node in found.items() if key.startswith("Person:") and node is not minister)
    assert "sameAs" not in spokesperson  # no approved channel: nothing to tie


def test_nothing_non_public_is_in_the_structured_data(ministry):
    text = json.dumps(structured("/en/entities/mofa/"))
    for status in (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.RETIRED,
                   Status.COMPROMISED):
        assert ministry["links"][status] not in text
    assert ministry["links"]["minister_retired"] not in text


def test_a_channel_page_describes_its_owner(ministry, make_channel):
    channel = make_channel("https://youtube.com/@MinisterTalks", entity=ministry["entity"],
                           official=ministry["minister"])
    found = nodes(structured(f"/en/channels/{channel.pk}/"))
    org = found["GovernmentOrganization:Ministry of Foreign Affairs"]
    person = found["Person:The Minister"]
    assert person["worksFor"] == {"@id": org["@id"]}
    assert sorted(person["sameAs"]) == sorted([ministry["links"]["minister"], channel.canonical_url])


def test_a_retired_channel_page_does_not_tie_the_retired_account(ministry):
    retired = Channel.public_objects.get(canonical_url=ministry["links"][Status.RETIRED])
    text = json.dumps(structured(f"/en/channels/{retired.pk}/"))
    assert ministry["links"][Status.RETIRED] not in text


def test_names_cannot_end_the_script_element(make_entity):
    markup = json_ld({"name": "</script><script>alert(1)</script> & <!--"})
    assert markup.count("<script") == 1 and markup.count("</script>") == 1
    assert json.loads(LD.search(markup).group(1)) == {"name": "</script><script>alert(1)</script> & <!--"}
    make_entity(slug="odd", name_en="</script><img src=x>")
    content = Client().get("/en/entities/odd/").content.decode()
    assert "</script><img" not in content.split("<body>")[0]
