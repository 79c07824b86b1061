"""The API's request parsers: DRF's, with Django's body-size limit applied.

Kept apart from registry/api.py because settings name these classes, and DRF reads that
setting while registry/api.py is still importing DRF's views.
"""
from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _, gettext_lazy
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


def too_large_message() -> str:
    return _("The request body is larger than %(limit)d bytes.") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}


# --- Request bodies ------------------------------------------------------------------------

class BodySizeLimit:
    """Refuse a body over DATA_UPLOAD_MAX_MEMORY_SIZE before reading it, and one nested too deeply to read.

    Django enforces that limit only when a body is read through `request.body` or `request.POST`;
    DRF's parsers read the stream themselves, so without this a JSON body of any size is loaded.
    """

    def body_limit(self) -> int | None:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def too_large(self) -> RequestTooLarge:
        return RequestTooLarge(too_large_message())

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = self.body_limit()
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                raise exceptions.ParseError(_("The Content-Length header is not a number.")) from None
            if length > limit:
                raise self.too_large()
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # 100 KB of "[" fits the size limit and nests past Python's stack: bad input, not a 500.
            raise exceptions.ParseError(_("The request body is nested too deeply to be read.")) from None


class JSONParser(BodySizeLimit, parsers.JSONParser):
    pass


class FormParser(BodySizeLimit, parsers.FormParser):
    pass


class MultiPartParser(BodySizeLimit, parsers.MultiPartParser):
    pass


PARSERS = [JSONParser, FormParser, MultiPartParser]
