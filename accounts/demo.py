"""The demo register (manage.py load_demo): invented entities, officials, channels and a year of followers."""
from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation

from accounts.lookalikes import lookalike_keys_update
from accounts.models import Channel, ChannelEvent, FollowerSnapshot, RefreshStatus, SnapshotSource, Status
from accounts.platforms import Platform, parse_account_link
from accounts.services import open_dormant_alerts
from entities.models import Entity, EntityKind, Official
from registry.authentication import confirmed_totp_device
from registry.models import User
from registry.second_factor import enrolment_link_issue, enrolment_url
from registry.services import staff_add

DUBAI = ZoneInfo("Asia/Dubai")
M = TypeVar("M", Entity, Official)

# The demo's staff. The passwords are printed by the command: they only ever guard sample data.
EDITOR_EMAIL = "editor@demo.gco.example"
EDITOR_PASSWORD = "demo-editor-2026"
REVIEWER_EMAIL = "reviewer@demo.gco.example"
REVIEWER_PASSWORD = "demo-reviewer-2026"
EDITOR_ENTITY = "ministry-of-foreign-affairs"

FOLLOWERS_TOTAL = 31_000_000  # what the real register's approved channels add up to
HISTORY_DAYS = 366  # a year of daily snapshots, today included
SNAPSHOT_BATCH = 5_000

K = EntityKind

# One letter per channel an owner runs (a letter again: a second account on that platform, with its
# purpose stated); the order of ENTITIES and OFFICIALS rows is free.
PLATFORM_CODES: dict[str, Platform] = {
    "x": Platform.X, "i": Platform.INSTAGRAM, "f": Platform.FACEBOOK, "y": Platform.YOUTUBE,
    "l": Platform.LINKEDIN, "t": Platform.TIKTOK, "s": Platform.SNAPCHAT, "g": Platform.TELEGRAM,
    "h": Platform.THREADS, "w": Platform.WHATSAPP, "b": Platform.BLUESKY, "m": Platform.MASTODON,
}

