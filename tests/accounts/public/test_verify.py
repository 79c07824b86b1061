"""Verify: "is this account official?" from the page, the API and `accounts.verify.verify`.

A small register is built on every platform; the table gives pasted inputs and the answer each must
get. A wrong "official" is the worst failure the register can have, so hypothesis also mutates the
official handles and checks none of the mutations is ever answered "official".
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings, strategies as st
from rest_framework.test import APIClient

from accounts.models import LookalikeSighting, Status
from accounts.platforms import AccountLinkError, Platform, link_examples, parse_account_link
from accounts.public.verify import verify
from accounts.radar.services import flush_sightings, mark_impostor, withdraw_impostor
from tests.platforms.stub import PlatformStub, Reply

# name → (link, platform, status): the register every test here checks against.
REGISTER = {
    "x_uaegov": ("https://x.com/UAEGov", None, Status.APPROVED),
    "x_mofa": ("https://x.com/MOFAUAE", None, Status.APPROVED),
    "x_health": ("https://x.com/healthministry", None, Status.APPROVED),
    "x_mohre": ("https://x.com/mohrecentre", None, Status.APPROVED),
    "x_old": ("https://x.com/oldministry", None, Status.RETIRED),
    "x_hacked": ("https://x.com/hackedacct", None, Status.COMPROMISED),
    "x_moved_old": ("https://x.com/modgovae", None, Status.RETIRED),
    "x_moved_new": ("https://x.com/modgovae", None, Status.APPROVED),
    "ig_uaegov": ("https://www.instagram.com/uaegov/", None, Status.APPROVED),
    "fb_uaegov": ("https://www.facebook.com/UAEGov", None, Status.APPROVED),
    "yt_uaegov": ("https://www.youtube.com/@UAEGov", None, Status.APPROVED),
    "li_uaegov": ("https://www.linkedin.com/company/uaegov/", None, Status.APPROVED),
    "tt_uaegov": ("https://www.tiktok.com/@uaegov", None, Status.APPROVED),
    "sc_uaegov": ("https://www.snapchat.com/add/uaegov", None, Status.RETIRED),
    "tg_uaegov": ("https://t.me/uaegov", None, Status.APPROVED),
    "th_uaegov": ("https://www.threads.com/@uaegov", None, Status.COMPROMISED),
    "wa_uaegov": ("https://whatsapp.com/channel/0029VaAbCdEfGhIjKlMnOp1q", None, Status.APPROVED),
    "bs_uaegov": ("https://bsky.app/profile/uaegov.bsky.social", None, Status.APPROVED),
    "ma_uaegov": ("https://mastodon.social/@uaegov", None, Status.APPROVED),
    # Never disclosed: registered, but not (yet, or any more) in the public register.
    "x_draft": ("https://x.com/draftacct", None, Status.DRAFT),
    "x_submitted": ("https://x.com/submittedacct", None, Status.SUBMITTED),
    "x_rejected": ("https://x.com/rejectedacct", None, Status.REJECTED),
    "x_changes": ("https://x.com/changesacct", None, Status.CHANGES_REQUESTED),
    "ig_submitted": ("https://www.instagram.com/pendingministry/", None, Status.SUBMITTED),
    "tt_draft": ("https://www.tiktok.com/@draftonly", None, Status.DRAFT),
}


@pytest.fixture
def register(make_channel, make_entity, make_official):
    entity = make_entity(name_en="Government of the UAE", name_ar="حكومة الإمارات")
    official = make_official(entity=entity, name_en="The Minister", name_ar="الوزير")
    channels = {}
    for name, (link, platform, status) in REGISTER.items():
        fields = {"official": official} if name == "x_mofa" else {}
        channels[name] = make_channel(link, platform=platform, status=status, entity=entity, **fields)
    return channels


OFFICIAL, FORMER, COMPROMISED, NOT_REG, INVALID = (
    "official", "formerly_official", "compromised", "not_registered", "invalid")

# (input, platform, result, the channel answered, the official channels named as look-alikes)
CASES = [
    # Official, in the forms people paste.
    ("https://mobile.twitter.com/UAEGov?lang=ar", None, OFFICIAL, "x_uaegov", []),
    ("x.com/uaegov/", None, OFFICIAL, "x_uaegov", []),
    ("  HTTPS://X.COM/UAEGOV  ", None, OFFICIAL, "x_uaegov", []),
    ("https://twitter.com/UAEGov/status/1234567890", None, OFFICIAL, "x_uaegov", []),
    ("@UAEGov", "x", OFFICIAL, "x_uaegov", []),
    ("uaegov", "x", OFFICIAL, "x_uaegov", []),
    ("https://x.com/UAEGov?s=20&t=abc", None, OFFICIAL, "x_uaegov", []),
    ("twitter.com/MOFAUAE", None, OFFICIAL, "x_mofa", []),
    ("instagram.com/uaegov/?hl=en", None, OFFICIAL, "ig_uaegov", []),
    ("https://www.instagram.com/stories/uaegov/", None, OFFICIAL, "ig_uaegov", []),
    ("@uaegov", "instagram", OFFICIAL, "ig_uaegov", []),
    ("m.facebook.com/UAEGov", None, OFFICIAL, "fb_uaegov", []),
    ("https://www.facebook.com/uaegov/?ref=page", None, OFFICIAL, "fb_uaegov", []),
    ("youtube.com/@UAEGov", None, OFFICIAL, "yt_uaegov", []),
    ("https://m.youtube.com/@uaegov/videos", None, OFFICIAL, "yt_uaegov", []),
    ("ae.linkedin.com/company/uaegov", None, OFFICIAL, "li_uaegov", []),
    ("https://www.linkedin.com/company/uaegov/about/", None, OFFICIAL, "li_uaegov", []),
    ("tiktok.com/@uaegov", None, OFFICIAL, "tt_uaegov", []),
    ("t.me/s/uaegov", None, OFFICIAL, "tg_uaegov", []),
    ("https://t.me/uaegov", None, OFFICIAL, "tg_uaegov", []),
    ("https://whatsapp.com/channel/0029VaAbCdEfGhIjKlMnOp1q", None, OFFICIAL, "wa_uaegov", []),
    ("https://bsky.app/profile/uaegov.bsky.social", None, OFFICIAL, "bs_uaegov", []),
    ("@uaegov.bsky.social", "bluesky", OFFICIAL, "bs_uaegov", []),
    ("https://mastodon.social/@uaegov", None, OFFICIAL, "ma_uaegov", []),
    ("@uaegov@mastodon.social", None, OFFICIAL, "ma_uaegov", []),
    # A handle with no platform: answered when exactly one platform has it.
    ("mohrecentre", None, OFFICIAL, "x_mohre", []),
    ("@oldministry", None, FORMER, "x_old", []),
    # A retired and a live approved row under one key: the approved one wins.
    ("x.com/modgovae", None, OFFICIAL, "x_moved_new", []),
    # Formerly official and compromised.
    ("https://x.com/oldministry", None, FORMER, "x_old", []),
    ("snapchat.com/add/uaegov", None, FORMER, "sc_uaegov", []),
    ("https://x.com/hackedacct", None, COMPROMISED, "x_hacked", []),
    ("threads.net/@uaegov", None, COMPROMISED, "th_uaegov", []),
    # Not in the register, with no look-alike.
    ("https://x.com/someoneelse", None, NOT_REG, None, []),
    ("https://www.instagram.com/cats_of_dubai/", None, NOT_REG, None, []),
    ("https://www.tiktok.com/@dancer", None, NOT_REG, None, []),
    # The same handle on a platform where it is not registered is not official there.
    ("https://www.snapchat.com/add/mofauae", None, NOT_REG, None, []),
    # Drafts, submissions, rejections and requests for changes are never disclosed.
    ("https://x.com/draftacct", None, NOT_REG, None, []),
    ("x.com/submittedacct", None, NOT_REG, None, []),
    ("@rejectedacct", "x", NOT_REG, None, []),
    ("https://twitter.com/changesacct", None, NOT_REG, None, []),
    ("instagram.com/pendingministry", None, NOT_REG, None, []),
    ("tiktok.com/@draftonly", None, NOT_REG, None, []),
    ("draftonly", None, INVALID, None, []),
    # Look-alikes: digit/letter swaps.
    ("https://x.com/uaeg0v", None, NOT_REG, None, ["x_uaegov"]),
    ("https://x.com/M0FAUAE", None, NOT_REG, None, ["x_mofa"]),
    ("https://x.com/rnofauae", None, NOT_REG, None, ["x_mofa"]),
    ("instagram.com/uae.g0v", None, NOT_REG, None, ["ig_uaegov"]),
    ("https://x.com/MOFAUAE1", None, NOT_REG, None, ["x_mofa"]),
    ("https://x.com/hea1thministry", None, NOT_REG, None, ["x_health"]),
    # Small edit distance: 1 for short handles, 2 for long ones.
    ("https://x.com/uaegovv", None, NOT_REG, None, ["x_uaegov"]),
    ("https://x.com/uagov", None, NOT_REG, None, ["x_uaegov"]),  # a deletion
    ("https://x.com/heathministyr", None, NOT_REG, None, ["x_health"]),
    ("https://x.com/mofuae", None, NOT_REG, None, ["x_mofa"]),
    # The official handle plus words and separators.
    ("https://x.com/UAEGov_official", None, NOT_REG, None, ["x_uaegov"]),
    ("https://x.com/real_uaegov", None, NOT_REG, None, ["x_uaegov"]),
    ("https://x.com/uaegovnews", None, NOT_REG, None, ["x_uaegov"]),
    ("https://x.com/MOFA_UAE", None, NOT_REG, None, ["x_mofa"]),
    ("https://www.instagram.com/uaegov.official/", None, NOT_REG, None, ["ig_uaegov"]),
    ("tiktok.com/@the.uaegov", None, NOT_REG, None, ["tt_uaegov"]),
    ("t.me/uaegov_ar", None, NOT_REG, None, ["tg_uaegov"]),
    ("youtube.com/@UAEGovOfficial", None, NOT_REG, None, ["yt_uaegov"]),
    ("facebook.com/UAEGov.News", None, NOT_REG, None, ["fb_uaegov"]),
    ("linkedin.com/company/uaegov-official", None, NOT_REG, None, ["li_uaegov"]),
    ("https://mastodon.social/@uaegov_official", None, NOT_REG, None, ["ma_uaegov"]),
    # Too long for an X handle (15 at most), so no such account exists, but it still dresses up as one.
    ("https://x.com/MOFAUAE_official_gov", None, NOT_REG, None, ["x_mofa"]),
    ("@UAEGov_official_account", "x", NOT_REG, None, ["x_uaegov"]),
    # Confusable characters: Cyrillic and Greek letters for Latin, mixed and whole-script.
    ("x.com/uаegov", None, NOT_REG, None, ["x_uaegov"]),  # Cyrillic а
    ("https://x.com/МОFАUАЕ", None, NOT_REG, None, ["x_mofa"]),  # Cyrillic М О А Е
    ("instagram.com/uаеgоv", None, NOT_REG, None, ["ig_uaegov"]),  # Cyrillic а е о
    ("t.me/uaegον", None, NOT_REG, None, ["tg_uaegov"]),  # Greek ο, Latin v... and Greek ν
    ("@uаegov", "x", NOT_REG, None, ["x_uaegov"]),
    # Zero-width and other invisible characters.
    ("x.com/uae\u200bgov", None, NOT_REG, None, ["x_uaegov"]),
    ("https://x.com/UAE\u200dGov", None, NOT_REG, None, ["x_uaegov"]),
    ("@uaegov\u2060", "instagram", NOT_REG, None, ["ig_uaegov"]),
    ("x.com/\u202euaegov", None, NOT_REG, None, ["x_uaegov"]),
    # Full-width forms.
    ("ｘ.ｃｏｍ/ｕａｅｇｏｖ", None, NOT_REG, None, ["x_uaegov"]),
    ("https://x.com/ＵＡＥＧｏｖ", None, NOT_REG, None, ["x_uaegov"]),
    # A look-alike host: not the platform, but still named as imitating it.
    ("https://x.cоm/uaegov", None, NOT_REG, None, ["x_uaegov"]),
    # Not understood.
    ("", None, INVALID, None, []),
    ("hello world, is this real?", None, INVALID, None, []),
    ("https://notfacebook.com/UAEGov", None, INVALID, None, []),
    ("https://x.com/home", None, INVALID, None, []),
    ("https://www.instagram.com/p/Cabc123/", None, INVALID, None, []),
    ("https://x.com@evil.example/uaegov", None, INVALID, None, []),
    ("ftp://x.com/uaegov", None, INVALID, None, []),
    # A handle without its platform is looked up on every platform: registered on several, the answer
    # is its best registration (an approved one), and `matches` names every platform (test below).
    ("@uaegov", None, OFFICIAL, "x_uaegov", []),
    ("@MOFAUAE", None, OFFICIAL, "x_mofa", []),  # the real account is never called its own imitation
    ("@uaegov", "myspace", INVALID, None, []),
    # A link of another platform than the one chosen: the link is the truth (answered, with a note below).
    ("https://x.com/uaegov", "instagram", OFFICIAL, "x_uaegov", []),
    ("https://www.facebook.com/UAEGov", "x", OFFICIAL, "fb_uaegov", []),
    ("https://www.youtube.com/@uaegov/videos", "facebook", OFFICIAL, "yt_uaegov", []),
    ("https://www.facebook.com/uaeg0v", "x", NOT_REG, None, ["fb_uaegov"]),
    ("https://www.facebook.com/watch?v=1", "x", INVALID, None, []),  # no account on its own platform either
    # Older forms real registers still use.
    ("https://twitter.com/@MOFAUAE", None, OFFICIAL, "x_mofa", []),
    ("http://twitter.com/#!/UAEGov", None, OFFICIAL, "x_uaegov", []),
]


@pytest.mark.parametrize(("text", "platform", "result", "channel", "lookalikes"), CASES,
                         ids=[f"{i}-{case[2]}" for i, case in enumerate(CASES)])
def test_verify_answers(register, text, platform, result, channel, lookalikes):
    answer = verify(text, platform)
    assert answer.result == result, (text, answer.error_code, answer.error_message)
    assert answer.channel == (register[channel] if channel else None)
    if lookalikes or result == OFFICIAL:
        assert [c.pk for c in answer.lookalikes] == [register[name].pk for name in lookalikes]
    if result == INVALID:
        assert answer.error_code and answer.error_message and answer.examples == link_examples()
    if result == OFFICIAL:
        assert answer.link.handle_key == answer.channel.handle_key and answer.channel.status == Status.APPROVED
    if answer.link is not None:
        assert bool(answer.platform_note) == (platform is not None and answer.link.platform != platform)
    else:
        assert not answer.platform_note


def test_a_link_of_another_platform_than_chosen_is_answered_for_with_a_note(client, register):
    """A person who left X chosen and pasted a Facebook link gets the Facebook answer, and is told."""
    answer = verify("https://www.facebook.com/UAEGov", "x")
    assert (answer.result, answer.channel, answer.link.platform) == (OFFICIAL, register["fb_uaegov"], "facebook")
    assert "X" in answer.platform_note and "Facebook" in answer.platform_note and not answer.error_code

    body = APIClient().get("/api/v1/verify/", {"q": "https://www.facebook.com/UAEGov", "platform": "x"}).json()
    assert (body["result"], body["input"]["platform"], body["error"]) == (OFFICIAL, "facebook", None)
    assert body["note"]["code"] == "platform_mismatch" and "Facebook" in body["note"]["detail"]
    assert APIClient().get("/api/v1/verify/", {"q": "https://www.facebook.com/UAEGov"}).json()["note"] is None

    page = client.get("/en/verify/", {"q": "https://www.facebook.com/UAEGov", "platform": "x"}).content.decode()
    assert f'data-result="{OFFICIAL}"' in page and "data-platform-note" in page
    arabic = client.get("/ar/verify/", {"q": "https://www.facebook.com/UAEGov", "platform": "x"}).content.decode()
    assert "data-platform-note" in arabic and "https://www.facebook.com/UAEGov" in arabic


def test_a_handle_without_its_platform_names_every_platform_it_is_registered_on(register):
    answer = verify("@uaegov")
    assert (answer.result, answer.channel, answer.lookalikes) == (OFFICIAL, register["x_uaegov"], [])
    shown = {channel.platform: channel.status for channel in answer.matches}
    assert shown == {
        "x": Status.APPROVED, "instagram": Status.APPROVED, "facebook": Status.APPROVED, "youtube": Status.APPROVED,
        "tiktok": Status.APPROVED, "telegram": Status.APPROVED,  # LinkedIn's is a company page, not @uaegov
        "snapchat": Status.RETIRED, "threads": Status.COMPROMISED,
    }
    assert answer.matches[0] == answer.channel
    # Approved before compromised before retired, so nobody reads the retired one as the answer.
    assert [c.status for c in answer.matches][-2:] == [Status.COMPROMISED, Status.RETIRED]


def test_a_handle_registered_nowhere_asks_for_the_platform_and_never_names_itself(register, make_channel):
    answer = verify("@pendingministry")  # submitted on Instagram: not public, so registered nowhere
    assert (answer.result, answer.error_code, answer.matches) == (INVALID, "platform_required", [])
    answer = verify("@MOFAUAE1")
    assert answer.result == INVALID and "MOFAUAE1".lower() not in {c.handle_key for c in answer.lookalikes}


def test_the_api_lists_every_platform_a_bare_handle_is_registered_on(client, register):
    body = client.get("/api/v1/verify/", {"q": "@uaegov"}).json()
    assert body["result"] == OFFICIAL and body["channel"]["platform"] == "x"
    assert [match["platform"] for match in body["matches"]][0] == "x" and len(body["matches"]) == 8
    assert body["lookalikes"] == []


def test_the_page_lists_every_platform_a_bare_handle_is_registered_on(client, register):
    page = client.get("/en/verify/", {"q": "@uaegov"}).content.decode()
    assert "Official: this account is in the register." in page
    assert 'data-platform="instagram" data-status="approved"' in page
    assert 'data-platform="threads" data-status="compromised"' in page


def test_lookalikes_are_ranked_closest_first_at_most_three_each_saying_how_it_differs(make_channel, client):
    """UAE handles share patterns, so a look-alike often resembles several: the strongest first."""
    entity = None
    for handle in ("uaegav", "uaegob", "UAEGov", "uaegova", "uaegovnews"):
        channel = make_channel(f"https://x.com/{handle}", **({"entity": entity} if entity else {}))
        entity = channel.entity
    with translation.override("en"):
        answer = verify("https://x.com/uaeg0v")
    assert answer.result == NOT_REG
    # Same skeleton (0 for o) before the official handle with words added before one edit away.
    assert [c.handle for c in answer.lookalikes] == ["UAEGov", "uaegovnews", "uaegav"]
    swap = "\u20660\u2069 in place of \u2066o\u2069"  # the characters isolated, for an Arabic sentence too
    assert answer.lookalike_reasons[0] == swap
    assert "words added" in answer.lookalike_reasons[1] and "1 character different" in answer.lookalike_reasons[2]
    body = client.get("/api/v1/verify/", {"q": "https://x.com/uaeg0v"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert [(c["handle"], c["reason"]) for c in body["lookalikes"]][0] == ("UAEGov", swap)  # the handle plain
    assert len(body["lookalikes"]) == 3
    page = client.get("/en/verify/", {"q": "https://x.com/uaeg0v"}).content.decode()
    assert f"({swap})" in page


@pytest.mark.parametrize("typed", ["حكومة الامارات", "government of the uae", "  Government  UAE "])
def test_a_name_typed_into_the_box_offers_the_entitys_accounts(client, register, typed):
    entity = register["x_uaegov"].entity
    answer = verify(typed)
    assert answer.result == INVALID and answer.entities == [entity]
    body = client.get("/api/v1/verify/", {"q": typed}).json()
    assert [e["slug"] for e in body["entities"]] == [entity.slug]
    page = client.get("/en/verify/", {"q": typed}).content.decode()
    assert "Did you mean the official accounts of:" in page and f'href="/en/entities/{entity.slug}/"' in page


def test_a_handle_or_a_link_is_never_read_as_a_name(register):
    assert verify("@government").entities == [] and verify("https://x.com/nosuch").entities == []
    assert verify("وزارة لا وجود لها").entities == []  # a name nobody has: nothing to offer


def test_table_covers_every_platform_and_kind():
    assert len(CASES) >= 60
    platforms = set()
    for text, platform, _result, _channel, _lookalikes in CASES:
        try:
            platforms.add(parse_account_link(text, platform).platform)
        except AccountLinkError:
            pass
    assert platforms == set(Platform)
    assert {case[2] for case in CASES} == {OFFICIAL, FORMER, COMPROMISED, NOT_REG, INVALID}


def test_one_edit_on_a_short_handle_is_a_lookalike_only_from_five_letters(register):
    assert [c.pk for c in verify("https://x.com/uaegow").lookalikes] == [register["x_uaegov"].pk]
    # "uagov" is one deletion from "uaegov": named too (both are at least five letters)...
    assert register["x_uaegov"] in verify("https://x.com/uagov").lookalikes
    # ...but unrelated short handles are not.
    assert verify("https://x.com/abcd").lookalikes == []


def test_answers_name_owner_and_dates(register):
    official = verify("https://x.com/MOFAUAE")
    assert official.channel.official.name_en == "The Minister"
    assert official.channel.entity.name_en == "Government of the UAE"
    assert official.channel.approved_at is not None
    former = verify("https://x.com/oldministry").channel
    assert former.approved_at < former.retired_at


# --- Property-based ----------------------------------------------------------------------------------------

_HANDLE = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{2,14}", fullmatch=True)
_FORMS = st.sampled_from([
    "https://x.com/{h}", "x.com/{h}/", "https://mobile.twitter.com/{h}?lang=ar", "instagram.com/{h}/?hl=en",
    "https://www.tiktok.com/@{h}", "t.me/s/{h}", "https://www.youtube.com/@{h}", "m.facebook.com/{h}",
    "https://www.threads.com/@{h}", "https://www.snapchat.com/add/{h}", "https://mastodon.social/@{h}",
    "https://bsky.app/profile/{h}.bsky.social", "ae.linkedin.com/company/{h}", "  {h}  ",
])
_ANY_TEXT = st.one_of(
    st.text(max_size=60),
    st.builds(lambda form, h: form.format(h=h), _FORMS, st.text(max_size=20)),
    st.builds(lambda form, h: form.format(h=h), _FORMS, _HANDLE),
)


@settings(max_examples=300, deadline=None)
@given(text=_ANY_TEXT, platform=st.sampled_from([None, "", *Platform.values, "nonsense"]))
def test_parsing_never_raises_anything_but_a_refusal(text, platform):
    try:
        link = parse_account_link(text, platform)
    except AccountLinkError as error:
        assert error.code and error.message
    else:
        assert link.handle_key and link.canonical_url.startswith("https://")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_ANY_TEXT, platform=st.sampled_from([None, "x", "mastodon", "bluesky", "nonsense"]))
def test_verify_never_raises(register, text, platform):
    answer = verify(text, platform)
    assert answer.result in (OFFICIAL, FORMER, COMPROMISED, NOT_REG, INVALID)


@settings(max_examples=300, deadline=None)
@given(form=_FORMS, handle=_HANDLE)
def test_normalising_is_idempotent(form, handle):
    try:
        link = parse_account_link(form.format(h=handle))
    except AccountLinkError:
        return
    # A Mastodon link on a server off the short list needs the platform named; the canonical link says it.
    platform = link.platform if link.platform == Platform.MASTODON else None
    again = parse_account_link(link.canonical_url, platform)
    assert again == link
    assert parse_account_link(again.canonical_url, platform) == again


_CONFUSABLE = {"a": "аɑα", "e": "еє", "o": "оο0", "i": "іı1l", "l": "1Iӏ|", "s": "ѕ5", "c": "сϲ", "p": "р",
               "u": "υս", "v": "νѵ", "g": "ɡ", "m": "rn", "w": "vv", "b": "8"}
_WORDS = ["_official", "official", "uae", "gov", "news", "real", "_", ".", "the", "2", "ae"]


@st.composite
def _mutation(draw, key):
    text = key
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "substitute", "confusable", "word", "case", "invisible"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789_")) + text[at:]
        elif kind == "delete" and len(text) > 1:
            text = text[:at] + text[at + 1:]
        elif kind == "substitute":
            text = text[:at] + draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789")) + text[at + 1:]
        elif kind == "confusable" and text[at:at + 1].lower() in _CONFUSABLE:
            text = text[:at] + draw(st.sampled_from(_CONFUSABLE[text[at].lower()])) + text[at + 1:]
        elif kind == "word":
            word = draw(st.sampled_from(_WORDS))
            text = word + text if draw(st.booleans()) else text + word
        elif kind == "case":
            text = text.swapcase()
        elif kind == "invisible":
            text = text[:at] + draw(st.sampled_from("\u200b\u200c\u200d\u2060\ufeff\u00ad")) + text[at:]
    return text


_OFFICIAL_TARGETS = [("x", "uaegov", "https://x.com/{h}"), ("x", "mofauae", "@{h}"),
                     ("x", "healthministry", "twitter.com/{h}"), ("instagram", "uaegov", "instagram.com/{h}/"),
                     ("telegram", "uaegov", "t.me/{h}"), ("youtube", "uaegov", "youtube.com/@{h}")]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), target=st.sampled_from(_OFFICIAL_TARGETS))
def test_no_mutation_of_an_official_handle_is_answered_official(register, data, target):
    platform, handle, form = target
    key = parse_account_link(form.format(h=handle), platform).handle_key
    mutated = data.draw(_mutation(handle))
    text = form.format(h=mutated)
    answer = verify(text, platform)
    try:
        same_key = parse_account_link(text, platform).handle_key == key
    except AccountLinkError:
        same_key = False
    if answer.result == OFFICIAL:
        assert same_key, text
        assert answer.channel.handle_key == key and answer.channel.platform == platform
    else:
        assert not same_key, text


# --- The page and the API ----------------------------------------------------------------------------------

PAGE_CASES = [
    ("https://x.com/MOFAUAE", OFFICIAL, ["The Minister", "Government of the UAE", "https://x.com/MOFAUAE"]),
    ("https://x.com/oldministry", FORMER, ["not run by the government any more"]),
    ("https://x.com/hackedacct", COMPROMISED, ["do not trust"]),
    ("https://x.com/M0FAUAE", NOT_REG, ["Not in the register", 'href="https://x.com/MOFAUAE"']),
    ("https://x.com/home", INVALID, ["Forms the register accepts", "https://x.com/UAEGov"]),
]


@pytest.mark.parametrize(("text", "result", "shown"), PAGE_CASES)
def test_verify_page_answers(client, register, text, result, shown):
    response = client.get("/en/verify/", {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-result="{result}"' in html
    for piece in shown:
        assert piece in html
    # The answer's shareable link is the same GET URL.
    assert "Link to this answer" in html and "?q=" in html


def test_verify_page_without_a_question_shows_the_form(client, db):
    html = client.get(reverse("verify")).content.decode()
    assert 'name="q"' in html and "data-result" not in html


def test_verify_page_in_arabic_names_the_owner_in_arabic(client, register):
    response = client.get("/ar/verify/", {"q": "https://x.com/MOFAUAE"})
    assert "حكومة الإمارات" in response.content.decode()


API_CASES = [
    ("https://x.com/MOFAUAE", None, OFFICIAL),
    ("https://x.com/oldministry", None, FORMER),
    ("https://x.com/hackedacct", None, COMPROMISED),
    ("https://x.com/uaeg0v", None, NOT_REG),
    ("@nosuchministry", None, INVALID),  # registered on no platform: which one is it?
]


@pytest.mark.parametrize(("text", "platform", "result"), API_CASES)
def test_verify_api_answers(register, text, platform, result):
    response = APIClient().get("/api/v1/verify/", {"q": text, **({"platform": platform} if platform else {})})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == result
    assert set(body) == {"result", "channel", "matches", "entities", "lookalikes", "input", "error", "caution",
                         "impostor", "note"}
    assert body["caution"] is None  # no refresh found trouble with any of these
    if result in (OFFICIAL, FORMER, COMPROMISED):
        channel = register[{"MOFAUAE": "x_mofa", "oldministry": "x_old", "hackedacct": "x_hacked"}[text[14:]]]
        assert body["channel"]["id"] == channel.pk and body["channel"]["status"] == channel.status
        assert body["channel"]["entity"] == {"slug": channel.entity.slug, "name_ar": "حكومة الإمارات",
                                             "name_en": "Government of the UAE"}
        assert body["input"]["platform"] == "x" and body["error"] is None
        assert body["matches"] == [body["channel"]]  # a link names its platform: one registration
    if result == OFFICIAL:
        assert body["channel"]["official"]["name_en"] == "The Minister" and body["channel"]["retired_at"] is None
    if result == FORMER:
        assert body["channel"]["retired_at"] and body["channel"]["since"]
    if result == NOT_REG:
        assert body["channel"] is None and [c["handle"] for c in body["lookalikes"]] == ["UAEGov"]
    if result == INVALID:
        assert body["error"]["code"] == "platform_required" and body["input"] is None


def test_verify_api_without_q_is_a_bad_request(db):
    response = APIClient().get("/api/v1/verify/")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.parametrize("name", ["x_draft", "x_submitted", "x_rejected", "x_changes"])
def test_unapproved_handles_are_not_disclosed_by_page_or_api(client, register, name):
    link = REGISTER[name][0]
    body = APIClient().get("/api/v1/verify/", {"q": link}).json()
    assert body["result"] == NOT_REG and body["channel"] is None and body["lookalikes"] == []
    html = client.get("/en/verify/", {"q": link}).content.decode()
    assert f'data-result="{NOT_REG}"' in html and register[name].entity.name_en not in html


@pytest.mark.parametrize("kind", ["id_changed", "renamed", "suspended", "not_found"])
def test_an_official_account_in_trouble_on_its_platform_comes_with_a_caution(client, register, make_user, kind):
    from accounts.models import Alert
    from accounts.services import resolve_alert

    channel = register["x_uaegov"]
    alert = Alert.objects.create(channel=channel, kind=kind, details={"handle": channel.handle})
    answer = APIClient().get("/api/v1/verify/", {"q": channel.canonical_url}, HTTP_ACCEPT_LANGUAGE="en").json()
    # One verdict: under check, never "official" beside a warning; the caution says what and since when.
    assert answer["result"] == "under_check" and answer["channel"]["status"] == "approved"
    assert answer["caution"]["code"] == kind and "checking" in answer["caution"]["detail"]
    assert answer["caution"]["since"] == alert.opened_at.isoformat()
    page = client.get(f"/en/verify/?q={channel.canonical_url}").content.decode()
    assert 'data-result="under_check"' in page and "Under check: do not rely on this account for now." in page
    assert "Official: this account is in the register." not in page
    for url in (f"/en/verify/?q={channel.canonical_url}", f"/en/channels/{channel.pk}/"):
        shown = client.get(url).content.decode()
        assert f'data-caution="{kind}"' in shown, url
        # Both doors give one verdict: under check, never "official" beside the warning.
        assert "Under check: do not rely on this account for now." in shown, url
        assert "Official: this account is in the register." not in shown, url
    assert verify("@uaegov").result == "under_check"  # by handle alone too
    assert 'data-caution=' not in client.get(f"/ar/verify/?q={register['x_mofa'].canonical_url}").content.decode()

    resolve_alert(user=make_user(reviewer=True), alert_id=alert.pk, note="Checked with the ministry.",
                  two_factor=True)
    answer = APIClient().get("/api/v1/verify/", {"q": channel.canonical_url}).json()
    assert (answer["result"], answer["caution"]) == ("official", None)


def test_a_drop_in_followers_is_no_reason_for_caution(register):
    from accounts.models import Alert

    channel = register["x_uaegov"]
    Alert.objects.create(channel=channel, kind="follower_drop", details={})
    assert APIClient().get("/api/v1/verify/", {"q": channel.canonical_url}).json()["caution"] is None


# --- Known impostors and the radar's counts ------------------------------------------------------

@pytest.fixture
def impostor(register, make_user):
    return mark_impostor(user=make_user(reviewer=True), link="https://x.com/UAEG0v", two_factor=True,
                         reason="Asks for bank details.", reported_on=timezone.localdate() - timedelta(days=3))


def test_a_known_impostor_is_answered_so_with_the_date_it_was_reported(client, register, impostor):
    answer = verify("https://twitter.com/uaeg0v")
    assert answer.result == "known_impostor" and answer.impostor == impostor and answer.channel is None
    assert answer.lookalikes[0] == register["x_uaegov"]  # and what it imitates, as for any look-alike

    body = APIClient().get("/api/v1/verify/", {"q": "https://x.com/UAEG0v"}).json()
    assert body["result"] == "known_impostor" and body["channel"] is None
    assert body["impostor"]["reported_on"] == impostor.reported_on.isoformat()
    assert body["lookalikes"][0]["handle"] == "UAEGov"

    with translation.override("en"):
        response = client.get(reverse("verify"), {"q": "https://x.com/UAEG0v"})
    text = " ".join(response.content.decode().split())
    assert 'data-result="known_impostor"' in text
    assert "Known impostor: this account is not official." in text
    assert "reported it to the platform on" in text


def test_a_bare_handle_marked_on_one_platform_is_a_known_impostor(register, impostor):
    assert verify("UAEG0v").result == "known_impostor"


def test_a_mark_never_outranks_a_live_registration_and_a_withdrawn_mark_is_forgotten(register, impostor,
                                                                                  make_channel, make_user):
    # Approved later after all (the reviewer was warned): the registration's answer wins.
    channel = make_channel("https://x.com/UAEG0v", status=Status.APPROVED)
    assert verify("https://x.com/UAEG0v").result == "official"
    channel.status = Status.RETIRED
    channel.retired_at = timezone.now()
    channel.save()
    # Retired: the mark (an impostor took the handle the government left) outranks the old registration.
    assert verify("https://x.com/UAEG0v").result == "known_impostor"
    withdraw_impostor(user=make_user(reviewer=True), impostor_id=impostor.pk, reason="Platform removed it.",
                      two_factor=True)
    assert verify("https://x.com/UAEG0v").result == "formerly_official"


def test_only_lookalike_questions_are_counted_by_the_page_and_the_api(client, register):
    client.get(reverse("verify"), {"q": "https://x.com/UAEG0v"})
    APIClient().get("/api/v1/verify/", {"q": "@uaeg0v", "platform": "x"})
    # Official, not registered and like nothing, unreadable: nothing to count.
    client.get(reverse("verify"), {"q": "https://x.com/UAEGov"})
    client.get(reverse("verify"), {"q": "https://x.com/zzqqxxyy"})
    APIClient().get("/api/v1/verify/", {"q": "not a link at all"})
    flush_sightings()
    sighting = LookalikeSighting.objects.get()
    assert (sighting.platform, sighting.handle_key, sighting.count) == ("x", "uaeg0v", 2)
    assert sighting.resembles == register["x_uaegov"]


# --- Share links copied from the platforms' apps ---------------------------------------------------

@pytest.fixture
def short_link_hosts(settings):
    """The platforms' short-link hosts, answered by a local stub."""
    with PlatformStub() as stub:
        settings.SHORT_LINK_BASE_URLS = {host: stub.url for host in ("vm.tiktok.com", "www.facebook.com")}
        yield stub


