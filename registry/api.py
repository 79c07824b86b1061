"""What every endpoint of the API shares: one JSON shape for errors, body size limits, pagination.

Every refusal answers `{"code": ..., "detail": ...}`: `code` is stable, for programs; `detail` is
a sentence, for people. Field errors add `errors`: `{field: [messages]}`. The register's own
errors (`registry.errors.RegistryError`) bring their HTTP status, code and field; DRF's and
Django's exceptions are mapped onto the same shape, so a client reads one format whatever failed.
"""
from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import set_rollback

from registry.direction import isolate
from registry.errors import RegistryError
from registry.parsers import PARSERS, RequestTooLarge, too_large_message  # noqa: F401 - PARSERS re-exported

# DRF's own codes, renamed where the register's vocabulary says it differently.
DRF_CODES = {
    exceptions.ParseError: "malformed",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.ValidationError: "invalid",
}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error the API answers, in one shape.

    Anything not listed here is a bug and stays a 500 (logged), never disguised as bad input.
    """
    if isinstance(exc, RegistryError):
        return _registry_error(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("There is no such record, or you may not see it."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("You may not do this."))
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(too_large_message())
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ParseError(_("The request has too many fields."))
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        messages = [message for field_messages in errors.values() for message in field_messages]
        detail = messages[0] if len(messages) == 1 else _("Some fields are not valid: %(fields)s.") % {
            "fields": isolate(", ".join(errors), ltr=True)
        }
        body: dict[str, Any] = {"code": "invalid", "detail": detail, "errors": errors}
    else:
        body = {"code": _code_of(exc), "detail": str(exc.detail)}
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def _registry_error(exc: RegistryError) -> Response:
    http_status = exc.http_status
    body: dict[str, Any] = {"code": exc.code, "detail": str(exc.message)}
    if exc.field:
        body["errors"] = {exc.field: [str(exc.message)]}
    missing = getattr(exc, "missing", None)  # the fields an incomplete submission lacks
    if missing:
        body["missing"] = list(missing)
    lookalikes = getattr(exc, "lookalikes", None)  # other entities' official accounts a handle looks like
    if lookalikes:
        body["lookalikes"] = [
            {"id": channel.pk, "platform": channel.platform, "handle": channel.handle,
             "entity": channel.entity.slug, "reason": reason}
            for channel, reason in lookalikes
        ]
    holder = getattr(exc, "holder", None)  # the registration that already holds a handle
    if holder is not None:
        body["holder"] = {"id": holder.pk, "entity": holder.entity.slug}
    set_rollback()
    return Response(body, status=http_status)


def _code_of(exc: exceptions.APIException) -> str:
    for exc_class, code in DRF_CODES.items():
        if isinstance(exc, exc_class):
            return code
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as `{"field": [...], "languages.0": [...]}`."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def endpoint_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other URL under /api/v1/: the API's 404 shape, not the site's HTML page."""
    detail = _("There is no such endpoint. The API's URLs end with a slash; see /api/docs/.")
    return JsonResponse({"code": "not_found", "detail": detail}, status=404)


# --- Lists -----------------------------------------------------------------------------------

class RegisterPagination(PageNumberPagination):
    """Pages of 50 by default; a client may ask for up to 200, never more."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# --- The schema --------------------------------------------------------------------------------

class ErrorSerializer(serializers.Serializer):
    """The shape of every error the API answers (documentation only)."""

    code = serializers.CharField(help_text=gettext_lazy("Stable, for programs: e.g. invalid, not_found, stale."))
    detail = serializers.CharField(help_text=gettext_lazy("A sentence for people."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text=gettext_lazy("Messages per field, when the error is about fields."),
    )
    holder = serializers.DictField(
        required=False,
        help_text=gettext_lazy("With `handle_taken`: the registration that holds the handle, as {id, entity}."),
    )


ERROR_MEANINGS = {
    400: gettext_lazy("Bad input: `invalid`, `malformed`, `too_long`, `reason_required`, or a field's own code."),
    401: gettext_lazy("No credentials, or wrong ones: `not_authenticated`, `invalid_token`, `token_expired`."),
    403: gettext_lazy("Not allowed: `forbidden`, `four_eyes`, `second_factor_required`."),
    404: gettext_lazy("`not_found`: no such record, or one you may not see."),
    409: gettext_lazy("Clashes with the register's state: `illegal_transition`, `already_decided`, `stale`, "
                      "`handle_taken` (with `holder`)."),
    413: gettext_lazy("`too_large`: the request body is over the size limit."),
    429: gettext_lazy("`throttled`: too many requests; wait the seconds in Retry-After."),
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=str(ERROR_MEANINGS[code])) for code in statuses}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the register's token header in the schema (`Authorization: Token <key>`)."""

    target_class = "registry.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": str(_("“Token <key>”, with a key from POST /api/v1/auth/token/.")),
        }
