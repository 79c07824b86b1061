"""The API's channel shapes: what a client reads, and what it may send to the services.

Input serializers only read and type-check what was sent and resolve slugs to rows; every rule
about what may change, and by whom, is the services' (accounts/services.py, accounts/workflow.py).
"""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _, gettext_lazy
from rest_framework import serializers

from accounts.models import Alert, Channel, ChannelEvent, FollowerSnapshot
from accounts.selectors import posts_within
from accounts.workflow import allowed_actions
from entities.models import Entity, Official
from registry.direction import isolate
from registry.errors import RegistryError

# Shown only to staff who may see the channel in the staff area: proposals and the workflow's
# dates and version are not the public's business.
PRIVATE_FIELDS = ("version", "proposed_changes", "submitted_at", "decided_at")


def api_action_name(action: str) -> str:
    """Actions as the API spells them, in URLs and payloads: "request-changes"."""
    return str(action).replace("_", "-")


def _official_slugs(changes: dict[str, Any]) -> dict[str, Any]:
    """Proposed or logged changes name the official by slug, as the rest of the API does."""
    if not changes.get("official"):
        return changes
    slug = Official.objects.filter(pk=changes["official"]).values_list("slug", flat=True).first()
    return {**changes, "official": slug}


class ChannelSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="canonical_url", read_only=True, help_text=gettext_lazy("The canonical link."))
    entity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    official = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    since = serializers.DateTimeField(
        source="approved_at", read_only=True, allow_null=True, help_text=gettext_lazy("When it was first approved.")
    )
    proposed_changes = serializers.SerializerMethodField(
        help_text=gettext_lazy("Changes waiting for a reviewer (an approved channel's edits); staff only.")
    )
    posts = serializers.IntegerField(
        read_only=True, allow_null=True,
        help_text=gettext_lazy("The account's posts as its platform last counted them; null where it does not say."),
    )
    posts_30d = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Posts in the last 30 days: the difference of the platform's post counts; null when either count "
            "is unknown."
        )
    )
    last_post_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text=gettext_lazy("When the account last posted, as its platform says or its entity reports; null "
                               "when unknown."),
    )
    actions = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "What the requester may do now: “edit”/“propose” by PATCH, the others by POST to "
            "/api/v1/channels/{id}/{action}/."
        )
    )

    class Meta:
        model = Channel
        fields = [
            "id", "platform", "handle", "url", "display_name", "entity", "official", "languages", "description",
            "status", "version", "proposed_changes", "submitted_at", "decided_at", "since", "followers",
            "followers_at", "posts", "posts_30d", "last_post_at", "actions",
        ]
        read_only_fields = fields

    def get_posts_30d(self, channel: Channel) -> int | None:
        if hasattr(channel, "posts_30d"):
            return channel.posts_30d  # read with the list (accounts.selectors.with_activity)
        return posts_within(channel, 30)

    def get_proposed_changes(self, channel: Channel) -> dict[str, Any]:
        return _official_slugs(channel.proposed_changes)

    def get_actions(self, channel: Channel) -> list[str]:
        request = self.context["request"]
        if not request.user.is_authenticated:
            return []  # the public acts on nothing: no permission checks to pay for
        transitions = allowed_actions(request.user, channel, two_factor=self.context["two_factor"])
        return [api_action_name(transition.action) for transition in transitions]

    def to_representation(self, channel: Channel) -> dict[str, Any]:
        data = super().to_representation(channel)
        if channel.pk not in self.context["private_ids"]:
            for name in PRIVATE_FIELDS:
                data.pop(name, None)
        return data


class ChannelEventSerializer(serializers.ModelSerializer):
    action = serializers.SerializerMethodField()
    actor = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    changes = serializers.SerializerMethodField()
    channel_import = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True,
        help_text=gettext_lazy("The import that registered the channel (/api/v1/imports/{id}/), if any."),
    )

    class Meta:
        model = ChannelEvent
        fields = ["action", "from_status", "to_status", "actor", "comment", "changes", "at", "channel_import"]
        read_only_fields = fields

    def get_action(self, event: ChannelEvent) -> str:
        return api_action_name(event.action)

    def get_changes(self, event: ChannelEvent) -> dict[str, Any]:
        return _official_slugs(event.changes)


# --- What clients send -----------------------------------------------------------------------

class _Input(serializers.Serializer):
    """Refuses fields it does not know, rather than ignoring them: a client that sends `status`
    must learn that it cannot set it, not believe it did."""

    ignored = frozenset({"csrfmiddlewaretoken"})  # sent by HTML forms, e.g. DRF's browsable API

    def validate(self, attrs):
        sent = set(self.initial_data) if isinstance(self.initial_data, dict) else set()
        unknown = sorted(sent - set(self.fields) - self.ignored)
        if unknown:
            raise serializers.ValidationError({name: [_("This field cannot be set here.")] for name in unknown})
        return attrs


def _entity(slug: str) -> Entity:
    entity = Entity.objects.filter(slug=slug).first()
    if entity is None:
        raise RegistryError(_("There is no entity “%(slug)s”.") % {"slug": isolate(slug, ltr=True)},
                            code="unknown_entity", field="entity")
    return entity


def _official(slug: str | None) -> Official | None:
    if slug is None:
        return None
    official = Official.objects.filter(slug=slug).first()
    if official is None:
        raise RegistryError(
            _("There is no official “%(slug)s”.") % {"slug": isolate(slug, ltr=True)},
            code="unknown_official", field="official",
        )
    return official


def _languages() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=10), max_length=20, required=False,
        help_text=gettext_lazy("Language codes: ar, en, fr, ur, hi, zh, ru."),
    )


