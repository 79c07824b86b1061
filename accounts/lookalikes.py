"""Handles that imitate one another: the warnings a reviewer sees before approving, and the look-alike
answers the public gets from verify.

Two handle keys look alike when a hurried reader could take one for the other:
- their skeletons are equal: after NFKC (full-width forms), dropping invisible characters and
  combining marks, folding every Unicode confusable to its ASCII prototype (TR39's confusables
  data, shipped by `confusable-homoglyphs`: Cyrillic "а", Greek "ο", "ℓ"...), which catches mixed-
  and whole-script look-alikes, then folding the swaps people make by hand (0/o, 1/l/I, 5/s, rn/m...)
  and separators;
- one is the other plus words impostors add (official, uae, gov, news, real...);
- they are a small edit apart (1 for short handles, 2 for handles of 10 characters or more).

`imitated` compares a key with every candidate it is given: the definition, and the tests' oracle.
At a million channels that is seconds per question, so verify and the radar ask
`imitated_officials`, and reviewers `similar_live_channels`, which find their candidates through
LookalikeKeys (a GIN index of hashed keys, kept by `lookalike_keys_update` on every write of a
handle) and then confirm each with `imitated`/`looks_alike` themselves: the same answers, in a
query.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from confusable_homoglyphs.confusables import confusables_data
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _, ngettext

from accounts.models import PUBLIC_STATUSES, Channel, LookalikeKeys, Status
from accounts.platforms import AccountLinkError, Platform, parse_account_link
from registry.compiled import CompiledRead
from registry.direction import isolate

_SWAPS = [("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("|", "l"), ("5", "s"), ("3", "e"),
          ("4", "a"), ("7", "t"), ("8", "b"), ("$", "s")]
_SEPARATORS = re.compile(r"[\s._\-·•'’]")
_WORDS = ("official", "offical", "oficial", "real", "the", "uae", "gov", "ae", "news", "team", "page",
          "account", "online", "media", "info")
# Around the official handle (never inside it), also short tags: "uaegov_ar", "uaegov.tv".
_TAGS = _WORDS + ("tv", "hq", "en", "ar", "ad", "dxb", "dubai", "abudhabi", "co", "org", "com", "x")

_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Mn", "Me"})


@lru_cache(maxsize=8192)
def _prototype(char: str) -> str:
    """The ASCII character a non-ASCII one imitates (TR39 confusables), or the character itself."""
    if char.isascii():
        return char
    for glyph in confusables_data.get(char, ()):
        shown = glyph["c"].replace("\u200e", "").replace("\u200f", "")
        if len(shown) == 1 and shown.isascii() and shown.isprintable():
            return shown
    return char


def ascii_fold(text: str) -> str:
    """The text as it reads: full-width forms, invisible characters, accents and confusables folded.

    Keeps case and punctuation, so a folded link can be parsed again ("x.cоm/uаegov" → "x.com/uaegov").
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in unicodedata.normalize("NFD", text) if unicodedata.category(char) not in _HIDDEN)
    return "".join(_prototype(char) for char in unicodedata.normalize("NFC", text))


@lru_cache(maxsize=8192)
def skeleton(key: str) -> str:
    """What a key looks like to a hurried reader: confusables, look-alike characters and separators folded."""
    folded = "".join(_prototype(char) for char in ascii_fold(key).casefold())
    folded = _SEPARATORS.sub("", folded)
    for seen, meant in _SWAPS:
        folded = folded.replace(seen, meant)
    return folded


def _words_pattern(words: Iterable[str]) -> str:
    # Matched against skeletons, so the words are folded the same way ("official" reads "offlclal").
    return "|".join(sorted({skeleton(word) for word in words}, key=len, reverse=True))


_ADDED_WORDS = re.compile(_words_pattern(_WORDS))
_ONLY_TAGS = re.compile("(?:" + _words_pattern(_TAGS) + r"|\d)*")


def _bare(folded: str) -> str:
    return _ADDED_WORDS.sub("", folded)