# slug, abbreviation (the stem of its invented handles), kind, reach (1 national headline
# accounts .. 4 specialist; sizes the follower counts), platforms, domain, English, Arabic, parent slug.
ENTITY_ROWS: list[tuple] = [
    ("uae-cabinet", "cabinet", K.COUNCIL, 1, "xifylt", "uaecabinet.ae", "UAE Cabinet", "مجلس الوزراء"),
    # Fourteen official channels (every platform, and English editions on X and Instagram), beside
    # entities with one: the fair scores (issue 17) compare owners of very different sizes.
    ("government-media-office", "gmo", K.OTHER, 1, "xifyltsghwbmxi", "mediaoffice.gov.ae",
     "UAE Government Media Office", "المكتب الإعلامي لحكومة دولة الإمارات"),
    ("federal-national-council", "fnc", K.COUNCIL, 2, "xifyl", "almajles.gov.ae",
     "Federal National Council", "المجلس الوطني الاتحادي"),
    ("federal-supreme-court", "fsc", K.COURT, 4, "x", "fsc.gov.ae",
     "Federal Supreme Court", "المحكمة الاتحادية العليا"),
    ("federal-court-of-appeal", "fca", K.COURT, 4, "l", "fca.gov.ae",
     "Federal Court of Appeal", "محكمة الاستئناف الاتحادية"),
    ("ministry-of-foreign-affairs", "mofa", K.MINISTRY, 1, "xifyltsghw", "mofa.gov.ae",
     "Ministry of Foreign Affairs", "وزارة الخارجية"),
    ("ministry-of-interior", "moi", K.MINISTRY, 1, "xifyltsh", "moi.gov.ae", "Ministry of Interior", "وزارة الداخلية"),
    ("ministry-of-defence", "mod", K.MINISTRY, 2, "xif", "mod.gov.ae", "Ministry of Defence", "وزارة الدفاع"),
    ("ministry-of-finance", "mof", K.MINISTRY, 3, "xif", "mof.gov.ae", "Ministry of Finance", "وزارة المالية"),
    ("ministry-of-economy", "moec", K.MINISTRY, 2, "xifyl", "moec.gov.ae", "Ministry of Economy", "وزارة الاقتصاد"),
    ("ministry-of-foreign-trade", "moft", K.MINISTRY, 3, "il", "moft.gov.ae",
     "Ministry of Foreign Trade", "وزارة التجارة الخارجية"),
    ("ministry-of-health-and-prevention", "mohap", K.MINISTRY, 1, "xifylts", "mohap.gov.ae",
     "Ministry of Health and Prevention", "وزارة الصحة ووقاية المجتمع"),
    ("ministry-of-education", "moe", K.MINISTRY, 2, "xifylt", "moe.gov.ae",
     "Ministry of Education", "وزارة التربية والتعليم"),
    ("ministry-of-higher-education", "mohesr", K.MINISTRY, 3, "xil", "mohesr.gov.ae",
     "Ministry of Higher Education and Scientific Research", "وزارة التعليم العالي والبحث العلمي"),
    ("ministry-of-human-resources", "mohre", K.MINISTRY, 2, "xifyl", "mohre.gov.ae",
     "Ministry of Human Resources and Emiratisation", "وزارة الموارد البشرية والتوطين"),
    ("ministry-of-justice", "moj", K.MINISTRY, 3, "xif", "moj.gov.ae", "Ministry of Justice", "وزارة العدل"),
    ("ministry-of-climate-change", "moccae", K.MINISTRY, 2, "xify", "moccae.gov.ae",
     "Ministry of Climate Change and Environment", "وزارة التغير المناخي والبيئة"),
    ("ministry-of-energy-and-infrastructure", "moei", K.MINISTRY, 3, "xifys", "moei.gov.ae",
     "Ministry of Energy and Infrastructure", "وزارة الطاقة والبنية التحتية"),
    ("ministry-of-culture", "moc", K.MINISTRY, 2, "xify", "mcy.gov.ae", "Ministry of Culture", "وزارة الثقافة"),
    ("ministry-of-family", "mofam", K.MINISTRY, 3, "i", "family.gov.ae", "Ministry of Family", "وزارة الأسرة"),
    ("ministry-of-community-empowerment", "moce", K.MINISTRY, 3, "xif", "moce.gov.ae",
     "Ministry of Community Empowerment", "وزارة تمكين المجتمع"),
    ("ministry-of-industry", "moiat", K.MINISTRY, 3, "xyl", "moiat.gov.ae",
     "Ministry of Industry and Advanced Technology", "وزارة الصناعة والتكنولوجيا المتقدمة"),
    ("ministry-of-investment", "moinv", K.MINISTRY, 3, "xl", "moinvest.gov.ae",
     "Ministry of Investment", "وزارة الاستثمار"),
    ("ministry-of-sports", "mos", K.MINISTRY, 3, "xif", "mos.gov.ae", "Ministry of Sports", "وزارة الرياضة"),
    ("ministry-of-tolerance", "motc", K.MINISTRY, 4, "xy", "motc.gov.ae",
     "Ministry of Tolerance and Coexistence", "وزارة التسامح والتعايش"),
    ("identity-citizenship-customs", "icp", K.AUTHORITY, 2, "xifylsg", "icp.gov.ae",
     "Federal Authority for Identity, Citizenship, Customs and Port Security",
     "الهيئة الاتحادية للهوية والجنسية والجمارك وأمن المنافذ"),
    ("federal-tax-authority", "fta", K.AUTHORITY, 3, "xifyl", "tax.gov.ae",
     "Federal Tax Authority", "الهيئة الاتحادية للضرائب"),
    ("telecommunications-digital-government", "tdra", K.AUTHORITY, 2, "xylbm", "tdra.gov.ae",
     "Telecommunications and Digital Government Regulatory Authority", "هيئة تنظيم الاتصالات والحكومة الرقمية"),
    ("general-civil-aviation-authority", "gcaa", K.AUTHORITY, 3, "xify", "gcaa.gov.ae",
     "General Civil Aviation Authority", "الهيئة العامة للطيران المدني"),
    ("federal-authority-nuclear-regulation", "fanr", K.AUTHORITY, 4, "xl", "fanr.gov.ae",
     "Federal Authority for Nuclear Regulation", "الهيئة الاتحادية للرقابة النووية"),
    ("emergency-crisis-disasters", "ncema", K.AUTHORITY, 2, "xifytg", "ncema.gov.ae",
     "National Emergency Crisis and Disasters Management Authority",
     "الهيئة الوطنية لإدارة الطوارئ والأزمات والكوارث"),
    ("government-human-resources", "fahr", K.AUTHORITY, 3, "xyl", "fahr.gov.ae",
     "Federal Authority for Government Human Resources", "الهيئة الاتحادية للموارد البشرية الحكومية"),
    ("national-center-of-meteorology", "ncm", K.AUTHORITY, 1, "xifyts", "ncm.gov.ae",
     "National Center of Meteorology", "المركز الوطني للأرصاد"),
    ("emirates-health-services", "ehs", K.AUTHORITY, 2, "xify", "ehs.gov.ae",
     "Emirates Health Services", "مؤسسة الإمارات للخدمات الصحية", "ministry-of-health-and-prevention"),
    ("emirates-drug-establishment", "ede", K.AUTHORITY, 4, "l", "ede.gov.ae",
     "Emirates Drug Establishment", "مؤسسة الإمارات للدواء", "ministry-of-health-and-prevention"),
    ("uae-space-agency", "space", K.AUTHORITY, 2, "xifyt", "space.gov.ae", "UAE Space Agency", "وكالة الإمارات للفضاء"),
    ("securities-and-commodities", "sca", K.AUTHORITY, 3, "xil", "sca.gov.ae",
     "Securities and Commodities Authority", "هيئة الأوراق المالية والسلع"),
    ("central-bank", "cbuae", K.AUTHORITY, 2, "xify", "centralbank.ae",
     "Central Bank of the UAE", "مصرف الإمارات العربية المتحدة المركزي"),
    ("competitiveness-and-statistics", "fcsc", K.AUTHORITY, 4, "l", "fcsc.gov.ae",
     "Federal Competitiveness and Statistics Centre", "المركز الاتحادي للتنافسية والإحصاء"),
    ("pension-and-social-security", "gpssa", K.AUTHORITY, 3, "xifw", "gpssa.gov.ae",
     "General Pension and Social Security Authority", "الهيئة العامة للمعاشات والتأمينات الاجتماعية"),
    ("emirates-news-agency", "wam", K.OTHER, 1, "xifytgw", "wam.ae",
     "Emirates News Agency (WAM)", "وكالة أنباء الإمارات"),
    ("federal-youth-authority", "fya", K.AUTHORITY, 3, "xis", "youth.gov.ae",
     "Federal Youth Authority", "المؤسسة الاتحادية للشباب"),
    ("sheikh-zayed-housing-programme", "szhp", K.OTHER, 3, "xif", "szhp.gov.ae",
     "Sheikh Zayed Housing Programme", "برنامج الشيخ زايد للإسكان", "ministry-of-energy-and-infrastructure"),
    ("emirates-schools-establishment", "ese", K.AUTHORITY, 3, "if", "ese.gov.ae",
     "Emirates Schools Establishment", "مؤسسة الإمارات للتعليم المدرسي", "ministry-of-education"),
]

