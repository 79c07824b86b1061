"""Writes to the people who log in: staff accounts and their roles."""
from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from entities.models import Entity, Membership
from registry.errors import RegistryError
from registry.models import User
from registry.second_factor import api_tokens_revoke

ROLES = ("editor", "reviewer")


def staff_add(*, email: str, role: str, password: str, entity_slug: str | None = None) -> tuple[User, bool]:
    """Create (or update) a staff account: an editor of one entity, or a GCO reviewer.

    Returns the user and whether it was created. An existing account keeps its other roles
    and memberships and gets the new password (its API tokens end with the old one).
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise RegistryError(_("“%(email)s” is not an email address.") % {"email": email}, code="invalid_email") from exc
    if role not in ROLES:
        raise RegistryError(
            _("Unknown role “%(role)s”: use editor or reviewer.") % {"role": role}, code="unknown_role"
        )
    entity = None
    if role == "editor":
        if not entity_slug:
            raise RegistryError(_("An editor needs an entity (--entity SLUG)."), code="entity_required")
        entity = Entity.objects.filter(slug=entity_slug).first()
        if entity is None:
            raise RegistryError(_("There is no entity “%(slug)s”.") % {"slug": entity_slug}, code="unknown_entity")
    elif entity_slug:
        raise RegistryError(_("Reviewers act for every entity: leave out --entity."), code="entity_not_allowed")

    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        created = user is None
        if created:
            user = User(email=email)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise RegistryError(" ".join(exc.messages), code="weak_password", field="password") from exc
        user.set_password(password)
        if role == "reviewer":
            user.is_reviewer = True
        user.save()
        if not created:
            api_tokens_revoke(user=user, reason="password set by add_staff")
        if entity is not None:
            Membership.objects.get_or_create(user=user, entity=entity, defaults={"role": Membership.Role.EDITOR})
    return user, created