def _only_added_words(rest: str) -> bool:
    return _ONLY_TAGS.fullmatch(rest) is not None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent swaps (optimal string alignment), or limit + 1 once it is
    known to be larger. Only the band of cells within `limit` of the diagonal is computed: a cell
    outside it is more than `limit` already. Every look-alike candidate passes through here, a few
    hundred per question at a million channels, so the band (5 cells a row, not the whole row)
    is what keeps a question within its milliseconds."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    beyond = limit + 1
    width = len(b)
    previous2: list[int] = []
    previous = [j if j <= limit else beyond for j in range(width + 1)]
    for i, ca in enumerate(a, 1):
        current = [beyond] * (width + 1)
        if i <= limit:
            current[0] = i
        low, high = max(1, i - limit), min(width, i + limit)
        for j in range(low, high + 1):
            cb = b[j - 1]
            cost = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < cost:
                cost = previous[j] + 1
            if current[j - 1] + 1 < cost:
                cost = current[j - 1] + 1
            if previous2 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and previous2[j - 2] + 1 < cost:
                cost = previous2[j - 2] + 1
            current[j] = cost if cost < beyond else beyond
        if min(current[low - 1:high + 1]) > limit:
            return beyond
        previous2, previous = previous, current
    return previous[width]


# How close a look-alike is, strongest first: the same skeleton (confusable characters, digit and
# letter swaps), then the official handle with words added, then a small edit.
SAME_SKELETON, ADDED_WORDS, EDITED = 0, 1, 2


def _likeness(sa: str, sb: str) -> tuple[int, int] | None:
    """(kind, size of the difference) when two skeletons look alike, else None."""
    if sa == sb:
        return SAME_SKELETON, 0
    shorter, longer = sorted((sa, sb), key=len)
    # The official handle plus added words and separators: "uaegov_official", "real.uaegov", "uaegovnews".
    if len(shorter) >= 4 and shorter in longer:
        start = longer.index(shorter)
        if _only_added_words(longer[:start]) and _only_added_words(longer[start + len(shorter):]):
            return ADDED_WORDS, len(longer) - len(shorter)
    ba, bb = _bare(sa), _bare(sb)
    if len(ba) >= 3 and ba == bb:
        return ADDED_WORDS, max(1, abs(len(sa) - len(sb)))
    shortest = min(len(sa), len(sb))
    limit = 2 if shortest >= 10 else 1 if shortest >= 5 else 0
    if limit:
        distance = edit_distance(sa, sb, limit)
        if distance <= limit:
            return EDITED, distance
    return None


def _skeletons_alike(sa: str, sb: str) -> bool:
    return _likeness(sa, sb) is not None


def looks_alike(a: str, b: str) -> bool:
    """Whether two different handle keys could be taken for one another."""
    if a == b:
        return False
    return _skeletons_alike(skeleton(a), skeleton(b))


def imitated(key: str, candidates: Iterable[Channel], *, exact_counts: bool = False) -> list[Channel]:
    """The candidates whose handle `key` imitates; with exact_counts, an equal key counts too (for text
    that only reads as the handle after folding, such as one with a Cyrillic letter in it)."""
    folded = skeleton(key)
    found = []
    for channel in candidates:
        if channel.handle_key == key and not exact_counts:
            continue
        if channel.handle_key == key or _skeletons_alike(folded, skeleton(channel.handle_key)):
            found.append(channel)
    return found


def closest(key: str, channels: Iterable[Channel], *, limit: int = 3) -> list[tuple[Channel, str]]:
    """The channels `key` imitates, closest first (same skeleton, then added words, then edits;
    fewer differences first), at most `limit`, each with a sentence saying how it differs."""
    ranked = []
    for channel in channels:
        kind, size = _likeness(skeleton(key), skeleton(channel.handle_key)) or (SAME_SKELETON, 0)
        if kind == SAME_SKELETON:
            common = min(len(key), len(channel.handle_key))
            size = sum(key[i] != channel.handle_key[i] for i in range(common)) + abs(len(key) - len(channel.handle_key))
        ranked.append((kind, size, channel.handle_key, channel.pk, channel))
    ranked.sort(key=lambda row: row[:4])
    # Said only of those shown: a handle of common words looks like dozens.
    return [(channel, _difference(key, channel, kind, size)) for kind, size, _key, _pk, channel in ranked[:limit]]