# slug, entity slug, handle stem, reach, platforms, English name, Arabic name, English title, Arabic title.
# The names are plainly invented ("Sample" / "التجريبي"): no real person is impersonated.
OFFICIAL_ROWS: list[tuple] = [
    ("mariam-sample", "ministry-of-foreign-affairs", "MariamS", 2, "xi", "Mariam Sample", "مريم التجريبي",
     "Minister of State for International Cooperation", "وزيرة دولة للتعاون الدولي"),
    ("ahmed-sample", "ministry-of-foreign-affairs", "AhmedS", 3, "xi", "Ahmed Sample", "أحمد التجريبي",
     "Official Spokesperson", "المتحدث الرسمي"),
    ("khalid-sample", "ministry-of-foreign-trade", "KhalidS", 2, "xi", "Khalid Sample", "خالد التجريبي",
     "Minister of State for Foreign Trade", "وزير دولة للتجارة الخارجية"),
    ("fatima-sample", "uae-cabinet", "FatimaS", 2, "xi", "Fatima Sample", "فاطمة التجريبي",
     "Minister of State for Government Development and the Future", "وزيرة دولة للتطوير الحكومي والمستقبل"),
    ("saeed-sample", "ministry-of-interior", "SaeedS", 3, "x", "Saeed Sample", "سعيد التجريبي",
     "Official Spokesperson", "المتحدث الرسمي"),
    ("noura-sample", "ministry-of-health-and-prevention", "NouraS", 3, "i", "Noura Sample", "نورة التجريبي",
     "Assistant Under-Secretary for Public Health", "الوكيل المساعد لقطاع الصحة العامة"),
    ("hamad-sample", "emergency-crisis-disasters", "HamadS", 3, "x", "Hamad Sample", "حمد التجريبي",
     "Official Spokesperson", "المتحدث الرسمي"),
    ("aisha-sample", "ministry-of-climate-change", "AishaS", 2, "xi", "Aisha Sample", "عائشة التجريبي",
     "Minister of Climate Change and Environment", "وزيرة التغير المناخي والبيئة"),
    ("rashid-sample", "ministry-of-education", "RashidS", 2, "xi", "Rashid Sample", "راشد التجريبي",
     "Minister of Education", "وزير التربية والتعليم"),
    ("hessa-sample", "ministry-of-community-empowerment", "HessaS", 3, "i", "Hessa Sample", "حصة التجريبي",
     "Minister of Community Empowerment", "وزيرة تمكين المجتمع"),
    ("omar-sample", "ministry-of-industry", "OmarS", 2, "x", "Omar Sample", "عمر التجريبي",
     "Minister of Industry and Advanced Technology", "وزير الصناعة والتكنولوجيا المتقدمة"),
    ("latifa-sample", "federal-national-council", "LatifaS", 3, "x", "Latifa Sample", "لطيفة التجريبي",
     "Secretary-General", "الأمين العام"),
    ("yousef-sample", "ministry-of-finance", "YousefS", 3, "x", "Yousef Sample", "يوسف التجريبي",
     "Minister of State for Financial Affairs", "وزير دولة للشؤون المالية"),
    ("shamma-sample", "uae-space-agency", "ShammaS", 3, "xi", "Shamma Sample", "شمة التجريبي",
     "Director General", "المديرة العامة"),
]

