"""Reading LinkedIn page links: accepted forms, refusals, canonical links, namespaces."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform, parse_account_link
from tests.platforms.table import handle_keys, table_tests


def page(namespace: str, slug: str) -> AccountLink:
    return AccountLink(
        Platform.LINKEDIN,
        f"{namespace}/{slug}",
        f"{namespace}/{slug.lower()}",
        f"https://www.linkedin.com/{namespace}/{slug}/",
    )


ACCESSIBILITE = AccountLink(
    Platform.LINKEDIN,
    "company/normes-d-accessibilité-canada",
    "company/normes-d-accessibilité-canada",
    "https://www.linkedin.com/company/normes-d-accessibilit%C3%A9-canada/",
)

ACCEPTED = [
    ("https://www.linkedin.com/company/uaegov/", None, page("company", "uaegov")),
    ("linkedin.com/company/uaegov", None, page("company", "uaegov")),
    ("https://ae.linkedin.com/company/uae-gov", None, page("company", "uae-gov")),
    ("http://uk.linkedin.com/company/UAEGov/?trk=public_profile", None, page("company", "UAEGov")),
    ("HTTPS://WWW.LINKEDIN.COM/COMPANY/UAEGOV/", None, page("company", "UAEGOV")),
    ("m.linkedin.com/company/uaegov/posts/?feedView=all#x", None, page("company", "uaegov")),
    ("https://www.linkedin.com/company/uaegov/about/", None, page("company", "uaegov")),
    ("https://www.linkedin.com/showcase/uaegov-events/", None, page("showcase", "uaegov-events")),
    ("https://www.linkedin.com/in/mohammed-al-example-12345/", None, page("in", "mohammed-al-example-12345")),
    ("https://www.linkedin.com/company/1234567/", None, page("company", "1234567")),
    # Accented slugs, percent-encoded as LinkedIn serves them or typed raw: one page.
    (
        "https://www.linkedin.com/company/normes-d-accessibilit%C3%A9-canada/about/",
        None,
        ACCESSIBILITE,
    ),
    ("https://www.linkedin.com/company/normes-d-accessibilité-canada", None, ACCESSIBILITE),
    ("ca.linkedin.com/company/normes-d-accessibilit%c3%a9-canada/posts/?feedView=all", None, ACCESSIBILITE),
    (
        "https://www.linkedin.com/company/Normes-D-Accessibilit%C3%89-Canada/",
        None,
        AccountLink(
            Platform.LINKEDIN,
            "company/Normes-D-AccessibilitÉ-Canada",
            "company/normes-d-accessibilité-canada",
            "https://www.linkedin.com/company/Normes-D-Accessibilit%C3%89-Canada/",
        ),
    ),
    (
        "https://www.linkedin.com/showcase/%C3%A9v%C3%A9nements-canada/",
        None,
        AccountLink(
            Platform.LINKEDIN,
            "showcase/événements-canada",
            "showcase/événements-canada",
            "https://www.linkedin.com/showcase/%C3%A9v%C3%A9nements-canada/",
        ),
    ),
    (
        "https://ae.linkedin.com/company/%D9%88%D8%B2%D8%A7%D8%B1%D8%A9/",  # an Arabic slug
        None,
        AccountLink(
            Platform.LINKEDIN, "company/وزارة", "company/وزارة",
            "https://www.linkedin.com/company/%D9%88%D8%B2%D8%A7%D8%B1%D8%A9/",
        ),
    ),
    ("HTTPS://WWW.LINKEDIN.COM./company/uaegov/", None, page("company", "uaegov")),
    ("https://www.linkedin.com/school/uaeu/", None, page("school", "uaeu")),  # a university's page
    ("ae.linkedin.com/school/Khalifa-University/people/", None, page("school", "Khalifa-University")),
    ("company/uaegov", "linkedin", page("company", "uaegov")),
    ("in/some.person", Platform.LINKEDIN, page("in", "some.person")),
]

REFUSED = [
    ("linkedin.com.evil.example/company/uaegov", None, "unknown_platform"),
    ("notlinkedin.com/company/uaegov", None, "unknown_platform"),
    ("ae.linkedin.com.evil.example/company/uaegov", None, "unknown_platform"),
    ("abc.linkedin.com/company/uaegov", None, "unknown_platform"),  # only two-letter country hosts
    ("linkedin.co/company/uaegov", None, "unknown_platform"),
    ("https://www.linkedin.com@evil.example/company/uaegov", None, "invalid_link"),
    ("https://www.linkedin.com/posts/uaegov_activity-123", None, "not_an_account"),
    ("https://www.linkedin.com/feed/update/urn:li:activity:123/", None, "not_an_account"),
    ("https://www.linkedin.com/pulse/some-article", None, "not_an_account"),
    ("https://www.linkedin.com/company/", None, "not_an_account"),
    ("https://www.linkedin.com/", None, "not_an_account"),
    ("uaegov", "linkedin", "not_an_account"),  # company or member? not guessed
    ("https://www.linkedin.com/company/uae%20gov/", None, "invalid_handle"),
    ("https://www.linkedin.com/company/-uaegov/", None, "invalid_handle"),
    ("company/uaegov", None, "platform_required"),
    ("https://www.linkedin.com/company/uaegov/", "facebook", "platform_mismatch"),
    ("https://www.linkedin.com/company/normes-d-accessibilite%CC%81-canada/", None, "invalid_handle"),  # e + accent
    ("https://www.linkedin.com/company/%E2%84%AAing/", None, "invalid_handle"),  # a Kelvin sign reads as "k"
    ("https://www.linkedin.com/company/uae%E2%80%8Bgov/", None, "invalid_handle"),  # a zero-width space
    ("https://www.linkedin.com/company/uae%C3gov/", None, "invalid_handle"),  # not UTF-8
    ("https://www.linkedin.com/company/%C3%A9%2Fgov/", None, "invalid_handle"),  # an encoded "/"
    ("https://www.linkedin.com/company/_uaegov/", None, "invalid_handle"),
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_spellings_of_one_page_share_a_key():
    spellings = [
        "https://www.linkedin.com/company/UAEGov/",
        "ae.linkedin.com/company/uaegov",
        "company/UAEGOV",
    ]
    assert handle_keys(spellings, "linkedin") == {"company/uaegov"}


def test_an_accented_slug_raw_or_percent_encoded_is_one_page():
    spellings = [
        "https://www.linkedin.com/company/normes-d-accessibilit%C3%A9-canada/about/",
        "https://www.linkedin.com/company/normes-d-accessibilité-canada/",
        "linkedin.com/company/NORMES-D-ACCESSIBILIT%C3%89-CANADA",
        "company/normes-d-accessibilité-canada",
    ]
    assert handle_keys(spellings, "linkedin") == {"company/normes-d-accessibilité-canada"}
    assert handle_keys(["linkedin.com/company/normes-d-accessibilite-canada"]) != handle_keys(spellings[:1])


def test_namespaces_have_different_keys():
    keys = {
        parse_account_link(f"https://www.linkedin.com/{namespace}/uaegov/").handle_key
        for namespace in ("company", "showcase", "school", "in")
    }
    assert keys == {"company/uaegov", "showcase/uaegov", "school/uaegov", "in/uaegov"}
