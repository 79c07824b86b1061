"""The people who log in (`User`) and the abstract bases the register's models share."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UserManager(DjangoUserManager):
    """Staff log in with their work email; there is no separate username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class RoleHistory(HistoricalRecords):
    """History that skips saves touching only untracked fields: a login (Django saves `last_login`
    alone) is not a change of role, and would otherwise add an unchanged row every time."""

    def post_save(self, instance, created, using=None, update_fields=None, **kwargs):
        if update_fields is not None and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, update_fields=update_fields, **kwargs)


class User(AbstractUser):
    """Someone who logs in: entity staff (editors, through Membership) or GCO reviewers.

    Editors act for the entities they are members of (entities.Membership). Reviewers belong
    to the Government Communication Office and decide on every entity's submissions.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    is_reviewer = models.BooleanField(
        _("GCO reviewer"),
        default=False,
        help_text=_("Reviewers approve, send back or reject registrations of every entity."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()
    # Roles (reviewer, staff, superuser, active, groups) keep their history for the audit trail; never the
    # password hash, nor last_login.
    history = RoleHistory(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        """Tokens that still open the API: not expired (revoked ones are deleted)."""
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now()))


class ApiToken(models.Model):
    """A key to the write API (`Authorization: Token <key>`), issued by POST /api/v1/auth/token/.

    Only a SHA-256 of the key is stored: the key itself is shown once, in the answer that issues
    it, so a copy of the database opens nothing. `second_factor` records whether it was issued
    with a valid one-time code: reviewers' decisions through the API need one that was.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        _("key begins"), max_length=8, editable=False,
        help_text=_("The first characters of the key, so its holder can tell which one it is."),
    )
    second_factor = models.BooleanField(
        _("issued with the second factor"), default=False,
        help_text=_("Whether a valid one-time code from an authenticator app was given for it."),
    )
    # The holder's password as it was when the token was issued (Django's session hash of it): a
    # token outlives no password change, whichever door changed it (reset, admin, manage.py).
    password_fingerprint = models.CharField(max_length=128, default="", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class EnrolmentLinkQuerySet(models.QuerySet):
    def usable(self):
        """Links that can still enrol an authenticator: not used, not expired."""
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class EnrolmentLink(models.Model):
    """A single-use link that lets its user enrol their first authenticator app (registry/second_factor.py).

    The password alone never reaches the enrolment page: whoever enrols must also hold this link,
    which reaches the user by email or from an administrator. Only a SHA-256 of its key is stored.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolment_links", verbose_name=_("user")
    )
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = EnrolmentLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