# Every channel is approved except these: (owner slug, platform letter) -> state, and the reason
# the workflow asks for. The editor's own ministry holds the drafts and submissions, so the demo
# editor has work waiting and the demo reviewer a queue.
NOT_APPROVED: dict[tuple[str, str], tuple[Status, str]] = {
    ("ministry-of-foreign-affairs", "t"): (Status.DRAFT, ""),
    ("ministry-of-foreign-affairs", "w"): (Status.DRAFT, ""),
    ("mariam-sample", "i"): (Status.DRAFT, ""),
    ("ministry-of-foreign-affairs", "s"): (Status.SUBMITTED, ""),
    ("ministry-of-foreign-affairs", "h"): (Status.SUBMITTED, ""),
    ("ahmed-sample", "i"): (Status.SUBMITTED, ""),
    ("ministry-of-foreign-affairs", "g"): (
        Status.CHANGES_REQUESTED,
        "The channel's description does not name the Ministry: add its Arabic and English names and a link "
        "to mofa.gov.ae, then submit again.",
    ),
    ("ahmed-sample", "x"): (
        Status.CHANGES_REQUESTED,
        "The profile calls itself a personal account; an official's channel must state the title and the "
        "Ministry.",
    ),
    ("ministry-of-education", "t"): (
        Status.REJECTED,
        "The Ministry confirmed this account is a fan page that reposts its videos; it is not run by the Ministry.",
    ),
    ("federal-youth-authority", "s"): (
        Status.REJECTED,
        "Ownership could not be shown: the profile does not link to youth.gov.ae and the verification "
        "message went unanswered.",
    ),
    ("ministry-of-energy-and-infrastructure", "s"): (
        Status.RETIRED,
        "The Ministry stopped publishing on Snapchat; the account was closed and its followers pointed to Instagram.",
    ),
    ("pension-and-social-security", "f"): (
        Status.RETIRED,
        "The Authority closed its Facebook page and now publishes on X and Instagram only.",
    ),
    ("emirates-news-agency", "g"): (
        Status.RETIRED,
        "Replaced by the agency's WhatsApp channel for news alerts.",
    ),
    ("government-human-resources", "x"): (
        Status.COMPROMISED,
        "Taken over: it offers government jobs for a fee. The Authority has asked X to restore access; "
        "do not trust it until the GCO restores it.",
    ),
    ("sheikh-zayed-housing-programme", "i"): (
        Status.COMPROMISED,
        "Hijacked and promoting fake housing grants; recovery has been requested from Instagram.",
    ),
}

# Reasons reviewers gave when sending back channels that were approved later.
CHANGES_REQUESTED_BEFORE = (
    "The profile does not link to the entity's website; add it to the bio and submit again.",
    "Use the entity's official Arabic and English names as the display name.",
    "The platform's verification badge is missing; submit again once the account has it.",
)

# How each platform spells an invented handle made from a stem ("MOFAUAE", "MariamS"), as the
# link that names it: parse_account_link reads these, so the stored fields are the parser's own.
LINK_FORMS: dict[Platform, str] = {
    Platform.X: "https://x.com/{stem}_demo",
    Platform.INSTAGRAM: "https://www.instagram.com/{lower}_demo/",
    Platform.FACEBOOK: "https://www.facebook.com/{stem}.demo",
    Platform.YOUTUBE: "https://www.youtube.com/@{stem}_demo",
    Platform.LINKEDIN: "https://www.linkedin.com/company/{lower}-demo/",
    Platform.TIKTOK: "https://www.tiktok.com/@{lower}_demo",
    Platform.SNAPCHAT: "https://www.snapchat.com/add/{lower}_demo",
    Platform.TELEGRAM: "https://t.me/{stem}_demo",
    Platform.THREADS: "https://www.threads.com/@{lower}_demo",
    Platform.WHATSAPP: "https://whatsapp.com/channel/{whatsapp_id}",
    Platform.BLUESKY: "https://bsky.app/profile/{lower}-demo.bsky.social",
    Platform.MASTODON: "https://mastodon.social/@{lower}_demo",
}

# Followers of one account of reach 1..4 on X, before the per-platform share and a per-channel spread;
# the whole register is then scaled to FOLLOWERS_TOTAL.
REACH_FOLLOWERS = {1: 1_000_000, 2: 160_000, 3: 40_000, 4: 9_000}
PLATFORM_SHARE: dict[Platform, float] = {
    Platform.X: 1.0, Platform.INSTAGRAM: 1.0, Platform.FACEBOOK: 0.45, Platform.YOUTUBE: 0.14,
    Platform.LINKEDIN: 0.18, Platform.TIKTOK: 0.3, Platform.SNAPCHAT: 0.12, Platform.TELEGRAM: 0.04,
    Platform.THREADS: 0.06, Platform.WHATSAPP: 0.1, Platform.BLUESKY: 0.004, Platform.MASTODON: 0.002,
}
# Snapchat and WhatsApp channels have no count API: their staff report a figure, weekly here.
REPORTED_PLATFORMS = frozenset({Platform.SNAPCHAT, Platform.WHATSAPP})
REPORTED_EVERY_DAYS = 7
WITH_FOLLOWERS = (Status.APPROVED, Status.COMPROMISED)


class EntityRow(NamedTuple):
    slug: str
    abbr: str
    kind: str
    reach: int
    platforms: str
    domain: str
    name_en: str
    name_ar: str
    parent: str = ""


class OfficialRow(NamedTuple):
    slug: str
    entity: str
    stem: str
    reach: int
    platforms: str
    name_en: str
    name_ar: str
    title_en: str
    title_ar: str


ENTITIES = [EntityRow(*row) for row in ENTITY_ROWS]
OFFICIALS = [OfficialRow(*row) for row in OFFICIAL_ROWS]


@dataclass
class ChannelPlan:
    """One channel the demo holds: whose it is, where, in which state, and how big."""

    entity: Entity
    official: Official | None
    owner_slug: str
    platform: Platform
    link: str
    status: Status
    reason: str
    reach: int
    followers: int = 0  # the latest count, set once the whole register is sized
    edition: int = 1  # its owner's first account on the platform, or a second (2)

    @property
    def key(self) -> str:
        # Stable: seeds this channel's random choices (a first account's key is as it always was).
        return f"{self.owner_slug}/{self.platform}" + (f"/{self.edition}" if self.edition > 1 else "")

    def rng(self, purpose: str) -> random.Random:
        return random.Random(f"{self.key}/{purpose}")

    @property
    def compromised_days_ago(self) -> int:
        return self.rng("compromised").randint(3, 40)


