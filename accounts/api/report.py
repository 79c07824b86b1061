"""GET /api/v1/report/, for GCO reviewers: every owner's and channel's score against the guide and
the checks each fails, with the checks themselves; the same assessment the report pages show
(accounts.report.scores.assess), in a fixed number of queries whatever the size of the register."""
from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsReviewer
from accounts.platforms import Platform
from accounts.report.scores import assess
from accounts.report.standards import RULES
from registry.api import error_responses


def owner_kind_field() -> serializers.CharField:
    # A plain string, not a ChoiceField: its enum would collide in the schema with the other `kind`
    # enums (EntityKind, AlertKind), and the two values are documented here.
    return serializers.CharField(help_text=gettext_lazy("entity or official."))


class ReportOwnerRefSerializer(serializers.Serializer):
    kind = owner_kind_field()
    slug = serializers.CharField(help_text=gettext_lazy("The entity's or the official's slug."))


class ReportEntitySerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=gettext_lazy("The entity's or the official's slug."))
    kind = owner_kind_field()
    name_en = serializers.CharField()
    name_ar = serializers.CharField()
    score = serializers.IntegerField(
        min_value=0, max_value=100, allow_null=True,
        help_text=gettext_lazy(
            "The mean of its channels' scores less the weight of each of its own failed checks, never below 0; null "
            "when it is not rated (see `rated`)."),
    )
    rated = serializers.BooleanField(help_text=gettext_lazy(
        "false for an owner with no channel registered: not rated, with no score and no rank, listed last."))
    not_rated_reason = serializers.CharField(allow_null=True, help_text=gettext_lazy(
        "Why it is not rated, as a stable code (no_channels), or null when it is rated."))
    failing = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy(
            "The ids of the checks that cost the owner points: its own, then its channels' (a check failed by "
            "two channels is listed twice). Each channel's own list is under `channels`."
        ),
    )
    channels = serializers.IntegerField(help_text=gettext_lazy("Its official (approved) channels."))
    followers = serializers.IntegerField(help_text=gettext_lazy("Its official channels' latest counts added up."))


class ReportChannelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner = ReportOwnerRefSerializer()
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField()
    score = serializers.IntegerField(
        min_value=0, max_value=100, help_text=gettext_lazy("100 less the weight of every check the channel fails.")
    )
    failing = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("The checks it fails."))


class ReportRuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    scope = serializers.ChoiceField(
        choices=[("channel", "channel"), ("owner", "owner")],
        help_text=gettext_lazy("channel: checked on each channel; owner: on the entity as a whole."),
    )
    weight = serializers.IntegerField(help_text=gettext_lazy("The points a failure costs."))
    title_en = serializers.CharField()
    title_ar = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    entities = ReportEntitySerializer(many=True, help_text=gettext_lazy(
        "Every active entity and official, the best score first, then those not rated."))
    channels = ReportChannelSerializer(many=True, help_text=gettext_lazy(
        "Every channel assessed: official ones, and official ones reported as taken over."))
    rules = ReportRuleSerializer(many=True, help_text=gettext_lazy("The guide's checks."))


class ReportView(APIView):
    permission_classes = [IsAuthenticated, IsReviewer]

    @extend_schema(
        operation_id="v1_report",
        summary=gettext_lazy("The presence report"),
        description=gettext_lazy(
            "For GCO reviewers: each entity's and official's score against the guide's checks and the checks it "
            "fails, each channel's likewise, and the checks with their weights. Computed from the register as it "
            "is now."
        ),
        responses={200: ReportSerializer, **error_responses(401, 403, 429)},
        tags=["report"],
    )
    def get(self, request: Request) -> Response:
        assessed = assess()
        entities, channels = [], []
        for item in assessed:
            owner = item.owner
            entities.append({
                "slug": owner.slug, "kind": owner.kind_of_owner,
                "name_en": owner.record.name_en, "name_ar": owner.record.name_ar,
                "score": item.score, "rated": item.rated, "not_rated_reason": None if item.rated else "no_channels",
                "failing": [rule.id for rule, _channel in item.lost],
                "channels": item.channel_count, "followers": item.followers,
            })
            channels.extend({
                "id": line.channel.pk, "owner": {"kind": owner.kind_of_owner, "slug": owner.slug},
                "platform": line.channel.platform, "handle": line.channel.handle,
                "score": line.score, "failing": [rule.id for rule in line.failing],
            } for line in item.channels)
        rules = [{"id": rule.id, "scope": rule.scope, "weight": rule.weight, "title_en": rule.title_en,
                  "title_ar": rule.title_ar} for rule in RULES]
        return Response(ReportSerializer({"entities": entities, "channels": channels, "rules": rules}).data)
