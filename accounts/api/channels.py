"""The channels endpoints of the API: reading the register, registering, editing, and the workflow.

Thin on purpose: each write calls one service (accounts/services.py), which makes the one
permission check (accounts/workflow.py) the staff and review areas also go through. The API
itself only insists that a write comes from someone logged in, and decides what a reader sees:
the public, only `Channel.public_objects`; staff, also what `channels_for(user)` gives them.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import format_lazy
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action as endpoint
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.api.export import CsvRenderer, csv_response
from accounts.api.filters import ChannelFilter
from accounts.api.serializers import (
    ChannelActionSerializer,
    ChannelCreateSerializer,
    ChannelEditSerializer,
    ChannelEventSerializer,
    ChannelSerializer,
    FollowerRangeSerializer,
    FollowerSnapshotSerializer,
    api_action_name,
)
from accounts.models import Channel, FollowerSnapshot
from accounts.public.cache import API, cached
from accounts.public.paging import RegisterPaginator
from accounts.public.replay import API_LIMIT, replayable
from accounts.selectors import channels_for, with_activity
from accounts.services import channel_act, channel_create, channel_edit
from accounts.workflow import TRANSITIONS, Action, is_reviewer
from registry.api import RegisterPagination, error_responses
from registry.authentication import has_second_factor
from registry.errors import RegistryError

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description=gettext_lazy(
        'The ETag you read ("3.<digest>"), or the channel version alone ("3"); a stale version is refused with '
        '409 `stale`.'
    ),
)


CHANNEL_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("The channel's id.")
)


# Channels in a stable order, so pages neither skip nor repeat one.
ORDER = ("platform", "handle_key", "id")


def channel_etag(channel: Channel, data: dict) -> str:
    """`"<version>.<digest of the answer>"`: a write's If-Match is checked against the version before
    the dot, while a read's If-None-Match matches only while every field shown is the same (a refresh
    changes `followers` without a new version)."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f'"{channel.version}.{digest}"'


def expected_version(request: Request, sent: int | None) -> int | None:
    """The version the client last read: from the body, else from an If-Match header (the ETag it
    was given, `"3.<digest>"`, or the version alone, `"3"`)."""
    if sent is not None:
        return sent
    header = (request.headers.get("If-Match") or "").strip()
    if header in ("", "*"):
        return None
    value = header.removeprefix("W/").strip('"').split(".", 1)[0]
    if not (value.isascii() and value.isdigit()):
        raise RegistryError(
            _("If-Match must be the channel's version as the API gave it, such as \"3\"."),
            code="invalid", field="version",
        )
    return int(value)


def _transition_endpoint(action: Action):
    """POST /api/v1/channels/{id}/<action>/: one workflow step, through `channel_act`."""
    transition = TRANSITIONS[action]
    reason = gettext_lazy("A `reason` is required.") if transition.needs_reason else gettext_lazy(
        "A `reason` is optional."
    )

    def take(self, request, pk=None):
        return self.act(request, self.visible_id(pk), action)

    take.__name__ = action.value  # DRF finds the method by this name
    take = endpoint(detail=True, methods=["post"], url_path=api_action_name(action))(take)
    return extend_schema(
        operation_id=f"v1_channels_{action.value}",
        summary=transition.label,
        description=format_lazy(
            "{}. {} {}", transition.label, reason, gettext_lazy("Answers the channel as it is after the step.")
        ),
        request=ChannelActionSerializer,
        parameters=[CHANNEL_ID, IF_MATCH],
        responses={200: ChannelSerializer, **error_responses(400, 401, 403, 404, 409, 413)},
        tags=["workflow"],
    )(take)