class ChannelCreateSerializer(_Input):
    url = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=gettext_lazy("The account's link in any form people paste, or @handle with `platform`."),
    )
    platform = serializers.CharField(required=False, allow_blank=True, help_text=gettext_lazy("x, instagram, ..."))
    handle = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=gettext_lazy("The handle, with `platform`, instead of `url`."),
    )
    entity = serializers.CharField(help_text=gettext_lazy("The owning entity's slug."))
    official = serializers.CharField(
        required=False, allow_null=True, help_text=gettext_lazy("Slug of the entity's official it belongs to.")
    )
    display_name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    languages = _languages()
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not (attrs.get("url") or "").strip() and not (attrs.get("handle") or "").strip():
            raise serializers.ValidationError(
                {"url": [_("Give the account's link, or its platform and handle.")]}, code="required"
            )
        return attrs

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `channel_create`, slugs resolved to rows."""
        data = dict(self.validated_data)
        link = data.pop("url", "") or data.pop("handle", "")
        data.pop("handle", None)
        return {
            "entity": _entity(data.pop("entity")),
            "official": _official(data.pop("official", None)),
            "link": link,
            "platform": data.pop("platform", None) or None,
            **data,
        }


class ChannelEditSerializer(_Input):
    display_name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    languages = _languages()
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    official = serializers.CharField(
        required=False, allow_null=True, help_text=gettext_lazy("An official's slug, or null for the entity itself.")
    )
    url = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=gettext_lazy("A new link; only before approval (an approved channel cannot move)."),
    )
    platform = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text=gettext_lazy("The version you read; a stale one is refused with 409 `stale`. Or send If-Match."),
    )

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `channel_edit`, except the version: only what was sent."""
        data = dict(self.validated_data)
        data.pop("version", None)
        if "official" in data:
            data["official"] = _official(data["official"])
        if "url" in data:
            data["link"] = data.pop("url")
        return data


class ChannelActionSerializer(_Input):
    reason = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False,
        help_text=gettext_lazy("Why: required to request changes, reject, reject changes, retire and flag."),
    )
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text=gettext_lazy("The version you read; a stale one is refused with 409 `stale`. Or send If-Match."),
    )
    lookalikes_confirmed = serializers.BooleanField(
        required=False, default=False,
        help_text=gettext_lazy("Submit only: true to confirm that a handle like another entity's official account "
                               "is really yours; without it such a submission is refused with 400 "
                               "`lookalikes_unconfirmed`, which lists the look-alikes."),
    )



# --- The public register's other shapes ------------------------------------------------------

class FollowerSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowerSnapshot
        fields = ["date", "followers", "source"]
        read_only_fields = fields


class FollowerRangeSerializer(serializers.Serializer):
    """The query of GET /api/v1/channels/{id}/followers/."""

    since = serializers.DateField(required=False, help_text=gettext_lazy("From this date (YYYY-MM-DD), included."))
    until = serializers.DateField(required=False, help_text=gettext_lazy("Up to this date (YYYY-MM-DD), included."))

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": [_("“until” must not be before “since”.")]}, code="invalid")
        return attrs


class OfficialBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Official
        fields = ["slug", "name_ar", "name_en", "title_ar", "title_en"]
        read_only_fields = fields


class EntitySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    channels = serializers.IntegerField(
        source="approved_channels", read_only=True, help_text=gettext_lazy("Its official (approved) channels.")
    )
    followers = serializers.IntegerField(
        source="approved_followers", read_only=True,
        help_text=gettext_lazy("The latest follower counts of its official channels, added up."),
    )
    officials = OfficialBriefSerializer(source="active_officials", many=True, read_only=True)

    class Meta:
        model = Entity
        fields = ["slug", "name_ar", "name_en", "kind", "website", "official_domains", "parent", "channels",
                  "followers", "officials"]
        read_only_fields = fields


class OfficialSerializer(serializers.ModelSerializer):
    entity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    channels = serializers.IntegerField(
        source="approved_channels", read_only=True, help_text=gettext_lazy("Their official (approved) channels.")
    )

    class Meta:
        model = Official
        fields = ["slug", "name_ar", "name_en", "title_ar", "title_en", "entity", "channels"]
        read_only_fields = fields


class PlatformFiguresSerializer(serializers.Serializer):
    channels = serializers.IntegerField()
    followers = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    channels = serializers.IntegerField(help_text=gettext_lazy("Official (approved) channels."))
    entities = serializers.IntegerField(help_text=gettext_lazy("Active entities."))
    officials = serializers.IntegerField(help_text=gettext_lazy("Active officials."))
    followers = serializers.IntegerField(help_text=gettext_lazy("Latest follower counts of official channels."))
    platforms = serializers.DictField(
        child=PlatformFiguresSerializer(), help_text=gettext_lazy("Per platform: {channels, followers}.")
    )


# --- Alerts, for reviewers -------------------------------------------------------------------

class AlertSerializer(serializers.ModelSerializer):
    channel = serializers.PrimaryKeyRelatedField(read_only=True, help_text=gettext_lazy("The channel's id."))
    details = serializers.JSONField(
        read_only=True,
        help_text=gettext_lazy(
            "What the follower refresh saw, by kind: not_found and suspended {handle, detail}; renamed "
            "{registered_handle, handle_now}; id_changed {handle, registered_id, id_now}; follower_drop "
            "{previous, now, share}; refresh_failing {since, last_error, detail}."
        ),
    )
    resolved_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=gettext_lazy("When a reviewer resolved it; null while open.")
    )

    class Meta:
        model = Alert
        fields = ["id", "channel", "kind", "details", "opened_at", "resolved_at", "resolution_note"]
        read_only_fields = fields


class AlertResolveSerializer(_Input):
    note = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, trim_whitespace=False,
        help_text=gettext_lazy("What you found and did; required, kept with the alert (at most 2,000 characters)."),
    )
