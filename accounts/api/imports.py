"""The imports endpoints of the API: upload a file (its preview is the answer), read a preview's
rows, confirm it; list the imports.

The same two services as the staff pages and `manage.py import_channels` (accounts/imports/services.py),
so the same permission check (`require_importer`: an editor for their own entities, a reviewer for
any, reviewers and admins only with a login that passed the second factor) and the same outcomes.
"""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as endpoint
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.imports.results import described, imports_for
from accounts.imports.services import import_confirm, import_preview
from accounts.models import ChannelImport, ImportOutcome
from entities.models import Entity
from registry.api import RegisterPagination, error_responses
from registry.authentication import has_second_factor
from registry.direction import isolate
from registry.errors import RegistryError
from registry.parsers import JSONParser, MultiPartParser, RequestTooLarge

# What a multipart body adds around the file itself (boundaries, the other fields): a file just
# under IMPORT_MAX_BYTES must not be refused for its wrapping.
MULTIPART_ALLOWANCE = 64 * 1024


class ImportUploadParser(MultiPartParser):
    """Multipart bodies up to IMPORT_MAX_BYTES of file, not the API's usual body limit."""

    def body_limit(self) -> int:
        return settings.IMPORT_MAX_BYTES + MULTIPART_ALLOWANCE

    def too_large(self) -> RequestTooLarge:
        return RequestTooLarge(_("The file is larger than %(limit)s, the most an import takes. Split it into "
                                 "smaller files.") % {"limit": filesizeformat(settings.IMPORT_MAX_BYTES)})


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("CSV (UTF-8, commas or semicolons) or an Excel workbook "
                                                        "(.xlsx), the columns named in its first row."))
    entity = serializers.SlugField(
        required=False, allow_blank=True,
        help_text=gettext_lazy("The slug of the entity every row is for; without it, each row's `entity` column."),
    )
    create_entities = serializers.BooleanField(
        required=False, default=False,
        help_text=gettext_lazy("Reviewers only: create the entities the file names and the register lacks "
                               "(English name in `entity`, Arabic in `entity_ar`) when the import is confirmed."),
    )

    def validate_entity(self, value: str) -> Entity | None:
        if not value:
            return None
        try:
            return Entity.objects.get(slug=value)
        except Entity.DoesNotExist:
            raise serializers.ValidationError(_("There is no entity with this slug.")) from None


class ImportSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.email", read_only=True)
    entity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=gettext_lazy(
        "Rows per outcome: register, mismatch, already, held, unreadable, unknown_entity, unknown_official, "
        "not_allowed, invalid, duplicate."))
    rows_url = serializers.SerializerMethodField()
    confirm_url = serializers.SerializerMethodField()

    class Meta:
        model = ChannelImport
        fields = ["id", "file_name", "created_by", "created_at", "status", "entity", "create_entities", "rows_total",
                  "counts", "registered", "entities_created", "confirmed_at", "rows_url", "confirm_url"]
        read_only_fields = fields

    def get_rows_url(self, channel_import) -> str:
        return reverse("api-import-rows", kwargs={"pk": channel_import.pk})

    def get_confirm_url(self, channel_import) -> str | None:
        return None if channel_import.is_confirmed else reverse("api-import-confirm", kwargs={"pk": channel_import.pk})


class ImportRowSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=gettext_lazy("The row's number in the file (the headings' row is 1)."))
    outcome = serializers.ChoiceField(choices=ImportOutcome.choices)
    result = serializers.CharField(source="sentence", help_text=gettext_lazy("The outcome as a sentence."))
    given = serializers.DictField(child=serializers.CharField(), help_text=gettext_lazy("The row's cells as read."))
    entity = serializers.SerializerMethodField()
    platform = serializers.CharField()
    handle = serializers.CharField()
    duplicate_of = serializers.IntegerField(allow_null=True)
    existing = serializers.IntegerField(source="existing_id", allow_null=True, help_text=gettext_lazy(
        "With `already` and `held`: the registration that has the account."))
    channel = serializers.IntegerField(source="channel_id", allow_null=True, help_text=gettext_lazy(
        "Once confirmed: the channel the row registered."))

    def get_entity(self, row) -> str:
        return row.entity.slug if row.entity_id and row.entity else ""


