"""GET /api/v1/changes/: every public change to the register, in order, a page at a time."""
from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ChangeKind, Status
from accounts.opendata.changes import (
    MAX_LIMIT,
    change_payload,
    changes_page,
    decode_cursor,
    encode_cursor,
    official_slugs,
    read_filters,
    read_limit,
)
from accounts.platforms import Platform
from accounts.public.replay import API_LIMIT, replayable
from registry.api import error_responses


class _PagesSerializer(serializers.Serializer):
    ar = serializers.URLField()
    en = serializers.URLField()


class _ChangedChannelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField()
    url = serializers.URLField(help_text=gettext_lazy("The canonical link of the account."))
    display_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices, help_text=gettext_lazy("Its status now."))
    entity = serializers.SlugField()
    official = serializers.SlugField(allow_null=True)
    pages = _PagesSerializer(help_text=gettext_lazy("Its page in the public register, in Arabic and in English."))


class _EntityNamesSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name_ar = serializers.CharField()
    name_en = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    """One public change; webhooks POST the same object."""

    cursor = serializers.CharField(help_text=gettext_lazy("This change's position: `?after=` it for what follows."))
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Status.choices, help_text=gettext_lazy("The channel's status after it."))
    changes = serializers.DictField(
        help_text=gettext_lazy("For `changed`: the fields the approved proposal set, with their new values."))
    channel = _ChangedChannelSerializer()
    entity = _EntityNamesSerializer()


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = serializers.URLField(
        allow_null=True, help_text=gettext_lazy("The next page, while more changes follow now; else null."))
    cursor = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("Where this page ends: ask `?after=` it later for the changes made since (null "
                               "before the first change)."),
    )


class ChangeListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="v1_changes_list",
        summary=gettext_lazy("Public changes to the register"),
        description=gettext_lazy(
            "Every public change, oldest first: a channel became official (`approved`), was retired, was flagged "
            "as compromised, was restored, or its details changed after a reviewer approved a proposal "
            "(`changed`). Drafts, submissions, rejections and requested changes never appear. Page with "
            "`after`: the cursor of the last change you read (each page's `cursor`); cursors never expire, and "
            "no change is skipped or repeated across pages while new ones arrive. Refusals: `invalid_cursor`, "
            "`unknown_entity`, `unknown_platform`, `unknown_kind`, `invalid_limit` (HTTP 400)."
        ),
        parameters=[
            OpenApiParameter("after", OpenApiTypes.STR, description=gettext_lazy("A cursor this feed gave.")),
            OpenApiParameter("entity", OpenApiTypes.STR, description=gettext_lazy("An entity's slug.")),
            OpenApiParameter("platform", OpenApiTypes.STR, enum=Platform.values),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, many=True, explode=True,
                description=gettext_lazy("One or more kinds of change (repeated, or separated by commas): %(kinds)s.")
                % {"kinds": ", ".join(ChangeKind.values)},
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description=gettext_lazy("Changes per page, at most %(most)d.")
                             % {"most": MAX_LIMIT}),
        ],
        responses={200: ChangePageSerializer, **error_responses(400, 429)},
        tags=["changes"],
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        filters = read_filters(entity=query.get("entity"), platform=query.get("platform"),
                               kinds=query.getlist("kind"))
        limit = read_limit(query.get("limit"))
        after = decode_cursor(query["after"]) if query.get("after") else None
        changes, more = changes_page(filters, after=after, limit=limit)
        site_url = request.build_absolute_uri("/")
        officials = official_slugs(changes)
        cursor = encode_cursor(changes[-1].pk) if changes else query.get("after") or None
        next_url = None
        if more:
            kept = [(name, value) for name in ("entity", "platform", "kind", "limit")
                    for value in query.getlist(name)]
            next_url = request.build_absolute_uri(request.path + "?" + urlencode([*kept, ("after", cursor)]))
        return replayable(Response({
            "results": [change_payload(event, site_url=site_url, officials=officials) for event in changes],
            "next": next_url,
            "cursor": cursor,
        }), limit=API_LIMIT)
