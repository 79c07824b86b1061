"""The columns an import reads, under their Arabic or English headings, and the words it
understands in them: language names (`Bilingual`, `Français`, `عربي`...) and platform names.

The public export's columns (accounts/api/export.py COLUMNS: entity_slug, url, official_slug,
languages as `ar;en`...) are headings of the same fields, so an exported register imports back
with nothing to do; its other columns (id, status, followers...) are read by nobody here.
"""
from __future__ import annotations

import re

from accounts.models import Language
from accounts.platforms import Platform
from accounts.search import normalize

# What a row may say, in the template's order; `handle` stands in for `link` where that is empty
# (the export has both).
FIELDS = ("entity", "entity_ar", "official", "platform", "link", "languages", "description", "display_name",
          "handle")
TEMPLATE_FIELDS = ("entity", "entity_ar", "official", "platform", "link", "languages", "description")

ARABIC_HEADINGS = {
    "entity": "الجهة",
    "entity_ar": "اسم الجهة بالعربية",
    "official": "المسؤول",
    "platform": "المنصة",
    "link": "الرابط",
    "languages": "اللغات",
    "description": "الوصف",
    "display_name": "الاسم الظاهر",
    "handle": "اسم المستخدم",
}

# Every heading a file may give each field, best first: of two headings of one field in a file,
# the earlier one here is read (the export's entity_slug before its entity_name_en).
HEADINGS: dict[str, tuple[str, ...]] = {
    "entity": ("entity", "entity_slug", "الجهة", "الجهة الحكومية", "entity_name", "entity_name_en",
               "entity name (english)", "اسم الجهة"),
    "entity_ar": ("entity_ar", "entity_name_ar", "اسم الجهة بالعربية", "الجهة بالعربية", "entity name (arabic)",
                  "arabic name"),
    "official": ("official", "official_slug", "المسؤول", "official_name", "official_name_en"),
    "platform": ("platform", "المنصة", "network", "منصة التواصل"),
    "link": ("link", "url", "الرابط", "رابط الحساب", "account link", "account url", "address"),
    "languages": ("languages", "language", "اللغات", "اللغة", "lang"),
    "description": ("description", "الوصف", "notes", "ملاحظات"),
    "display_name": ("display_name", "display name", "الاسم الظاهر", "الاسم المعروض", "account name", "اسم الحساب"),
    "handle": ("handle", "المعرف", "username", "اسم المستخدم"),
}


def heading_key(text: str) -> str:
    """A heading as compared: folded like searches (case, hamza, ta marbuta), spaces and dashes as `_`."""
    return re.sub(r"[\s\-]+", "_", normalize(text).strip(" :*_"))


_HEADING_RANK = {
    heading_key(heading): (field, rank) for field, headings in HEADINGS.items()
    for rank, heading in enumerate(headings)
}


