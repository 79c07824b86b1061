"""The public register's read-only endpoints besides channels: entities, officials, statistics.

Counts and sums come from annotations and one prefetch, so a page costs the same few queries
whatever its length. Only approved channels count towards an owner's channels and followers.
"""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import EntitySerializer, OfficialSerializer, StatsSerializer
from accounts.public.statistics import platform_totals
from accounts.selectors import entities_with_figures, register_totals, with_approved_channels
from entities.models import Official
from registry.api import RegisterPagination, error_responses


class OfficialFilter(django_filters.FilterSet):
    entity = django_filters.CharFilter(field_name="entity__slug", help_text=gettext_lazy("The entity's slug."))

    class Meta:
        model = Official
        fields = ["entity"]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List entities"),
        description=gettext_lazy("Active federal entities, with their official channels' count and followers."),
        responses={200: EntitySerializer(many=True), **error_responses(400, 429)},
        tags=["register"],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read an entity"),
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: EntitySerializer, **error_responses(404, 429)},
        tags=["register"],
    ),
)
class EntityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EntitySerializer
    pagination_class = RegisterPagination
    permission_classes = [AllowAny]
    filter_backends: list = []
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,80}"

    def get_queryset(self):
        return entities_with_figures().order_by("name_en", "id")


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List officials"),
        description=gettext_lazy("Active officials of active entities, with their official channels' count."),
        responses={200: OfficialSerializer(many=True), **error_responses(400, 429)},
        tags=["register"],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read an official"),
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: OfficialSerializer, **error_responses(404, 429)},
        tags=["register"],
    ),
)
class OfficialViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficialSerializer
    pagination_class = RegisterPagination
    permission_classes = [AllowAny]
    filterset_class = OfficialFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,80}"

    def get_queryset(self):
        officials = Official.objects.filter(is_active=True, entity__is_active=True).select_related("entity")
        return with_approved_channels(officials, "official").order_by("name_en", "id")


class StatsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("The register's figures"),
        description=gettext_lazy(
            "Official (approved) channels, active entities and officials, the official channels' latest follower "
            "counts added up, and channels and followers per platform."
        ),
        responses={200: StatsSerializer, **error_responses(429)},
        tags=["register"],
    )
    def get(self, request: Request) -> Response:
        totals = register_totals()
        return Response({
            "channels": totals.channels,
            "entities": totals.entities,
            "officials": totals.officials,
            "followers": totals.followers,
            "platforms": platform_totals(),
        })