class Step(NamedTuple):
    action: str
    from_status: str
    to_status: str
    actor: User | None
    at: datetime
    comment: str = ""


@dataclass
class DemoSummary:
    entities: int
    officials: int
    channels_by_status: dict[str, int]
    followers: int  # latest counts of the approved channels
    snapshots: int
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, password)
    # The demo reviewer's single-use link to set up their authenticator app; "" once they have one.
    reviewer_enrolment_url: str = ""

    @property
    def owners(self) -> int:
        return self.entities + self.officials


def load_demo(*, now: datetime | None = None) -> DemoSummary:
    """Create or bring up to date the demo register; running it again changes nothing but today's figures."""
    now = now or timezone.now()
    with transaction.atomic():
        entities = sync_entities()
        officials = sync_officials(entities)
        editor, reviewer = sync_users()
        plans = plan_channels(entities, officials)
        size_followers(plans)
        channels = sync_channels(plans, editor=editor, reviewer=reviewer, now=now)
        sync_snapshots(plans, channels, now=now)
        enrolment_url = reviewer_enrolment_url(reviewer)
    summary = summarize()
    summary.reviewer_enrolment_url = enrolment_url
    return summary


def reviewer_enrolment_url(reviewer: User) -> str:
    """A fresh enrolment link for the demo reviewer, until they have set up an app (then "")."""
    if confirmed_totp_device(reviewer) is not None:
        return ""
    return enrolment_url(enrolment_link_issue(user=reviewer), language="en")


def sync_users() -> tuple[User, User]:
    """The demo editor and reviewer; their passwords are reset, so the printed ones always work."""
    editor, _ = staff_add(email=EDITOR_EMAIL, role="editor", password=EDITOR_PASSWORD, entity_slug=EDITOR_ENTITY)
    reviewer, _ = staff_add(email=REVIEWER_EMAIL, role="reviewer", password=REVIEWER_PASSWORD)
    return editor, reviewer


def sync_entities() -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for row in ENTITIES:  # parents come before their children in the table
        entities[row.slug] = _sync(Entity, slug=row.slug, values={
            "name_en": row.name_en, "name_ar": row.name_ar, "kind": row.kind,
            "parent": entities[row.parent] if row.parent else None,
            "website": f"https://www.{row.domain}", "official_domains": [row.domain],
            "naming_pattern": row.abbr, "is_active": True, "is_sample": True,
        })
    return entities


def sync_officials(entities: dict[str, Entity]) -> dict[str, Official]:
    return {
        row.slug: _sync(Official, slug=row.slug, values={
            "entity": entities[row.entity], "name_en": row.name_en, "name_ar": row.name_ar,
            "title_en": row.title_en, "title_ar": row.title_ar, "is_active": True, "is_sample": True,
        })
        for row in OFFICIALS
    }


def _sync(model: type[M], *, slug: str, values: dict) -> M:
    """get_or_create by slug, then save only what differs, so a second run writes no history rows."""
    obj, created = model.objects.get_or_create(slug=slug, defaults=values)
    if not created:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=[*changed, "updated_at"])
    return obj


def plan_channels(entities: dict[str, Entity], officials: dict[str, Official]) -> list[ChannelPlan]:
    plans = []
    for row in ENTITIES:
        stem = f"{row.abbr.upper()}UAE"
        plans += _plans_for(row.slug, row.platforms, stem, row.reach, entities[row.slug], None)
    for row in OFFICIALS:
        official = officials[row.slug]
        plans += _plans_for(row.slug, row.platforms, row.stem, row.reach, official.entity, official)
    return plans


def _plans_for(owner_slug: str, codes: str, stem: str, reach: int, entity: Entity,
               official: Official | None) -> Iterable[ChannelPlan]:
    for index, code in enumerate(codes):
        platform = PLATFORM_CODES[code]
        edition = codes[:index].count(code) + 1
        status, reason = NOT_APPROVED.get((owner_slug, code), (Status.APPROVED, ""))
        handle = stem if edition == 1 else f"{stem}EN"  # the second account: the English edition
        whatsapp_id = f"0029VaDemo{handle}".ljust(24, "0")[:24]
        link = LINK_FORMS[platform].format(stem=handle, lower=handle.lower(), whatsapp_id=whatsapp_id)
        yield ChannelPlan(entity, official, owner_slug, platform, link, status, reason, reach, edition=edition)


def size_followers(plans: list[ChannelPlan]) -> None:
    """Skewed sizes (a few accounts in the millions, a long tail in thousands), scaled to the real total."""
    raw = {
        plan.key: REACH_FOLLOWERS[plan.reach] * PLATFORM_SHARE[plan.platform] * plan.rng("size").lognormvariate(0, 0.5)
        for plan in plans
    }
    approved_raw = sum(raw[plan.key] for plan in plans if plan.status == Status.APPROVED)
    scale = FOLLOWERS_TOTAL / approved_raw
    for plan in plans:
        if plan.status in WITH_FOLLOWERS:
            plan.followers = max(round(raw[plan.key] * scale), 120)