def _difference(key: str, channel: Channel, kind: int, size: int) -> str:
    official = isolate(channel.handle, ltr=True)  # a handle inside a sentence of either direction
    if kind == SAME_SKELETON:
        if key == channel.handle_key:
            return str(_("hidden or look-alike characters in the handle"))
        if len(key) == len(channel.handle_key) and len(channel.handle) == len(key):
            swaps = [_("%(typed)s in place of %(official)s") % {"typed": isolate(typed, ltr=True),
                                                                  "official": isolate(meant, ltr=True)}
                     for typed, meant, lower in zip(key, channel.handle, channel.handle_key, strict=True)
                     if typed != lower]
            return ", ".join(swaps[:2])
        return str(_("characters that look like those of %(handle)s") % {"handle": official})
    if kind == ADDED_WORDS:
        return str(_("%(handle)s with words added") % {"handle": official})
    return str(ngettext("%(count)s character different from %(handle)s",
                        "%(count)s characters different from %(handle)s", size) % {"count": size, "handle": official})


def approved_channels(platform: str | None = None) -> list[Channel]:
    """The live official channels (with owners) look-alikes are checked against, all of them: with
    `imitated`, the brute force `imitated_officials` must agree with (the tests' oracle)."""
    channels = Channel.public_objects.with_owner().filter(status=Status.APPROVED).order_by("handle_key", "pk")
    if platform:
        channels = channels.filter(platform=platform)
    return list(channels)




# --- Finding the candidates by index ------------------------------------------------------------
# Each rule of `_likeness` becomes an equality between a key of the stored handle and a key of the
# one asked about (the "lookup" keys); a candidate shares at least one key with every handle it
# looks alike with, and `imitated` confirms it.
# - same skeleton: the skeletons themselves;
# - added words: the shorter skeleton is a "core" of the longer (what is left once tag words and
#   digits are taken off its ends): the stored skeleton among the asked one's cores, or the asked
#   skeleton among the stored cores; or equal skeletons once `_bare` drops the added words;
# - one edit (both skeletons of 5 characters or more): a string both reach by deleting at most one
#   character (a substitution deletes the same place on both sides, an insertion on one side, an
#   adjacent swap one of the two letters on each side);
# - two edits (both of 10 or more): the stored skeleton is cut into three parts with one character
#   between each two. An edit touches at most one part (a swap across a part's end takes the
#   character between), so with two edits one part is intact, and it lies in the asked skeleton
#   where it lies in the stored one, shifted by at most two. Three keys per channel, where the two-
#   deletion neighbourhood would be over a hundred for a 15-character handle.
_EDITS_FROM = 5  # the shortest skeleton an edit counts on (`_likeness`)
_TWO_EDITS_FROM = 10
_CORE_FROM = 4
_BARE_FROM = 3


def _key(platform: str, kind: str, text: str) -> int:
    # 4 bytes: half the index of 8, and a collision (about one in 200 questions at a million
    # channels) only adds a candidate that the comparison then refuses.
    data = f"{platform}\x1f{kind}\x1f{text}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=4).digest(), "big", signed=True)


def _cores(folded: str) -> set[str]:
    """The skeletons `folded` is made of with only tag words or digits around (itself excepted)."""
    starts = [i for i in range(len(folded) + 1) if _only_added_words(folded[:i])]
    ends = [j for j in range(len(folded) + 1) if _only_added_words(folded[j:])]
    return {folded[i:j] for i in starts for j in ends if j - i >= _CORE_FROM} - {folded}