class ChannelPagination(RegisterPagination):
    """Pages whose count is exact up to PUBLIC_EXACT_COUNT_UP_TO matches and estimated above it
    (`count_estimated`); `next` is given only when the next page has rows (accounts/public/paging.py)."""

    django_paginator_class = RegisterPaginator

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param) or 1
        return paginator.last_page_number() if number in self.last_page_strings else number

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_estimated": self.page.paginator.count_estimated,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["count", "count_estimated", "results"]
        answer["properties"]["count"]["description"] = str(gettext_lazy(
            "How many channels match: counted exactly for smaller answers, the database's estimate for large ones "
            "(then count_estimated is true). Follow `next` until it is null: the last page is always exact."
        ))
        answer["properties"] = {
            "count": answer["properties"]["count"],
            "count_estimated": {
                "type": "boolean",
                "description": str(gettext_lazy("True when `count` is an estimate, not every match counted.")),
            },
            **{name: value for name, value in answer["properties"].items() if name != "count"},
        }
        return answer


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List channels"),
        description=gettext_lazy(
            "The public sees approved, retired and compromised channels; staff also see their entities' channels "
            "in every state (reviewers: all). Filters combine; `?format=csv` answers the public register as CSV "
            "(as /api/v1/channels.csv does)."
        ),
        responses={200: ChannelSerializer(many=True), **error_responses(400, 401, 404, 429)},
        tags=["channels"],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read a channel"),
        description=gettext_lazy("404 for a channel that is not public and that you may not see."),
        parameters=[CHANNEL_ID],
        responses={200: ChannelSerializer, **error_responses(401, 404)},
        tags=["channels"],
    ),
    create=extend_schema(
        summary=gettext_lazy("Register a channel (as a draft)"),
        description=gettext_lazy(
            "Give `url` (any form people paste), or `platform` and `handle`; the server reads the platform and "
            "handle from it. Editors register for their own entities only."
        ),
        request=ChannelCreateSerializer,
        responses={201: ChannelSerializer, **error_responses(400, 401, 403, 409, 413)},
        tags=["channels"],
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Edit a channel"),
        description=gettext_lazy(
            "A draft changes at once; an edit of an approved channel becomes a proposal a reviewer decides "
            "(approve-changes, reject-changes). Send `version` or If-Match to be refused with 409 `stale` "
            "instead of overwriting someone else's change."
        ),
        request=ChannelEditSerializer,
        parameters=[CHANNEL_ID, IF_MATCH],
        responses={200: ChannelSerializer, **error_responses(400, 401, 403, 404, 409, 413)},
        tags=["channels"],
    ),
)
class ChannelViewSet(viewsets.GenericViewSet):
    serializer_class = ChannelSerializer
    pagination_class = ChannelPagination
    # drf-spectacular reads the filters through SPECTACULAR_SETTINGS["DEFAULT_QUERY_MANAGER"]:
    # Channel has no `objects`.
    filterset_class = ChannelFilter
    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]{1,18}"  # longer is no channel's id (and would overflow a bigint)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])  # staff see more than the public
        return response

    def get_renderers(self):
        renderers = [renderer() for renderer in api_settings.DEFAULT_RENDERER_CLASSES]
        if getattr(self, "action", None) == "list":  # the register as CSV: ?format=csv, or channels.csv
            renderers.append(CsvRenderer())
        return renderers

    def filter_queryset(self, queryset):
        # The list's filters are the list's: detail routes find a channel by its id alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_queryset(self):
        public = Channel.public_objects.with_owner()
        if not self.request.user.is_authenticated:
            return with_activity(public).order_by(*ORDER)
        channels = with_activity(channels_for(self.request.user) | public).order_by(*ORDER)
        if is_reviewer(self.request.user):
            # The four-eyes rule reads each channel's events to list a reviewer's actions: once per page.
            channels = channels.prefetch_related("events")
        return channels

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("private_ids", set())
        if getattr(self, "request", None) is not None and "two_factor" not in context:
            context["two_factor"] = self.two_factor
        return context

    @property
    def two_factor(self) -> bool:
        if not hasattr(self, "_two_factor"):
            self._two_factor = has_second_factor(self.request)
        return self._two_factor

    def private_ids(self, channels: Iterable[Channel]) -> set[int]:
        """Which of these channels the user sees as staff (with proposals, version, workflow dates)."""
        user = self.request.user
        if not user.is_authenticated:
            return set()
        ids = [channel.pk for channel in channels]
        return set(channels_for(user).filter(pk__in=ids).values_list("pk", flat=True))

    def represent(self, channels: list[Channel], *, many: bool = False):
        context = {**self.get_serializer_context(), "private_ids": self.private_ids(channels)}
        return ChannelSerializer(channels if many else channels[0], many=many, context=context).data

    def channel_response(self, channel: Channel | int, *, status_code: int = status.HTTP_200_OK,
                         headers=None) -> Response:
        if not isinstance(channel, Channel):  # after a write: read it again, with its owner
            channel = Channel.private_objects.with_owner().get(pk=channel)
        data = self.represent([channel])
        headers = dict(headers or {})
        if "version" in data:
            headers["ETag"] = channel_etag(channel, data)
        return Response(data, status=status_code, headers=headers)

    # --- Reading --------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == CsvRenderer.format:
            # The public register, whoever asks: staff read their drafts through the JSON list.
            channels = self.filter_queryset(Channel.public_objects.with_owner().order_by(*ORDER))
            return csv_response(channels)
        if not request.user.is_authenticated:
            # The public's pages are the same for everyone: drawn once per register version.
            key = ("channels", request.get_host(), request.get_full_path(), request.accepted_renderer.format)
            return replayable(Response(cached(API, key, self.page_data)), limit=API_LIMIT)
        return Response(self.page_data())

    def page_data(self):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.represent(page, many=True)).data

    def retrieve(self, request, pk=None):
        return self.channel_response(self.get_object())

    @extend_schema(
        summary=gettext_lazy("A channel's workflow history"),
        description=gettext_lazy("Every step, oldest first; for staff who may see the channel."),
        parameters=[CHANNEL_ID],
        responses={200: ChannelEventSerializer(many=True), **error_responses(401, 404)},
        tags=["workflow"],
    )
    @endpoint(detail=True, methods=["get"], permission_classes=[IsAuthenticated], pagination_class=None)
    def events(self, request, pk=None):
        channel = get_object_or_404(channels_for(request.user), pk=pk)
        events = channel.events.select_related("actor")
        return Response(ChannelEventSerializer(events, many=True).data)

    @extend_schema(
        summary=gettext_lazy("A channel's follower history"),
        description=gettext_lazy(
            "One count per day, oldest first; `since` and `until` (dates, included) narrow it. 404 for a channel "
            "that is not public and that you may not see."
        ),
        parameters=[CHANNEL_ID, FollowerRangeSerializer],
        responses={200: FollowerSnapshotSerializer(many=True), **error_responses(400, 404, 429)},
        tags=["channels"],
    )
    @endpoint(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def followers(self, request, pk=None):
        channel = self.get_object()
        query = FollowerRangeSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        snapshots = FollowerSnapshot.objects.filter(channel=channel).order_by("date")
        if query.validated_data.get("since"):
            snapshots = snapshots.filter(date__gte=query.validated_data["since"])
        if query.validated_data.get("until"):
            snapshots = snapshots.filter(date__lte=query.validated_data["until"])
        return Response(FollowerSnapshotSerializer(snapshots, many=True).data)

    # --- Writing: each through its service ------------------------------------------------

    def create(self, request):
        serializer = ChannelCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = channel_create(actor=request.user, two_factor=self.two_factor, **serializer.service_arguments())
        location = reverse("api-channel-detail", kwargs={"pk": channel.pk})
        return self.channel_response(channel.pk, status_code=status.HTTP_201_CREATED, headers={"Location": location})

    def visible_id(self, pk) -> int:
        """The id of a channel the caller may read (public, or theirs as staff). Any other is a 404, as an id
        that does not exist is: a write must not tell another entity's draft from nothing."""
        if not self.get_queryset().filter(pk=pk).exists():
            raise Http404
        return int(pk)

    def partial_update(self, request, pk=None):
        channel_id = self.visible_id(pk)
        serializer = ChannelEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = channel_edit(
            actor=request.user, channel_id=channel_id,
            expected_version=expected_version(request, serializer.validated_data.get("version")),
            two_factor=self.two_factor, **serializer.service_arguments(),
        )
        return self.channel_response(channel.pk)

    def act(self, request, channel_id: int, action: Action) -> Response:
        serializer = ChannelActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = channel_act(
            actor=request.user, channel_id=channel_id, action=action,
            reason=serializer.validated_data.get("reason") or "",
            expected_version=expected_version(request, serializer.validated_data.get("version")),
            two_factor=self.two_factor, lookalikes_confirmed=serializer.validated_data["lookalikes_confirmed"],
        )
        return self.channel_response(channel.pk)

    submit = _transition_endpoint(Action.SUBMIT)
    approve = _transition_endpoint(Action.APPROVE)
    request_changes = _transition_endpoint(Action.REQUEST_CHANGES)
    reject = _transition_endpoint(Action.REJECT)
    approve_changes = _transition_endpoint(Action.APPROVE_CHANGES)
    reject_changes = _transition_endpoint(Action.REJECT_CHANGES)
    retire = _transition_endpoint(Action.RETIRE)
    flag_compromised = _transition_endpoint(Action.FLAG_COMPROMISED)
    restore = _transition_endpoint(Action.RESTORE)
    certify = _transition_endpoint(Action.CERTIFY)


class ChannelCsvView(ChannelViewSet):
    """GET /api/v1/channels.csv: the channel list's CSV, at its own address."""

    @extend_schema(
        operation_id="v1_channels_csv",
        summary=gettext_lazy("The public register as CSV"),
        description=gettext_lazy(
            "Approved, retired and compromised channels, with the list's filters and ordering, unpaged; UTF-8 with "
            "a byte-order mark. The same as GET /api/v1/channels/?format=csv."
        ),
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(400, 429)},
        filters=True,
        tags=["channels"],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