def sync_channels(plans: list[ChannelPlan], *, editor: User, reviewer: User, now: datetime) -> dict[str, Channel]:
    """Each channel once, with its whole workflow history; one already there is left as it is.

    The rows are written here rather than through accounts.services: the workflow stamps the
    present time and emails people, while the demo needs years of back-dated history. The log
    is append-only (a trigger refuses edits), so a channel's history is written only when the
    channel is first created, and its dates are never rewritten afterwards.
    """
    channels: dict[str, Channel] = {}
    new_events: list[ChannelEvent] = []
    new_channels: list[tuple[Channel, datetime]] = []
    for plan in plans:
        account = parse_account_link(plan.link, plan.platform)
        existing = Channel.private_objects.filter(
            platform=account.platform, handle_key=account.handle_key, entity=plan.entity, official=plan.official
        ).first()
        if existing is not None:
            channels[plan.key] = existing
            continue
        submitter = editor if plan.entity.slug == EDITOR_ENTITY else None
        steps = channel_history(plan, submitter=submitter, reviewer=reviewer, today=now.astimezone(DUBAI).date())
        channel = Channel(
            platform=account.platform, handle=account.handle, handle_key=account.handle_key,
            canonical_url=account.canonical_url, entity=plan.entity, official=plan.official,
            display_name=_display_name(plan), languages=_languages(plan), description=_description(plan),
            status=plan.status, created_by=submitter, **_state_fields(plan, steps, now),
        )
        channel.full_clean(validate_constraints=False)
        channel.save()
        channels[plan.key] = channel
        new_channels.append((channel, steps[0].at))
        new_events += [
            ChannelEvent(channel=channel, action=s.action, from_status=s.from_status, to_status=s.to_status,
                         actor=s.actor, comment=s.comment, at=s.at)
            for s in steps
        ]
    ChannelEvent.objects.bulk_create(new_events)
    lookalike_keys_update(channel for channel, _ in new_channels)
    # created_at is auto_now_add; back-date it to the "create" step so pages agree with the log.
    for channel, created_at in new_channels:
        channel.created_at = created_at
    Channel.private_objects.bulk_update([c for c, _ in new_channels], ["created_at"], batch_size=500)
    return channels


def channel_history(plan: ChannelPlan, *, submitter: User | None, reviewer: User, today: date) -> list[Step]:
    """The workflow steps that leave a channel in its planned state, with dates spread over 1-4 years.

    Channels of entities other than the editor's came from the GCO's earlier list: their
    create and submit steps have no actor, and the create step says so.
    """
    rng = plan.rng("history")
    S = Status
    steps: list[Step] = []
    at = datetime.combine(today, time(rng.randint(8, 11), rng.randint(0, 59)), DUBAI)

    def step(action: str, to_status: Status, actor: User | None, *, days: tuple[int, int], comment: str = "") -> None:
        nonlocal at
        if steps:
            at += timedelta(days=rng.randint(*days), minutes=rng.randint(20, 240))
        steps.append(Step(action, steps[-1].to_status if steps else "", to_status, actor, at, comment))

    imported = "" if submitter else "Carried over from the GCO's earlier list of official accounts."
    if plan.status in (S.APPROVED, S.RETIRED, S.COMPROMISED):
        at -= timedelta(days=rng.randint(400, 1440))
    elif plan.status == S.REJECTED:
        at -= timedelta(days=rng.randint(60, 400))
    elif plan.status == S.CHANGES_REQUESTED:
        at -= timedelta(days=rng.randint(20, 40))
    elif plan.status == S.SUBMITTED:
        at -= timedelta(days=rng.randint(5, 15))
    else:
        at -= timedelta(days=rng.randint(1, 12))
    step("create", S.DRAFT, submitter, days=(0, 0), comment=imported)
    if plan.status == S.DRAFT:
        return steps
    step("submit", S.SUBMITTED, submitter, days=(0, 2))
    if plan.status == S.SUBMITTED:
        return steps
    if plan.status == S.CHANGES_REQUESTED:
        step("request_changes", S.CHANGES_REQUESTED, reviewer, days=(1, 4), comment=plan.reason)
        return steps
    if plan.status == S.REJECTED:
        step("reject", S.REJECTED, reviewer, days=(1, 6), comment=plan.reason)
        return steps
    if rng.random() < 0.15:  # some went back once before approval, as real submissions do
        reason = rng.choice(CHANGES_REQUESTED_BEFORE)
        step("request_changes", S.CHANGES_REQUESTED, reviewer, days=(1, 3), comment=reason)
        step("submit", S.SUBMITTED, submitter, days=(1, 5))
    step("approve", S.APPROVED, reviewer, days=(1, 8))
    if plan.status == S.RETIRED:
        at = max(at, datetime.combine(today - timedelta(days=rng.randint(40, 300)), time(10, 30), DUBAI))
        # Editors retire their own channels; the GCO retired the carried-over ones at the entity's request.
        step("retire", S.RETIRED, submitter or reviewer, days=(0, 0), comment=plan.reason)
    elif plan.status == S.COMPROMISED:
        at = max(at, datetime.combine(today - timedelta(days=plan.compromised_days_ago), time(13, 15), DUBAI))
        step("flag_compromised", S.COMPROMISED, reviewer, days=(0, 0), comment=plan.reason)
    return steps