def _within_one_deletion(folded: str) -> set[str]:
    return {folded} | {folded[:i] + folded[i + 1:] for i in range(len(folded))}


def _parts(length: int) -> list[tuple[int, int]]:
    """(start, size) of the three parts of a skeleton of `length`, one character between each two."""
    free = length - 2
    sizes = [free // 3 + (i < free % 3) for i in range(3)]
    return [(0, sizes[0]), (sizes[0] + 1, sizes[1]), (sizes[0] + sizes[1] + 2, sizes[2])]


def _platform_code(platform: str) -> str:
    return Platform(platform).value


def lookalike_keys(platform: str, handle_key: str) -> list[int]:
    """The keys stored for a channel with this handle (see LookalikeKeys), sorted."""
    platform, folded = _platform_code(platform), skeleton(handle_key)
    keys = {("same", folded)} | {("core", core) for core in _cores(folded)}
    bare = _bare(folded)
    if len(bare) >= _BARE_FROM:
        keys.add(("bare", bare))
    if len(folded) >= _EDITS_FROM:
        keys |= {("edit", variant) for variant in _within_one_deletion(folded)}
    if len(folded) >= _TWO_EDITS_FROM:
        keys |= {("part", f"{len(folded)}:{i}:{folded[start:start + size]}")
                 for i, (start, size) in enumerate(_parts(len(folded)))}
    return sorted({_key(platform, kind, text) for kind, text in keys})


def _lookup_keys(platform: str, key: str) -> list[int]:
    """The keys a channel whose handle `key` could imitate (or be imitated by) has among its own."""
    platform, folded = _platform_code(platform), skeleton(key)
    keys = {("same", folded)} | {("same", core) for core in _cores(folded)}
    if len(folded) >= _CORE_FROM:
        keys.add(("core", folded))
    bare = _bare(folded)
    if len(bare) >= _BARE_FROM:
        keys.add(("bare", bare))
    if len(folded) >= _EDITS_FROM:
        keys |= {("edit", variant) for variant in _within_one_deletion(folded)}
    if len(folded) >= _TWO_EDITS_FROM:
        for length in range(max(_TWO_EDITS_FROM, len(folded) - 2), len(folded) + 3):
            for i, (start, size) in enumerate(_parts(length)):
                for at in range(max(0, start - 2), min(start + 2, len(folded) - size) + 1):
                    keys.add(("part", f"{length}:{i}:{folded[at:at + size]}"))
    return sorted({_key(platform, kind, text) for kind, text in keys})


def lookalike_keys_update(channels: Iterable[Channel]) -> None:
    """Store the look-alike keys of channels just registered, or whose platform or handle changed:
    in bulk, one statement per 2,000 channels. Called by every write of a handle (the services, the
    demo loader, the migration that filled the table)."""
    rows = [LookalikeKeys(channel_id=channel.pk, keys=lookalike_keys(channel.platform, channel.handle_key))
            for channel in channels]
    LookalikeKeys.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["channel"],
                                      update_fields=["keys"])


def _candidates(channels, platform: str, key: str) -> list[Channel]:
    """The channels of `channels` on `platform` sharing a key with `key`'s lookups: one statement,
    whose ids come from the GIN index alone (the database function `lookalike_candidates`, migration
    0011, says why), then the channels by primary key."""
    ids = RawSQL("SELECT lookalike_candidates(%s::integer[])", [_lookup_keys(platform, key)])
    return list(channels.filter(platform=platform, pk__in=ids))


def imitated_officials(key: str, platform: str, *, exact_counts: bool = False) -> list[Channel]:
    """What `imitated(key, approved_channels(platform), exact_counts=...)` answers, in its order, from
    one indexed query instead of the whole platform. The candidates are read as handles alone and
    confirmed first; only the few that look alike are read whole, with their owners: a handle made
    of common words may share a key with hundreds."""
    approved = Channel.public_objects.filter(status=Status.APPROVED).only("pk", "handle_key")
    candidates = _candidates(approved.order_by("handle_key", "pk"), platform, key)
    confirmed = [channel.pk for channel in imitated(key, candidates, exact_counts=exact_counts)]
    whole = Channel.public_objects.with_owner().in_bulk(confirmed)
    return [whole[pk] for pk in confirmed if pk in whole]