def map_headings(headings: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which cell of a row holds each field ({field: index}), and the headings no field is read from."""
    best: dict[str, tuple[int, int]] = {}
    for index, heading in enumerate(headings):
        known = _HEADING_RANK.get(heading_key(heading))
        if known is None:
            continue
        field, rank = known
        if field not in best or rank < best[field][0]:
            best[field] = (rank, index)
    columns = {field: index for field, (_rank, index) in best.items()}
    used = set(columns.values())
    unread = [heading for index, heading in enumerate(headings) if heading and index not in used]
    return columns, unread


def template_headings(language: str) -> list[str]:
    """The template's first row, in Arabic or in English."""
    return [ARABIC_HEADINGS[field] if language == "ar" else field for field in TEMPLATE_FIELDS]


# --- Languages ----------------------------------------------------------------------------------

_LANGUAGE_WORDS = {
    Language.ARABIC: ("ar", "ara", "arabic", "arabe", "عربي", "عربية", "العربية", "عربى"),
    Language.ENGLISH: ("en", "eng", "english", "anglais", "انجليزي", "إنجليزي", "الإنجليزية", "انجليزية",
                       "انكليزي", "الانكليزية"),
    Language.FRENCH: ("fr", "fra", "fre", "french", "français", "francais", "فرنسي", "الفرنسية", "فرنسية"),
    Language.URDU: ("ur", "urdu", "اردو", "أردو", "الأردية", "الاردية"),
    Language.HINDI: ("hi", "hindi", "هندي", "الهندية"),
    Language.CHINESE: ("zh", "chinese", "中文", "صيني", "الصينية"),
    Language.RUSSIAN: ("ru", "russian", "русский", "روسي", "الروسية"),
}
_BOTH = ("bilingual", "bilingue", "ثنائي اللغة", "ثنائية اللغة", "ثنائي", "ar/en", "arabic & english")
_NOISE = ("and", "&", "+", "و", "اللغة", "اللغات", "language", "languages", "only", "فقط")

LANGUAGE_WORDS = {normalize(word): code for code, words in _LANGUAGE_WORDS.items() for word in words}
BILINGUAL = frozenset(normalize(word) for word in _BOTH)
NOISE = frozenset(normalize(word) for word in _NOISE)
_SEPARATORS = re.compile(r"[\s,;/|+&،؛]+")


def read_languages(text: str) -> tuple[list[str], list[str]]:
    """The language codes a cell names, in its order, and the words in it that name none.

    `ar en`, `ar;en`, `Arabic, English`, `Bilingual`, `عربي وإنجليزي`, `ثنائي اللغة` all read as
    ar and en."""
    folded = normalize(text or "")
    if not folded:
        return [], []
    if folded in BILINGUAL:
        return [Language.ARABIC.value, Language.ENGLISH.value], []
    codes: list[str] = []
    unknown: list[str] = []
    for word in _SEPARATORS.split(folded):
        if not word or word in NOISE:
            continue
        code = LANGUAGE_WORDS.get(word)
        if code is None and word.startswith("و") and len(word) > 1:  # "وإنجليزي": and English
            code = LANGUAGE_WORDS.get(word[1:])
        if code is None and word in BILINGUAL:
            codes += [Language.ARABIC.value, Language.ENGLISH.value]
            continue
        if code is None:
            unknown.append(word)
        else:
            codes.append(code)
    return list(dict.fromkeys(codes)), unknown


# --- Platforms ------------------------------------------------------------------------------------

_PLATFORM_WORDS = {
    Platform.X: ("twitter", "x (twitter)", "twitter (x)", "x/twitter", "x / twitter", "x.com", "تويتر", "اكس",
                 "إكس", "منصة اكس"),
    Platform.INSTAGRAM: ("insta", "ig", "انستغرام", "انستجرام", "إنستغرام", "انستقرام", "إنستجرام"),
    Platform.FACEBOOK: ("fb", "فيسبوك", "فيس بوك"),
    Platform.YOUTUBE: ("يوتيوب", "يو تيوب"),
    Platform.LINKEDIN: ("linked in", "لينكدإن", "لينكد إن", "لينكدان", "لينكد ان"),
    Platform.TIKTOK: ("tik tok", "تيك توك", "تيكتوك"),
    Platform.SNAPCHAT: ("snap", "سناب شات", "سناب", "سنابشات"),
    Platform.TELEGRAM: ("تيليجرام", "تلغرام", "تليجرام", "تيليغرام"),
    Platform.THREADS: ("ثريدز",),
    Platform.WHATSAPP: ("whatsapp", "whatsapp channel", "واتساب", "قناة واتساب"),
    Platform.BLUESKY: ("bsky", "بلوسكاي", "بلو سكاي"),
    Platform.MASTODON: ("ماستودون",),
}
PLATFORM_WORDS = {
    **{normalize(platform.value): platform.value for platform in Platform},
    # The labels that are names (X, YouTube), not a translated phrase read at import time.
    **{normalize(platform.label): platform.value for platform in Platform if isinstance(platform.label, str)},
    **{normalize(word): platform.value for platform, words in _PLATFORM_WORDS.items() for word in words},
}


def read_platform(text: str) -> str:
    """The platform a cell names (`Twitter`, `تويتر` are X), or what it says as it is, for the link
    reader to refuse by name."""
    return PLATFORM_WORDS.get(normalize(text or ""), (text or "").strip())