def _state_fields(plan: ChannelPlan, steps: list[Step], now: datetime) -> dict:
    """The dates and people the workflow would have left on a channel with these steps."""
    fields: dict = {}
    submits = [s for s in steps if s.action == "submit"]
    decisions = [s for s in steps if s.action in ("approve", "reject", "request_changes")]
    if submits:
        fields |= {"submitted_by": submits[-1].actor, "submitted_at": submits[-1].at}
    if decisions:
        fields |= {"decided_by": decisions[-1].actor, "decided_at": decisions[-1].at}
    approval = next((s for s in steps if s.action == "approve"), None)
    if approval is not None:
        fields["approved_at"] = approval.at
        # About a quarter were not certified for over a year, so the annual review has work; no
        # certification comes after a channel left the approved state.
        rng = plan.rng("certified")
        overdue = rng.random() < 0.25 or plan.status == Status.RETIRED
        certified = approval.at if overdue else now - timedelta(days=rng.randint(10, 330))
        fields["last_certified_at"] = certified if plan.status == Status.APPROVED else min(certified, steps[-1].at)
    if plan.status == Status.RETIRED:
        fields |= {"retired_at": steps[-1].at, "retired_reason": plan.reason}
    return fields


def _languages(plan: ChannelPlan) -> list[str]:
    if plan.edition > 1:
        return ["en"]  # the English edition
    draw = plan.rng("languages").random()
    return ["ar", "en"] if draw < 0.74 else ["ar"] if draw < 0.93 else ["en"]


def _display_name(plan: ChannelPlan) -> str:
    owner = plan.official or plan.entity
    return owner.name_ar if _languages(plan) == ["ar"] else owner.name_en


def _description(plan: ChannelPlan) -> str:
    owner = plan.official or plan.entity
    with translation.override("ar"):
        label_ar = str(plan.platform.label)
    with translation.override("en"):
        label_en = str(plan.platform.label)
    if plan.edition > 1:  # a second account on the platform states what it is for (the guide's check)
        return (f"النسخة الإنجليزية من الحساب الرسمي على {label_ar}: {owner.name_ar}. "
                f"The English edition of the official {label_en} account: {owner.name_en}. Sample data.")
    return f"الحساب الرسمي على {label_ar}: {owner.name_ar}. Official {label_en} account: {owner.name_en}. Sample data."


# --- Activity: post counts and last posts ------------------------------------------------------
# The platforms whose post counts the refresh reads, and those that say when the last post was
# (PLATFORMS.md); staff report the last post of a few channels on the platforms that do not.
POST_COUNTING = frozenset({Platform.X, Platform.YOUTUBE, Platform.INSTAGRAM, Platform.BLUESKY, Platform.MASTODON})
LAST_POST_TELLING = frozenset({Platform.X, Platform.MASTODON})
# Posts a day by reach (national headline accounts post most), and how much less some platforms carry.
POSTS_PER_DAY = {1: 6.0, 2: 3.0, 3: 1.2, 4: 0.4}
PLATFORM_PACE = {Platform.YOUTUBE: 0.08, Platform.INSTAGRAM: 0.5, Platform.BLUESKY: 0.6, Platform.MASTODON: 0.6}
# A few official channels fell silent months ago, so the dormant alert and the report have some to show.
DORMANT_CHANNELS = 4


def dormant_keys(plans: list[ChannelPlan]) -> set[str]:
    """The channels (keys) that stopped posting: smaller entities' official channels whose last post is
    known (X, Mastodon, or reported by staff), chosen by their own seed so reruns choose the same."""
    known = LAST_POST_TELLING | REPORTED_PLATFORMS
    eligible = sorted((plan for plan in plans if plan.status == Status.APPROVED and plan.reach >= 3
                       and plan.platform in known), key=lambda plan: plan.rng("dormant").random())
    return {plan.key for plan in eligible[:DORMANT_CHANNELS]}


def silent_days(plan: ChannelPlan) -> int:
    """How long ago a dormant channel last posted."""
    return plan.rng("silent").randint(100, 240)


def post_curve(plan: ChannelPlan, days: int, *, dormant: bool) -> list[int]:
    """`days` daily post counts: the posts of earlier years, then each day's few (none once silent)."""
    rng = plan.rng("posts")
    rate = POSTS_PER_DAY[plan.reach] * PLATFORM_PACE.get(plan.platform, 1.0)
    count = round(rate * 365 * rng.uniform(2, 8))
    silent_from = days - silent_days(plan) if dormant else days
    counts = []
    for day in range(days):
        if day < silent_from:
            count += int(rate * rng.uniform(0, 2) + rng.random())
        counts.append(count)
    return counts


def last_post(plan: ChannelPlan, now: datetime, *, dormant: bool) -> tuple[datetime | None, str]:
    """When the channel last posted and who says so: the platform (X to the minute, Mastodon the day),
    staff for some channels on the platforms that do not say, nobody for the others."""
    rng = plan.rng("last-post")
    if dormant:
        at = now - timedelta(days=silent_days(plan), hours=rng.randint(1, 20))
    else:
        rate = POSTS_PER_DAY[plan.reach] * PLATFORM_PACE.get(plan.platform, 1.0)
        at = now - timedelta(minutes=rng.randint(5, max(10, round(24 * 60 / rate))))
    if plan.platform == Platform.MASTODON:
        return datetime.combine(at.astimezone(UTC).date(), time.min, tzinfo=UTC), SnapshotSource.API
    if plan.platform in LAST_POST_TELLING:
        return at, SnapshotSource.API
    if plan.platform in REPORTED_PLATFORMS and (dormant or rng.random() < 0.6):
        return datetime.combine(at.astimezone(DUBAI).date(), time.min, tzinfo=DUBAI), SnapshotSource.REPORTED
    return None, ""


