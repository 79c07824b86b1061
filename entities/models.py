"""Who owns the register's channels: federal entities, their officials, and the staff who edit for them."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.direction import isolate
from registry.languages import in_page_language
from registry.models import TimeStamped

# A domain name, lower case, no scheme or path: "mofa.gov.ae".
domain_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a domain name such as mofa.gov.ae, without https:// or a path."),
)


def regex_validator(value: str) -> None:
    """A naming convention must be a regular expression Python can read."""
    import re

    from django.core.exceptions import ValidationError

    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(_("This is not a valid regular expression: %(error)s"),
                              params={"error": isolate(exc)}) from exc


class BilingualName(models.Model):
    """Arabic first, English second; `name` picks the one for the page's language."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name_en} — {self.name_ar}"

    @property
    def name(self) -> str:
        return in_page_language(self.name_ar, self.name_en)


class EntityKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AUTHORITY = "authority", _("Authority")
    COUNCIL = "council", _("Council")
    COURT = "court", _("Court")
    OTHER = "other", _("Other")


class Entity(BilingualName, TimeStamped):
    """A federal entity: a ministry, authority, council, court... that runs official channels."""

    Kind = EntityKind

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent entity"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    website = models.URLField(_("website"), blank=True)
    official_domains = ArrayField(
        models.CharField(max_length=253, validators=[domain_validator]),
        verbose_name=_("official domains"),
        default=list,
        blank=True,
        help_text=_("Domains that prove ownership, such as mofa.gov.ae; one per line in forms."),
    )
    naming_pattern = models.CharField(
        _("naming convention"), max_length=200, blank=True, validators=[regex_validator],
        help_text=_("A regular expression every handle of the entity's own channels contains, such as its "
                    "known abbreviation (mofa). Letter case is ignored. Empty: not checked."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(
        _("sample data"), default=False, editable=False,
        help_text=_("Created by the demo register (manage.py load_demo), not real."),
    )
    # Both names, normalised as `accounts.search.normalize` does; kept by a database trigger
    # (entities/migrations/0005_entity_search_text.py). The directory's search finds the entities that
    # hold every word in their own names from it, to read their channels in the directory's order.
    search_text = models.TextField(_("search text"), default="", blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name_en"]
        # Entities by name in each language: the entities page, the directory's filter list, and a
        # directory search reading the entities whose names hold its words in name order until a
        # page is full (accounts/public/directory.py).
        indexes = [
            models.Index(fields=["name_ar", "id"], name="entity_by_name_ar"),
            models.Index(fields=["name_en", "id"], name="entity_by_name_en"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntityKind.values), name="entity_kind_valid"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="entity_not_own_parent"),
            models.CheckConstraint(condition=~Q(name_ar="") & ~Q(name_en=""), name="entity_names_present"),
        ]


class Official(BilingualName, TimeStamped):
    """A person who speaks for an entity (a minister, a spokesperson) and may have own channels."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    entity = models.ForeignKey(
        Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="officials"
    )
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(_("sample data"), default=False, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["name_en"]
        # Officials by name in each language: the officials list and the directory's filter list.
        indexes = [
            models.Index(fields=["name_ar", "id"], name="official_by_name_ar"),
            models.Index(fields=["name_en", "id"], name="official_by_name_en"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name_ar="") & ~Q(name_en=""), name="official_names_present"),
        ]

    @property
    def title(self) -> str:
        return in_page_language(self.title_ar, self.title_en)


class MembershipRole(models.TextChoices):
    EDITOR = "editor", _("Editor")


class Membership(TimeStamped):
    """A user who edits an entity's channels. Reviewers are `User.is_reviewer`, not members."""

    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    entity = models.ForeignKey(
        Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    # Who could act for which entity, and since when: kept for the audit trail, deletions included.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "entity"], name="membership_once_per_entity"),
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.entity.slug} ({self.role})"