# Verify asks these two on every question about a handle nobody registered: their SQL is built once
# (registry/compiled.py), which at a few milliseconds an answer is a third of the time.
# Candidates as rows of (pk, handle, handle_key), not channels: there may be dozens, and only the
# few shown are read whole.
_OFFICIAL_CANDIDATES = CompiledRead(lambda platform, keys: (
    Channel.public_objects.filter(status=Status.APPROVED, platform=platform)
    .filter(pk__in=RawSQL("SELECT lookalike_candidates(%s::integer[])", [keys]))
    .values_list("pk", "handle", "handle_key", named=True)))
_WITH_OWNERS = CompiledRead(lambda ids: Channel.public_objects.with_owner().filter(pk__in=ids))


def closest_officials(key: str, platform: str, *, limit: int = 3,
                      exact_counts: bool = False) -> list[tuple[Channel, str]]:
    """`closest(key, imitated_officials(key, platform, exact_counts=...), limit=limit)`, reading whole,
    with their owners, only the `limit` channels it names: a handle of common words looks like
    dozens of official ones, and verify shows three."""
    candidates = _OFFICIAL_CANDIDATES(str(platform), _lookup_keys(platform, key))
    ranked = closest(key, imitated(key, candidates, exact_counts=exact_counts), limit=limit)
    if not ranked:
        return []
    whole = {channel.pk: channel for channel in _WITH_OWNERS([channel.pk for channel, _ in ranked])}
    return [(whole[channel.pk], reason) for channel, reason in ranked if channel.pk in whole]


def similar_live_channels(channel: Channel) -> list[Channel]:
    """Live registrations on the same platform whose handle this one imitates (or is imitated by)."""
    others = _candidates(Channel.private_objects.live().with_owner().exclude(pk=channel.pk), channel.platform,
                         channel.handle_key)
    return [other for other in others if looks_alike(channel.handle_key, other.handle_key)]


LOOKALIKES_SHOWN = 3  # as verify shows


def lookalike_officials(channel: Channel, *, link: str | None = None,
                        platform: str | None = None) -> list[tuple[Channel, str]]:
    """Other entities' official accounts the channel's handle looks like, closest first as verify
    ranks them, at most three, each with how it differs: asked while the link can still change
    (a draft, changes requested), by the staff pages and by the submit rule
    (`Transition.confirms_lookalikes`). `link` (and `platform`): a link typed but not yet saved,
    read in its place; one that cannot be read warns of nothing (the service refuses it). The
    channel's own entity's accounts are not a warning (`officials_alike`)."""
    if channel.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
        return []
    key, on = channel.handle_key, channel.platform
    if link:
        try:
            account = parse_account_link(link, platform or None)
        except AccountLinkError:
            return []
        key, on = account.handle_key, account.platform.value
    return officials_alike(key, on, entity_id=channel.entity_id, exclude_id=channel.pk)


def officials_alike(key: str, platform: str, *, entity_id: int, exclude_id: int | None = None
                    ) -> list[tuple[Channel, str]]:
    """Official accounts of entities other than `entity_id` that the handle `key` looks like, closest
    first as verify ranks them, at most three, each with how it differs, whatever the channel's state
    (the review area asks it of submissions and proposals). The entity's own accounts are not a
    warning: asked for as many more as it has, then left out."""
    own = Channel.private_objects.filter(entity_id=entity_id, platform=platform,
                                         status__in=PUBLIC_STATUSES).count()
    ranked = closest_officials(key, platform, limit=LOOKALIKES_SHOWN + own)
    others = [(other, reason) for other, reason in ranked
              if other.entity_id != entity_id and other.pk != exclude_id]
    return others[:LOOKALIKES_SHOWN]