def follower_curve(plan: ChannelPlan, days: int, *, silent_from: int | None = None) -> list[int]:
    """`days` daily counts ending at plan.followers: steady growth, daily noise, and the odd drop; a
    channel silent since `silent_from` stops growing and slowly loses followers."""
    rng = plan.rng("curve")
    yearly_growth = rng.uniform(0.04, 0.3) * (2 if plan.platform in (Platform.TIKTOK, Platform.THREADS) else 1)
    daily = math.log1p(yearly_growth) / 365
    # A platform's purge of fake accounts, or an unpopular post: a one-day fall of 2-9%.
    drops = {rng.randrange(days): rng.uniform(0.02, 0.09) for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))}
    if plan.status == Status.COMPROMISED:  # the hijackers cleared out followers the day it was flagged
        drops[days - 1 - plan.compromised_days_ago] = rng.uniform(0.15, 0.3)
    level, levels = 0.0, []
    for day in range(days):
        growth = daily * rng.uniform(0.2, 1.8)
        if silent_from is not None and day >= silent_from:
            growth = -daily * 0.3  # nothing new to follow: a slow drift away
        level += growth + rng.gauss(0, 0.0006) - drops.get(day, 0.0)
        levels.append(level)
    return [round(plan.followers * math.exp(value - levels[-1])) for value in levels]


def sync_snapshots(plans: list[ChannelPlan], channels: dict[str, Channel], *, now: datetime) -> None:
    """A year of counts per counted channel, upserted by (channel, date); each channel shows the latest."""
    today = now.astimezone(DUBAI).date()
    first_day = today - timedelta(days=HISTORY_DAYS - 1)
    rows: list[FollowerSnapshot] = []
    counted: list[Channel] = []
    dormant = dormant_keys(plans)
    for plan in plans:
        if plan.status not in WITH_FOLLOWERS:
            continue
        channel = channels[plan.key]
        reported = plan.platform in REPORTED_PLATFORMS
        source = SnapshotSource.REPORTED if reported else SnapshotSource.API
        silent = plan.key in dormant
        followers_by_day = follower_curve(
            plan, HISTORY_DAYS, silent_from=HISTORY_DAYS - silent_days(plan) if silent else None)
        # Post counts only where the platform counts them; unknown (None) elsewhere, as the refresh leaves it.
        posts_by_day = (post_curve(plan, HISTORY_DAYS, dormant=silent) if plan.platform in POST_COUNTING
                        else [None] * HISTORY_DAYS)
        for day, (followers, posts) in enumerate(zip(followers_by_day, posts_by_day, strict=True)):
            # Reported counts come weekly, on the weekday of today's report.
            if reported and (HISTORY_DAYS - 1 - day) % REPORTED_EVERY_DAYS:
                continue
            rows.append(FollowerSnapshot(channel=channel, date=first_day + timedelta(days=day),
                                         followers=followers, posts=posts, source=source))
        channel.posts = posts_by_day[-1]
        channel.last_post_at, channel.last_post_source = last_post(plan, now, dormant=silent)
        channel.followers = plan.followers
        channel.followers_at = now
        channel.refresh_status = RefreshStatus.REPORTED if reported else RefreshStatus.OK
        channel.refresh_error = ""
        # What the platform shows on the profile, as a refresh would have read it: most accounts
        # carry their badge and the entity's website, some not (the presence report flags those).
        facts = plan.rng("profile")
        channel.platform_verified = None if reported else facts.random() < 0.8
        domains = channel.entity.official_domains
        channel.profile_link = f"https://www.{domains[0]}" if domains and facts.random() < 0.85 else ""
        counted.append(channel)
    FollowerSnapshot.objects.bulk_create(
        rows, batch_size=SNAPSHOT_BATCH, update_conflicts=True, unique_fields=["channel", "date"],
        update_fields=["followers", "posts", "source", "recorded_at"],
    )
    Channel.private_objects.bulk_update(
        counted, ["followers", "followers_at", "refresh_status", "refresh_error", "platform_verified", "profile_link",
                  "posts", "last_post_at", "last_post_source"],
        batch_size=500
    )
    # The dormant channels' alerts, as the daily look would open them (once: a rerun opens none).
    open_dormant_alerts(now=now)


def summarize() -> DemoSummary:
    channels = Channel.private_objects.filter(entity__is_sample=True)
    by_status = dict(channels.values_list("status").annotate(n=Count("id")).order_by("status"))
    return DemoSummary(
        entities=Entity.objects.filter(is_sample=True).count(),
        officials=Official.objects.filter(is_sample=True).count(),
        channels_by_status={status: by_status.get(status, 0) for status in Status.values},
        followers=channels.filter(status=Status.APPROVED).aggregate(total=Sum("followers", default=0))["total"],
        snapshots=FollowerSnapshot.objects.filter(channel__entity__is_sample=True).count(),
        users=[("editor", EDITOR_EMAIL, EDITOR_PASSWORD), ("reviewer", REVIEWER_EMAIL, REVIEWER_PASSWORD)],
    )