def test_a_share_link_is_answered_for_the_account_it_leads_to(client, register, short_link_hosts):
    short_link_hosts.route("/ZMabc123/", Reply(301, b"", {
        "Location": "https://www.tiktok.com/@uaegov/video/7300000000000000000?_r=1"}))
    answer = verify("https://vm.tiktok.com/ZMabc123/")
    assert answer.result == "official" and answer.channel == register["tt_uaegov"]
    assert answer.shared_link == "https://vm.tiktok.com/ZMabc123/"

    body = APIClient().get("/api/v1/verify/", {"q": "https://vm.tiktok.com/ZMabc123/"}).json()
    assert body["result"] == "official" and body["input"]["shared_link"] == "https://vm.tiktok.com/ZMabc123/"
    with translation.override("en"):
        text = " ".join(client.get(reverse("verify"), {"q": "https://vm.tiktok.com/ZMabc123/"}).content.decode().split())
    assert 'The share link you pasted leads to <bdi dir="ltr">https://www.tiktok.com/@uaegov</bdi>.' in text
    assert len(short_link_hosts.requests) == 1  # asked once; the rest from the cache


def test_a_share_link_leading_off_the_platform_is_refused_in_words(register, short_link_hosts):
    short_link_hosts.route("/share/1AbCdEfGh/", Reply(302, b"", {"Location": "https://evil.example/@uaegov"}))
    answer = verify("https://www.facebook.com/share/1AbCdEfGh/")
    assert answer.result == "invalid" and answer.error_code == "short_link_elsewhere" and answer.error_message
