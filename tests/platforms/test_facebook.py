"""Reading Facebook page and profile links: accepted forms, refusals, canonical links."""
from __future__ import annotations

from accounts.platforms import AccountLink, Platform
from tests.platforms.table import handle_keys, table_tests


def page(name: str) -> AccountLink:
    return AccountLink(Platform.FACEBOOK, name, name.lower(), f"https://www.facebook.com/{name}")


def numbered(page_id: str) -> AccountLink:
    return AccountLink(
        Platform.FACEBOOK, page_id, f"id/{page_id}", f"https://www.facebook.com/profile.php?id={page_id}"
    )


ACCEPTED = [
    ("https://www.facebook.com/UAEGov", None, page("UAEGov")),
    ("m.facebook.com/UAEGov", None, page("UAEGov")),
    ("facebook.com/uaegov/", None, page("uaegov")),
    ("http://web.facebook.com/UAEGov?mibextid=ZbWKwL", None, page("UAEGov")),
    ("HTTPS://MOBILE.FACEBOOK.COM/UAEGOV#about", None, page("UAEGOV")),
    ("https://www.facebook.com/UAEGov/posts/pfbid02abcDEF123", None, page("UAEGov")),
    ("https://www.facebook.com/UAEGov/about/", None, page("UAEGov")),
    ("https://fb.com/UAEGov", None, page("UAEGov")),
    ("fb.me/uae.gov", None, page("uae.gov")),
    ("https://www.facebook.com/pg/UAEGov/about/", None, page("UAEGov")),
    ("https://www.facebook.com/profile.php?id=100064000000000", None, numbered("100064000000000")),
    ("facebook.com/profile.php?id=100064000000000&sk=about", None, numbered("100064000000000")),
    ("https://www.facebook.com/people/UAE-Gov/100064000000000/", None, numbered("100064000000000")),
    ("https://www.facebook.com/pages/UAE-Gov/123456789012345", None, numbered("123456789012345")),
    ("https://www.facebook.com/p/UAE-Gov-100064000000000/", None, numbered("100064000000000")),
    ("https://www.facebook.com/UAE-Government-123456789012345/", None, numbered("123456789012345")),
    ("https://www.facebook.com/100064000000000", None, numbered("100064000000000")),
    ("http://www.facebook.com/#!/UAEGov", None, page("UAEGov")),  # the 2010-2012 site's addresses
    ("https://www.facebook.com/#!/pages/UAE-Gov/123456789012345", None, numbered("123456789012345")),
    ("https://WWW.Facebook.COM./UAEGov", None, page("UAEGov")),
    ("https://ar-ar.facebook.com/UAEGov", None, page("UAEGov")),  # links copied in another language
    ("en-gb.facebook.com/UAEGov/about", None, page("UAEGov")),
    ("@UAEGov", "facebook", page("UAEGov")),
    ("100064000000000", Platform.FACEBOOK, numbered("100064000000000")),
]

REFUSED = [
    ("https://ar-ar.facebook.com.evil.example/UAEGov", None, "unknown_platform"),
    ("https://arabic.facebook.com/UAEGov", None, "unknown_platform"),
    ("https://ar-ar-ae.facebook.com/UAEGov", None, "unknown_platform"),
    ("https://ar-ar.notfacebook.com/UAEGov", None, "unknown_platform"),
    ("notfacebook.com/UAEGov", None, "unknown_platform"),
    ("notfacebook.com", None, "unknown_platform"),
    ("facebook.com.evil.example/UAEGov", None, "unknown_platform"),
    ("https://fаcebook.com/UAEGov", None, "unknown_platform"),  # a Cyrillic а
    ("https://xn--fcebook-2fg.com/UAEGov", None, "unknown_platform"),
    ("https://l.facebook.com/l.php?u=https://evil.example", None, "unknown_platform"),
    ("https://facebook.com@evil.example/UAEGov", None, "invalid_link"),
    ("https://www.facebook.com/watch?v=123", None, "not_an_account"),
    ("https://fb.watch/abcDEF/", None, "not_an_account"),
    ("https://www.facebook.com/groups/123456/", None, "not_an_account"),
    ("https://www.facebook.com/events/123456/", None, "not_an_account"),
    ("https://www.facebook.com/marketplace/", None, "not_an_account"),
    ("https://www.facebook.com/sharer/sharer.php?u=x", None, "not_an_account"),
    ("https://www.facebook.com/sharer.php?u=x", None, "not_an_account"),
    ("https://www.facebook.com/share/1AbCdEf/", None, "not_an_account"),
    ("https://www.facebook.com/login/", None, "not_an_account"),
    ("https://www.facebook.com/help/", None, "not_an_account"),
    ("https://www.facebook.com/hashtag/uae", None, "not_an_account"),
    ("https://www.facebook.com/photo.php?fbid=123", None, "not_an_account"),
    ("https://www.facebook.com/profile.php", None, "not_an_account"),
    # Facebook reads the last of several ids.
    ("https://www.facebook.com/profile.php?id=100064000000000&id=100099999999999", None, "not_an_account"),
    ("https://www.facebook.com/0123456", None, "invalid_handle"),  # not a name, nor a page number
    ("https://www.facebook.com/", None, "not_an_account"),
    ("https://www.facebook.com/profile.php?id=abc", None, "invalid_handle"),
    ("https://www.facebook.com/UAE_Gov", None, "invalid_handle"),
    ("notfacebook.com", "facebook", "invalid_handle"),  # not a page name either
    ("watch", "facebook", "invalid_handle"),
    ("UAEGov", None, "platform_required"),
    ("https://www.facebook.com/#!/groups/123456/", None, "not_an_account"),
    ("https://www.facebook.com/#!/UAEGov/../UAEG0v", None, "invalid_link"),
    ("https://www.facebook.com/help#!/UAEGov", None, "not_an_account"),  # a path of its own wins
    ("https://www.facebook.com/UAEGov", "instagram", "platform_mismatch"),
    ("https://www.facebook.com/UAEGov", "x", "platform_mismatch"),  # a Facebook link filed as X
]


test_accepted, test_canonical_link_reads_back_the_same, test_refused = table_tests(ACCEPTED, REFUSED)


def test_spellings_of_one_page_share_a_key():
    spellings = [
        "https://www.facebook.com/UAEGov",
        "m.facebook.com/uaegov/",
        "web.facebook.com/UAEGOV",
        "uaegov",
    ]
    assert handle_keys(spellings, "facebook") == {"uaegov"}


def test_spellings_of_one_page_id_share_a_key():
    spellings = [
        "https://www.facebook.com/profile.php?id=100064000000000",
        "https://www.facebook.com/people/Some-Name/100064000000000/",
        "https://www.facebook.com/p/Some-Name-100064000000000/",
        "100064000000000",
    ]
    assert handle_keys(spellings, "facebook") == {"id/100064000000000"}
