"""The alerts endpoints of the API, for GCO reviewers: list the alerts, resolve one with a note.

Resolving calls the one service (`accounts.services.resolve_alert`) the review area also calls,
with the same second-factor rule as reviewers' decisions on channels.
"""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action as endpoint
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import IsReviewer
from accounts.api.serializers import AlertResolveSerializer, AlertSerializer
from accounts.models import Alert, AlertKind
from accounts.review.alerts import ALERT_ORDER
from accounts.services import resolve_alert
from registry.api import RegisterPagination, error_responses
from registry.authentication import has_second_factor

MAX_ID = 2**63 - 1  # ids are bigints: a longer number is no row's, refused rather than overflowing


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number, documented as an integer."""


class AlertFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices, help_text=gettext_lazy("Only alerts of this kind."))
    open = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_open",
        help_text=gettext_lazy("true: only open alerts; false: only resolved ones."),
    )
    channel = IdFilter(
        field_name="channel_id", min_value=1, max_value=MAX_ID, decimal_places=0,
        help_text=gettext_lazy("Only this channel's alerts (its id)."),
    )

    class Meta:
        model = Alert
        fields = ["kind", "open", "channel"]

    def filter_open(self, queryset, name: str, value: str):
        return queryset.filter(resolved_at__isnull=value == "true")


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List alerts"),
        description=gettext_lazy(
            "What the follower refresh noticed about channels (an account gone, renamed, losing followers), for "
            "GCO reviewers. Open alerts first, the longest open first; then resolved ones, the latest resolved "
            "first. Filters combine."
        ),
        responses={200: AlertSerializer(many=True), **error_responses(400, 401, 403, 429)},
        tags=["alerts"],
    ),
)
class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AlertSerializer
    pagination_class = RegisterPagination
    filterset_class = AlertFilter
    permission_classes = [IsAuthenticated, IsReviewer]
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return Alert.objects.order_by(*ALERT_ORDER)

    @extend_schema(
        operation_id="v1_alerts_resolve",
        summary=gettext_lazy("Resolve an alert"),
        description=gettext_lazy(
            "Close an open alert with a `note` on what you found and did. Needs a login that passed the second "
            "factor, as reviewers' decisions do (403 `second_factor_required`). 400 `note_required` without a "
            "note; 409 `already_resolved` when someone resolved it first. Answers the alert as it is now."
        ),
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                     description=gettext_lazy("The alert's id."))],
        request=AlertResolveSerializer,
        responses={200: AlertSerializer, **error_responses(400, 401, 403, 404, 409, 413)},
        tags=["alerts"],
    )
    @endpoint(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def resolve(self, request, pk=None):
        serializer = AlertResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert = resolve_alert(
            user=request.user, alert_id=int(pk), note=serializer.validated_data.get("note") or "",
            two_factor=has_second_factor(request),
        )
        return Response(AlertSerializer(alert).data)
