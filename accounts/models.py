"""What the register holds: channels (social-media accounts), their workflow log, follower
snapshots and alerts.

A channel's life (the transitions themselves live in accounts/workflow.py):

    draft              an editor is preparing it; nobody else sees it
    submitted          waiting for a GCO reviewer's decision
    changes_requested  a reviewer sent it back with a reason; the editor edits and resubmits
    approved           official: the public sees it and verify answers "official"
    rejected           a reviewer refused it with a reason; kept for the record
    retired            no longer run by the government; verify answers "formerly official"
    compromised        the GCO flagged it as taken over; verify says "do not trust it now"

Only approved, retired and compromised channels are ever shown to the public: read them
through `Channel.public_objects`. `Channel.private_objects` is for staff and reviewers.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.platforms import Platform
from registry.models import TimeStamped


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETIRED = "retired", _("Retired")
    COMPROMISED = "compromised", _("Compromised")


# A handle in one of these states is claimed: no second registration may hold it (see the
# partial unique constraint below), so verify can never answer with two owners.
LIVE_STATUSES = (Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED, Status.COMPROMISED)
# The government's own accounts, watched after approval: official ones, and those flagged as
# taken over (to see what happens to them). Their followers are counted and the presence report
# assesses them.
WATCHED_STATUSES = (Status.APPROVED, Status.COMPROMISED)
# What the public may ever see, on every page and endpoint.
PUBLIC_STATUSES = (Status.APPROVED, Status.RETIRED, Status.COMPROMISED)
# What the directory lists unless asked for retired channels: official now, and flagged as compromised.
LISTED_STATUSES = (Status.APPROVED, Status.COMPROMISED)


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    URDU = "ur", _("Urdu")
    HINDI = "hi", _("Hindi")
    CHINESE = "zh", _("Chinese")
    RUSSIAN = "ru", _("Russian")


class RefreshStatus(models.TextChoices):
    PENDING = "pending", _("Not refreshed yet")
    OK = "ok", _("Refreshed")
    FAILED = "failed", _("Refresh failed")
    NOT_CONFIGURED = "not_configured", _("Platform not configured")
    REPORTED = "reported", _("Reported by staff")


class SnapshotSource(models.TextChoices):
    API = "api", _("Measured")
    REPORTED = "reported", _("Reported by staff")


# Written by the follower refresh (and staff reports of counts and last posts), not by editing:
# outside the field history and the version.
REFRESHED_FIELDS = [
    "followers", "followers_at", "refresh_status", "refresh_error", "refreshed_at", "refresh_failing_since",
    "platform_verified", "platform_name", "profile_link", "posts", "last_post_at", "last_post_source",
]


class ChannelQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)

    def with_owner(self):
        return self.select_related("entity", "official")


class PublicChannelManager(models.Manager.from_queryset(ChannelQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(status__in=PUBLIC_STATUSES)


class Channel(TimeStamped):
    """One social-media account of an entity, or of one of its officials."""

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=300, help_text=_("As the platform shows it."))
    handle_key = models.CharField(_("handle key"), max_length=300, editable=False, db_index=True)
    platform_id = models.CharField(
        _("platform id"), max_length=100, blank=True,
        help_text=_("The platform's permanent id: handles get renamed and re-registered by others."),
    )
    canonical_url = models.URLField(_("link"), max_length=500)
    display_name = models.CharField(_("display name"), max_length=200, blank=True)

    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("entity"), on_delete=models.PROTECT, related_name="channels"
    )
    official = models.ForeignKey(
        "entities.Official", verbose_name=_("official"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="channels",
    )
    languages = ArrayField(
        models.CharField(max_length=5, choices=Language.choices), verbose_name=_("languages"),
        default=list, blank=True,
    )
    description = models.TextField(
        _("description"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    approved_at = models.DateTimeField(
        _("official since"), null=True, blank=True, help_text=_("When it was first approved.")
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    retired_reason = models.TextField(_("reason for retiring"), blank=True, max_length=2000)
    last_certified_at = models.DateTimeField(_("last certified"), null=True, blank=True)

    # An edit to an approved channel waits here, field by field, until a reviewer decides it;
    # the public keeps seeing the approved values above.
    proposed_changes = models.JSONField(_("proposed changes"), default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    # Bumped by every write through the services, so a form loaded before someone else's change
    # is refused as stale instead of silently overwriting it.
    version = models.PositiveIntegerField(_("version"), default=1)

    followers = models.BigIntegerField(_("followers"), null=True, blank=True)
    followers_at = models.DateTimeField(_("followers counted"), null=True, blank=True)
    refresh_status = models.CharField(
        _("refresh status"), max_length=20, choices=RefreshStatus.choices, default=RefreshStatus.PENDING
    )
    refresh_error = models.CharField(_("refresh error"), max_length=500, blank=True)
    refreshed_at = models.DateTimeField(_("last refresh attempt"), null=True, blank=True)
    # Since when every refresh has failed (None while they succeed): 3 days of it opens an alert.
    refresh_failing_since = models.DateTimeField(_("refresh failing since"), null=True, blank=True)
    # What the platform itself says about the account, as of the last good refresh.
    platform_verified = models.BooleanField(_("verified by the platform"), null=True, blank=True)
    platform_name = models.CharField(_("name on the platform"), max_length=200, blank=True)
    profile_link = models.URLField(_("link on the profile"), max_length=500, blank=True)
    # The account's activity: its posts as the platform last counted them, and when it last posted,
    # as the platform says (X, Mastodon) or as the entity's staff report it; None where nobody can tell.
    posts = models.BigIntegerField(_("posts"), null=True, blank=True)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True)
    last_post_source = models.CharField(_("last post from"), max_length=10, choices=SnapshotSource.choices,
                                        blank=True)

    # Everything a person may search the channel by (handle, display name, its entity's and
    # official's names in both languages), normalised as `accounts.search.normalize` does. Kept by the
    # database itself (accounts/migrations/0008_search_text.py: triggers on channels, entities and
    # officials), so no write path can forget it; searched through a trigram index where the server
    # has pg_trgm.
    search_text = models.TextField(_("search text"), default="", blank=True, editable=False)
    # The owner's names, copied by the same triggers (accounts/migrations/0014_owner_names.py), so that
    # an index can serve the directory's order (the entity's name, then the official's, in the page's
    # language): no index can serve an order by a joined table's columns.
    entity_name_ar = models.CharField(_("entity (Arabic)"), max_length=200, null=True, editable=False)
    entity_name_en = models.CharField(_("entity (English)"), max_length=200, null=True, editable=False)
    official_name_ar = models.CharField(_("official (Arabic)"), max_length=200, null=True, editable=False)
    official_name_en = models.CharField(_("official (English)"), max_length=200, null=True, editable=False)
    # The words of `search_text` that the entity's own names do not hold (its handle, display name and
    # official, less what repeats the entity's name), kept by the same trigger: a channel matches a word its
    # entity's names lack only through these, which the directory finds by this column's trigram index.
    own_search_text = models.TextField(_("search text beyond the entity"), default="", blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=REFRESHED_FIELDS + [
        "version", "search_text", "own_search_text",
        "entity_name_ar", "entity_name_en", "official_name_ar", "official_name_en",
    ])

    # No plain `objects`: a page must say whether it shows the public register or everything.
    private_objects = ChannelQuerySet.as_manager()
    public_objects = PublicChannelManager()

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        base_manager_name = "private_objects"
        default_manager_name = "private_objects"
        ordering = ["platform", "handle_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle_key"],
                condition=Q(status__in=[s.value for s in LIVE_STATUSES]),
                name="channel_handle_live_unique",
                violation_error_message=_("This handle is already held by a live registration."),
            ),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="channel_platform_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="channel_status_valid"),
            models.CheckConstraint(condition=~Q(handle="") & ~Q(handle_key=""), name="channel_handle_present"),
            models.CheckConstraint(
                condition=Q(followers__isnull=True) | Q(followers__gte=0), name="channel_followers_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(followers__isnull=True) | Q(followers_at__isnull=False),
                name="channel_followers_have_time",
            ),
            models.CheckConstraint(condition=Q(posts__isnull=True) | Q(posts__gte=0),
                                   name="channel_posts_not_negative"),
            # A last post's time always says where it came from, and a source never stands without a time.
            models.CheckConstraint(
                condition=Q(last_post_at__isnull=True, last_post_source="")
                | Q(last_post_at__isnull=False, last_post_source__in=SnapshotSource.values),
                name="channel_last_post_has_source",
            ),
            models.CheckConstraint(
                condition=Q(proposed_changes={}) | (Q(status=Status.APPROVED) & Q(proposed_at__isnull=False)),
                name="channel_proposal_only_when_approved",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.RETIRED) | Q(retired_at__isnull=False),
                name="channel_retired_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.APPROVED, Status.COMPROMISED, Status.RETIRED])
                | Q(approved_at__isnull=False),
                name="channel_public_was_approved",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "platform"], name="channel_status_platform"),
            models.Index(fields=["entity", "status"], name="channel_entity_status"),
            # The home page's largest and most recent official channels: the first ten of an index,
            # not a sort of every official channel.
            models.Index(fields=["-followers", "id"], name="channel_largest",
                         condition=Q(status=Status.APPROVED, followers__isnull=False)),
            models.Index(fields=["-approved_at", "-id"], name="channel_recent", condition=Q(status=Status.APPROVED)),
            # The daily look for dormant channels: official ones whose last post is long ago.
            models.Index(fields=["last_post_at"], name="channel_last_post",
                         condition=Q(status=Status.APPROVED, last_post_at__isnull=False)),
            # The public lists' orders, over the statuses they show, so that a page reads its rows in
            # order and stops: the directory in each language, the API by platform and handle.
            *[models.Index(F(f"entity_name_{language}"), F(f"official_name_{language}").asc(nulls_first=True),
                           F("platform"), F("handle_key"), F("id"), name=f"channel_directory_{language}",
                           condition=Q(status__in=[s.value for s in LISTED_STATUSES]))
              for language in ("ar", "en")],
            models.Index(fields=["platform", "handle_key", "id"], name="channel_public_order",
                         condition=Q(status__in=[s.value for s in PUBLIC_STATUSES])),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle}"

    @property
    def has_proposal(self) -> bool:
        return bool(self.proposed_changes)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class _Figures(models.Model):
    """Channels and their followers (latest counts added up) under one key of platform and status."""

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    channels = models.BigIntegerField(_("channels"))
    followers = models.BigIntegerField(_("followers"))

    class Meta:
        abstract = True


class ChannelFigures(_Figures):
    """How many channels, and how many followers (their latest counts added up), each entity has per
    official (or none: its own), platform and status. Kept by the database in the writing
    transaction (triggers on channels, accounts/migrations/0013_channel_figures.py), whatever writes
    the channels: the services, the admin, the follower refresh, a bulk load. The register's totals,
    the entities' and officials' figures and the per-platform figures add up these few rows instead
    of every channel; `accounts.selectors` reads them. A key with no channel has no row."""

    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("entity"), on_delete=models.DO_NOTHING, related_name="channel_figures"
    )
    official = models.ForeignKey(
        "entities.Official", verbose_name=_("official"), null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="channel_figures",
    )

    class Meta:
        verbose_name = _("channel figures")
        verbose_name_plural = _("channel figures")
        # The key's unique index, on coalesce(official_id, 0) so that "no official" is one key, is made
        # by the migration: the triggers' upserts name it.
        indexes = [models.Index(fields=["status", "entity"], name="channel_figures_status_entity")]

    def __str__(self) -> str:
        return f"{self.entity_id}/{self.official_id or '-'} {self.platform} {self.status}: {self.channels}"


class LookalikeKeys(models.Model):
    """What finds a channel's look-alikes by index (accounts/lookalikes.py): hashes of its handle's
    skeleton, the skeleton without added words, its cores (the skeleton less tag words around it),
    its one-deletion variants and, for long handles, three parts of it.

    A function of the platform and handle key alone, so the status the public may see is read from
    the channel at query time: only a write that changes the handle rewrites it. The hashes are
    lossy on purpose (4 bytes, not the text): a collision only adds a candidate, and every candidate
    is confirmed by the comparison itself.
    """

    channel = models.OneToOneField(
        Channel, verbose_name=_("channel"), primary_key=True, on_delete=models.CASCADE, related_name="lookalike_keys"
    )
    keys = ArrayField(models.IntegerField(), verbose_name=_("keys"))

    class Meta:
        verbose_name = _("look-alike keys")
        verbose_name_plural = _("look-alike keys")
        # Written rarely (a handle registered or moved), read on every verify: no pending list to scan.
        indexes = [GinIndex(fields=["keys"], name="lookalike_keys_gin", fastupdate=False)]

    def __str__(self) -> str:
        return f"{self.channel_id}: {len(self.keys)} keys"


class ChannelEvent(models.Model):
    """One step of a channel's workflow, append-only (a database trigger refuses edits)."""

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    changes = models.JSONField(_("proposed changes"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # The import that registered the channel (its `create` step), if it came from a file.
    channel_import = models.ForeignKey(
        "accounts.ChannelImport", verbose_name=_("import"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="events",
    )

    class Meta:
        verbose_name = _("channel event")
        verbose_name_plural = _("channel events")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(to_status__in=Status.values), name="channelevent_to_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.from_status or '∅'} → {self.to_status}"


class FollowerSnapshot(models.Model):
    """A channel's follower count on one day; one per channel per day (refreshes upsert)."""

    Source = SnapshotSource

    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="snapshots"
    )
    date = models.DateField(_("date"))
    followers = models.BigIntegerField(_("followers"))
    # The account's posts as the platform counted them that day; None where it does not count them (or
    # the day's count was reported by staff): posts over 30 or 90 days are differences of these.
    posts = models.BigIntegerField(_("posts"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.API)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("follower snapshot")
        verbose_name_plural = _("follower snapshots")
        ordering = ["channel", "date"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "date"], name="snapshot_once_per_day"),
            models.CheckConstraint(condition=Q(followers__gte=0), name="snapshot_followers_not_negative"),
            models.CheckConstraint(condition=Q(posts__isnull=True) | Q(posts__gte=0),
                                   name="snapshot_posts_not_negative"),
            models.CheckConstraint(condition=Q(source__in=SnapshotSource.values), name="snapshot_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.date}: {self.followers}"


class AlertKind(models.TextChoices):
    NOT_FOUND = "not_found", _("Account not found on the platform")
    SUSPENDED = "suspended", _("Account suspended on the platform")
    RENAMED = "renamed", _("Handle renamed")
    ID_CHANGED = "id_changed", _("Platform id changed under the same handle")
    FOLLOWER_DROP = "follower_drop", _("Followers dropped sharply")
    REFRESH_FAILING = "refresh_failing", _("Refreshing has been failing")
    DORMANT = "dormant", _("Not posting for months")


# Alert kinds, the most serious first: a new platform id under the same handle may be a hijack while
# the public is still told "official"; an abandoned account is a takeover waiting to happen, but not
# one yet; a failing refresh is the registry's own trouble.
ALERT_KINDS_BY_SEVERITY = (
    AlertKind.ID_CHANGED, AlertKind.RENAMED, AlertKind.SUSPENDED, AlertKind.NOT_FOUND, AlertKind.FOLLOWER_DROP,
    AlertKind.DORMANT, AlertKind.REFRESH_FAILING,
)


class Alert(models.Model):
    """Something about a channel a reviewer must look at; opened once, resolved with a note."""

    Kind = AlertKind

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at"]
        constraints = [
            # Opened once, not daily: one open alert per channel and kind.
            models.UniqueConstraint(
                fields=["channel", "kind"], condition=Q(resolved_at__isnull=True), name="alert_open_once"
            ),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alert_kind_valid"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution_note=""), name="alert_resolved_with_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ScoreFormula(models.TextChoices):
    """How an owner's score was computed (accounts/report/scores.py). A monthly record keeps the one
    that produced it, so a change of formula never silently rewrites last year's figures."""

    SUM = "2025 sum", _("100 less every failed check's weight, its channels' included")
    MEAN = "2026-12 mean", _("The mean of its channels' scores, less its own failed checks' weights")


CURRENT_SCORE_FORMULA = ScoreFormula.MEAN


class ScoreRecord(models.Model):
    """An owner's (entity's or official's) or a channel's score against the guide in one month,
    as last computed that month: the presence report's trend (see accounts/report/scores.py)."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("entity"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    official = models.ForeignKey(
        "entities.Official", verbose_name=_("official"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
    )
    # None: an owner not rated that month (it had no channel), kept so its trend says so.
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    failing = ArrayField(models.CharField(max_length=40), verbose_name=_("failing checks"), default=list, blank=True)
    followers = models.BigIntegerField(_("followers"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)
    formula = models.CharField(_("formula"), max_length=20, choices=ScoreFormula.choices)

    class Meta:
        verbose_name = _("score record")
        verbose_name_plural = _("score records")
        ordering = ["month"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(entity__isnull=False, official__isnull=True, channel__isnull=True)
                    | Q(entity__isnull=True, official__isnull=False, channel__isnull=True)
                    | Q(entity__isnull=True, official__isnull=True, channel__isnull=False)
                ),
                name="score_record_one_subject",
            ),
            models.CheckConstraint(condition=Q(score__lte=100), name="score_record_at_most_100"),
            # Only an owner may go unrated; a channel always has its checks.
            models.CheckConstraint(condition=Q(score__isnull=False) | Q(channel__isnull=True),
                                   name="score_record_channel_rated"),
            models.CheckConstraint(condition=Q(month__day=1), name="score_record_month_starts"),
            models.CheckConstraint(condition=Q(formula__in=ScoreFormula.values), name="score_record_formula_valid"),
            models.UniqueConstraint(fields=["month", "entity"], condition=Q(entity__isnull=False),
                                    name="score_record_entity_month"),
            models.UniqueConstraint(fields=["month", "official"], condition=Q(official__isnull=False),
                                    name="score_record_official_month"),
            models.UniqueConstraint(fields=["month", "channel"], condition=Q(channel__isnull=False),
                                    name="score_record_channel_month"),
        ]

    def __str__(self) -> str:
        subject = self.entity or self.official or self.channel
        return f"{subject} {self.month:%Y-%m}: {self.score}"

    @property
    def by_current_formula(self) -> bool:
        return self.formula == CURRENT_SCORE_FORMULA


class PlatformFigures(_Figures):
    """ChannelFigures added up per platform and status, over every entity: kept by the same triggers,
    so the register's totals read a dozen rows, then take away the few rows of inactive entities
    (accounts.selectors.register_totals), instead of adding up thousands of entities' rows."""


    class Meta:
        verbose_name = _("platform figures")
        verbose_name_plural = _("platform figures")
        constraints = [models.UniqueConstraint(fields=["platform", "status"], name="platform_figures_key")]

    def __str__(self) -> str:
        return f"{self.platform} {self.status}: {self.channels}"


class SummaryEdition(models.Model):
    """The public presence summary's follower growth (30, 90 and 365 days, in all and per platform) as
    computed at one moment: growth reads every counted channel's past counts, which no request can
    afford on a large register, so it is computed in the background (accounts/report/summary.py)
    and the page shows the latest edition, saying when it was computed."""

    computed_at = models.DateTimeField(_("computed"))
    day = models.DateField(_("day"), help_text=_("The day the growth is counted back from."))
    register_number = models.BigIntegerField(
        _("register version"), help_text=_("The register's version the edition reflects: older than the "
                                           "register's, and the edition is computed again."))
    growth = models.JSONField(_("growth"))

    class Meta:
        verbose_name = _("summary edition")
        verbose_name_plural = _("summary editions")

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M} ({self.register_number})"


# --- The impostor radar ----------------------------------------------------------------------

class LookalikeSighting(models.Model):
    """How often, on one day, the public asked verify about a handle that is not in the register but
    looks like an official account (`resembles`, the closest). Counts only: nothing about who asked."""

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=100)  # as last typed, for reading
    handle_key = models.CharField(_("handle key"), max_length=100)
    resembles = models.ForeignKey(
        Channel, verbose_name=_("resembles"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("times asked"), default=1)

    class Meta:
        verbose_name = _("look-alike sighting")
        verbose_name_plural = _("look-alike sightings")
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle_key", "day"], name="sighting_once_per_day"),
        ]
        indexes = [models.Index(fields=["day"], name="sighting_day")]

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle} {self.day}: {self.count}"


class KnownImpostor(models.Model):
    """An account on a platform the GCO has found impersonating the government and reported to the
    platform. Never a registration: it only changes verify's answer for that handle while it is not
    registered, and never blocks registering it (a reviewer is warned instead)."""

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=100)
    handle_key = models.CharField(_("handle key"), max_length=100)
    canonical_url = models.URLField(_("link"), max_length=300)
    resembles = models.ForeignKey(
        Channel, verbose_name=_("resembles"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000)
    reported_on = models.DateField(_("reported to the platform on"))
    report_url = models.URLField(_("link to the report"), max_length=500, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked by"), on_delete=models.PROTECT, related_name="+",
    )
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why withdrawn"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("known impostor")
        verbose_name_plural = _("known impostors")
        ordering = ["-marked_at", "-id"]
        constraints = [
            # One standing mark per account: verify never has two to choose from.
            models.UniqueConstraint(
                fields=["platform", "handle_key"], condition=Q(withdrawn_at__isnull=True), name="impostor_marked_once"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="impostor_has_reason"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""), name="impostor_withdrawn_with_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class ImpostorEventAction(models.TextChoices):
    MARKED = "marked", _("Marked as a known impostor")
    WITHDRAWN = "withdrawn", _("Known-impostor mark withdrawn")


class ImpostorEvent(models.Model):
    """Who marked or withdrew a known impostor, when and why; append-only, like ChannelEvent."""

    impostor = models.ForeignKey(KnownImpostor, verbose_name=_("impostor"), on_delete=models.PROTECT,
                                 related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=ImpostorEventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(_("comment"), max_length=2000)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("impostor event")
        verbose_name_plural = _("impostor events")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=ImpostorEventAction.values),
                                   name="impostorevent_action_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.impostor} {self.action}"


class RegisterVersion(models.Model):
    """One row: a number bumped, in the same transaction, by every write to what the public may see
    (channels, their follower counts and alerts, known impostors, entities and officials; database
    triggers, accounts/migrations/0009_register_version.py). Public answers are cached under it, so
    a decision is visible the moment it commits and nothing stale is ever served as current."""

    number = models.BigIntegerField(_("number"), default=1)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("register version")
        verbose_name_plural = _("register version")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="register_version_one_row")]

    def __str__(self) -> str:
        return str(self.number)