IMPORT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                             description=gettext_lazy("The import's id."))


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List imports"),
        description=gettext_lazy("Your imports, newest first (reviewers: everyone's)."),
        responses={200: ImportSerializer(many=True), **error_responses(401, 429)},
        tags=["imports"],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read an import"), parameters=[IMPORT_ID],
        responses={200: ImportSerializer, **error_responses(401, 404)}, tags=["imports"],
    ),
)
class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ImportSerializer
    pagination_class = RegisterPagination
    permission_classes = [IsAuthenticated]
    parser_classes = [ImportUploadParser, JSONParser]
    filter_backends: list = []
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return imports_for(self.request.user)

    @extend_schema(
        summary=gettext_lazy("Upload a file and preview its import"),
        description=gettext_lazy(
            "multipart/form-data with `file` (at most IMPORT_MAX_BYTES, 5 MB unless configured, and IMPORT_MAX_ROWS "
            "rows, 10,000 unless configured). Nothing is registered: the answer is the preview, its counts per "
            "outcome, with `rows_url` for each row's outcome and `confirm_url` to register the rows to register. "
            "Editors import for their own entities only; reviewers for any, with a token issued with the second "
            "factor. Links are read as text: nothing in the file is fetched, and share links must be pasted as "
            "the account's own link."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportSerializer, **error_responses(400, 401, 403, 413)},
        tags=["imports"],
    )
    def create(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        channel_import = import_preview(
            actor=request.user, file=data["file"], file_name=data["file"].name, size=data["file"].size,
            entity=data.get("entity"), create_entities=data["create_entities"], two_factor=has_second_factor(request),
        )
        location = reverse("api-import-detail", kwargs={"pk": channel_import.pk})
        return Response(ImportSerializer(channel_import).data, status=status.HTTP_201_CREATED,
                        headers={"Location": location})

    @extend_schema(
        summary=gettext_lazy("Confirm an import"),
        description=gettext_lazy(
            "Registers the preview's rows to register (`register` and `mismatch`), all or none: an editor's as "
            "drafts, a reviewer's as submissions that another reviewer must decide. Refused with 409 "
            "`register_changed` if the register changed what any row would do since the preview (upload the file "
            "again), and with 409 `already_confirmed` the second time. Only whoever uploaded it may confirm it."
        ),
        request=None, parameters=[IMPORT_ID],
        responses={200: ImportSerializer, **error_responses(401, 403, 404, 409)},
        tags=["imports"],
    )
    @endpoint(detail=True, methods=["post"], url_path="confirm", url_name="confirm")
    def confirm(self, request, pk=None):
        get_object_or_404(self.get_queryset(), pk=pk)
        channel_import = import_confirm(actor=request.user, import_id=int(pk), two_factor=has_second_factor(request))
        return Response(ImportSerializer(channel_import).data)

    @extend_schema(
        summary=gettext_lazy("An import's rows"),
        description=gettext_lazy("Each row's outcome, in the file's order, in pages; `outcome` keeps one kind."),
        parameters=[IMPORT_ID, OpenApiParameter("outcome", OpenApiTypes.STR, enum=ImportOutcome.values,
                                                description=gettext_lazy("Only rows with this outcome."))],
        responses={200: ImportRowSerializer(many=True), **error_responses(400, 401, 404)},
        tags=["imports"],
    )
    @endpoint(detail=True, methods=["get"], url_path="rows", url_name="rows")
    def rows(self, request, pk=None):
        channel_import = get_object_or_404(self.get_queryset(), pk=pk)
        rows = channel_import.rows.select_related("entity").order_by("number")
        outcome = request.query_params.get("outcome")
        if outcome:
            if outcome not in ImportOutcome.values:
                raise RegistryError(_("Unknown outcome: %(outcome)s.") % {"outcome": isolate(outcome, ltr=True)},
                                    field="outcome")
            rows = rows.filter(outcome=outcome)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ImportRowSerializer(described(page, request.user), many=True).data)
