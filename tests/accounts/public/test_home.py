"""The home page shows the register's totals, read from the database, in Arabic and English."""
import pytest
from django.utils import timezone

from accounts.models import Status

pytestmark = pytest.mark.django_db


def total(response, name: str) -> str:
    html = response.content.decode()
    start = html.index(f'data-total="{name}">') + len(f'data-total="{name}">')
    return html[start:html.index("<", start)]


def test_root_sends_people_to_their_language(client):
    assert client.get("/").headers["Location"] == "/ar/"
    assert client.get("/", headers={"accept-language": "en-GB,en;q=0.9"}).headers["Location"] == "/en/"


def test_home_counts_official_channels_owners_and_followers(client, make_channel, make_entity, make_official):
    entity = make_entity()
    make_official(entity=entity)
    now = timezone.now()
    make_channel(entity=entity, followers=1_200_000, followers_at=now)
    make_channel(entity=entity, followers=34_567, followers_at=now)
    # Not official: never counted, whatever their followers.
    make_channel(entity=entity, status=Status.SUBMITTED, followers=999, followers_at=now)
    make_channel(entity=entity, status=Status.RETIRED, followers=999, followers_at=now)
    make_entity(is_active=False)

    response = client.get("/en/")
    assert response.status_code == 200
    assert [total(response, name) for name in ("channels", "entities", "officials", "followers")] == [
        "2", "1", "1", "1,234,567",
    ]


def test_home_in_arabic_is_right_to_left_with_grouped_numbers(client, make_channel):
    make_channel(followers=30_999_998, followers_at=timezone.now())
    html = client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "هل هذا الحساب رسمي؟" in html
    assert total(client.get("/ar/"), "followers") == "30,999,998"


def test_home_in_english_is_left_to_right(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Is this account official?" in html


def test_sample_data_banner_shows_only_while_sample_data_is_loaded(client, make_entity):
    make_entity()
    assert "Sample data" not in client.get("/en/").content.decode()
    make_entity(is_sample=True)
    assert "Sample data" in client.get("/en/").content.decode()


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_home_refuses_writes(client):
    assert client.post("/en/").status_code == 405


def test_home_has_the_verify_box_that_answers_on_the_verify_page(client, make_channel):
    make_channel("https://x.com/UAEGov")
    html = client.get("/en/").content.decode()
    assert 'action="/en/verify/"' in html and 'name="q"' in html and 'name="platform"' in html
    answer = client.get("/en/verify/", {"q": "https://mobile.twitter.com/UAEGov?lang=ar"})
    assert answer.status_code == 200 and 'data-result="official"' in answer.content.decode()


@pytest.mark.parametrize(
    ("page", "other"),
    [
        ("/en/", "/ar/"),
        ("/ar/directory/?q=%D9%88%D8%B2%D8%A7%D8%B1%D8%A9&page=2",
         "/en/directory/?q=%D9%88%D8%B2%D8%A7%D8%B1%D8%A9&page=2"),
        ("/en/verify/?q=x.com%2Fuaegov", "/ar/verify/?q=x.com%2Fuaegov"),
    ],
)
def test_the_language_switcher_stays_on_the_same_page(client, page, other):
    html = client.get(page).content.decode()
    switcher = html[html.index('class="language-switcher"'):]
    assert f'href="{other.replace("&", "&amp;")}"' in switcher[:switcher.index("</nav>")]


def test_a_dissolved_entitys_channels_leave_the_totals(client, make_channel, make_entity):
    gone = make_entity(is_active=False)
    make_channel(entity=gone, followers=5_000, followers_at=timezone.now())
    make_channel(followers=7, followers_at=timezone.now())
    response = client.get("/en/")
    assert [total(response, name) for name in ("channels", "entities", "followers")] == ["1", "1", "7"]
    assert client.get("/api/v1/stats/").json()["platforms"]["x"] == {"channels": 1, "followers": 7}