# --- Imports from a spreadsheet ------------------------------------------------------------------

class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed, not confirmed")
    CONFIRMED = "confirmed", _("Confirmed")


class ImportOutcome(models.TextChoices):
    """What an import does (or did) with one row of the file; accounts/imports/plan.py decides it."""

    REGISTER = "register", _("Will be registered")
    MISMATCH = "mismatch", _("Platform column disagrees with the link")
    ALREADY = "already", _("Already in the register for this entity")
    HELD = "held", _("Held by another registration")
    UNREADABLE = "unreadable", _("Link not readable")
    UNKNOWN_ENTITY = "unknown_entity", _("Unknown entity")
    UNKNOWN_OFFICIAL = "unknown_official", _("Unknown official")
    NOT_ALLOWED = "not_allowed", _("Not an entity you may import for")
    INVALID = "invalid", _("A value cannot be used")
    DUPLICATE = "duplicate", _("Duplicate of an earlier row")


# The rows an import registers when it is confirmed (a disagreeing platform column is shown, and
# the link, which is the truth, decides).
REGISTERING_OUTCOMES = (ImportOutcome.REGISTER, ImportOutcome.MISMATCH)


class ChannelImport(models.Model):
    """A file of channels someone imported: previewed first (every row's outcome kept in ImportRow,
    nothing registered), then confirmed, when its rows to register became drafts (an editor's) or
    submissions (a reviewer's) through the same services as one-by-one registration.

    `digest` sums up the preview's outcomes: the confirm step plans the rows again and refuses if
    the register has changed what any row would do."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("previewed"), default=timezone.now, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_digest = models.CharField(_("file digest"), max_length=64)
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("entity"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("The entity every row is for, when it was chosen instead of a column."),
    )
    create_entities = models.BooleanField(_("create unknown entities"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.PREVIEWED)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("rows per outcome"), default=dict, blank=True)
    columns = models.JSONField(_("columns read"), default=dict, blank=True)
    digest = models.CharField(_("preview digest"), max_length=64)
    registered = models.PositiveIntegerField(_("channels registered"), default=0)
    entities_created = models.PositiveIntegerField(_("entities created"), default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ImportStatus.PREVIEWED, confirmed_at__isnull=True)
                | Q(status=ImportStatus.CONFIRMED, confirmed_at__isnull=False),
                name="import_confirmed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == ImportStatus.CONFIRMED


class ImportRow(models.Model):
    """One row of an imported file: what it said (the `given_` columns, as typed, so the confirm step
    can plan it again), what it was read as, and its outcome."""

    channel_import = models.ForeignKey(ChannelImport, verbose_name=_("import"), on_delete=models.CASCADE,
                                       related_name="rows")
    number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=ImportOutcome.choices)
    given = models.JSONField(_("as given"), default=dict, blank=True)
    entity = models.ForeignKey("entities.Entity", verbose_name=_("entity"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    official = models.ForeignKey("entities.Official", verbose_name=_("official"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    platform = models.CharField(_("platform"), max_length=20, blank=True)
    handle = models.CharField(_("handle"), max_length=300, blank=True)
    handle_key = models.CharField(_("handle key"), max_length=300, blank=True)
    existing = models.ForeignKey(
        Channel, verbose_name=_("registration found"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.PositiveIntegerField(_("duplicate of row"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    channel = models.ForeignKey(Channel, verbose_name=_("channel registered"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["channel_import", "number"]
        constraints = [
            models.UniqueConstraint(fields=["channel_import", "number"], name="import_row_once"),
            models.CheckConstraint(condition=Q(outcome__in=ImportOutcome.values), name="import_row_outcome_valid"),
        ]
        indexes = [models.Index(fields=["channel_import", "outcome", "number"], name="import_row_outcome")]

    def __str__(self) -> str:
        return f"{self.channel_import_id}:{self.number} {self.outcome}"


# --- Open data: the change feed and its webhooks ----------------------------------------------

class ChangeKind(models.TextChoices):
    """What the public is told changed about a channel: the workflow steps that change the public
    register (accounts/workflow.py names each transition's kind). Drafts, submissions, rejections and
    requested changes are never one."""

    APPROVED = "approved", _("Became official")
    RETIRED = "retired", _("Retired")
    COMPROMISED = "compromised", _("Flagged as compromised")
    RESTORED = "restored", _("Restored after being compromised")
    CHANGED = "changed", _("Details changed")


def _webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookSubscriber(models.Model):
    """Someone (a platform's trust-and-safety team, a newsroom) told of every public change by a
    signed POST (accounts/opendata/webhooks.py); registered by an admin. Paused by hand, or by itself
    after WEBHOOK_PAUSE_AFTER deliveries in a row have failed."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(
        _("URL"), max_length=500,
        help_text=_("Where changes are sent: https only, and never a private, loopback or link-local address."),
    )
    secret = models.CharField(
        _("secret"), max_length=200, default=_webhook_secret,
        help_text=_("Shared with the subscriber, who checks each delivery's signature with it."),
    )
    kinds = ArrayField(
        models.CharField(max_length=20, choices=ChangeKind.choices), verbose_name=_("kinds of change"),
        default=list, blank=True, help_text=_("Leave empty for every kind."),
    )
    entities = models.ManyToManyField(
        "entities.Entity", verbose_name=_("entities"), blank=True, related_name="+",
        help_text=_("Leave empty for every entity."),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("A paused subscriber is sent nothing."))
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    paused_reason = models.CharField(_("why paused"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook subscriber")
        verbose_name_plural = _("webhook subscribers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, *, kind: str, entity_id: int, entity_ids: set[int]) -> bool:
        """Whether this subscriber asked for a change of this kind, of this entity's channel
        (`entity_ids`: the entities it chose, read once by the caller)."""
        return (not self.kinds or kind in self.kinds) and (not entity_ids or entity_id in entity_ids)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed, given up")
    CANCELLED = "cancelled", _("Not sent: the subscriber is paused")


class WebhookDelivery(models.Model):
    """One public change sent (or being sent) to one subscriber: the log the admin reads. The body is
    kept as it was first built, so every attempt signs and sends the same bytes' content."""

    subscriber = models.ForeignKey(
        WebhookSubscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        ChannelEvent, verbose_name=_("change"), on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A change is sent to a subscriber once, however often the fan-out job runs.
            models.UniqueConstraint(fields=["subscriber", "event"], name="webhook_delivery_once"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.DELIVERED) | Q(delivered_at__isnull=False),
                name="webhook_delivered_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} #{self.event_id}: {self.status}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportExport(models.Model):
    """The full presence report as a PDF, made in the background (accounts/tasks/report.py) for the
    reviewer who asked for it. The PDF is kept in the database, not on a disk: the worker that
    makes it and the web process that serves it need not share one (see accounts/report/exports.py
    for how long it is kept)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, help_text=_("Percent done."))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="report_export_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_export_progress_at_most_100"),
            models.CheckConstraint(condition=~Q(status=ExportStatus.DONE) | Q(pdf__isnull=False),
                                   name="report_export_done_has_pdf"),
        ]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="report_export_requester")]

    def __str__(self) -> str:
        return f"report export {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
