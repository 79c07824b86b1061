"""GET /api/v1/verify/: the same answer as the verify page, for programs."""
from __future__ import annotations

from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Channel
from accounts.public.replay import API_LIMIT, replayable
from accounts.public.verify import RESULTS, VerifyAnswer, checked_answer
from accounts.radar.services import count_question
from registry.api import ErrorSerializer, error_responses
from registry.errors import RegistryError


def _person(owner) -> dict | None:
    if owner is None:
        return None
    return {"slug": owner.slug, "name_ar": owner.name_ar, "name_en": owner.name_en}


def channel_data(channel: Channel) -> dict:
    return {
        "id": channel.pk,
        "platform": channel.platform,
        "handle": channel.handle,
        "url": channel.canonical_url,
        "display_name": channel.display_name,
        "entity": _person(channel.entity),
        "official": _person(channel.official),
        "status": channel.status,
        "since": channel.approved_at.isoformat() if channel.approved_at else None,
        "retired_at": channel.retired_at.isoformat() if channel.retired_at else None,
    }


def answer_data(answer: VerifyAnswer) -> dict:
    link = answer.link
    return {
        "result": answer.result,
        "channel": channel_data(answer.channel) if answer.channel is not None else None,
        "matches": [channel_data(channel) for channel in answer.matches],
        "entities": [_person(entity) for entity in answer.entities],
        "lookalikes": [{**channel_data(channel), "reason": reason} for channel, reason in answer.lookalike_rows],
        "input": None if link is None else {
            "platform": link.platform.value, "handle": link.handle, "canonical_url": link.canonical_url,
            "shared_link": answer.shared_link or None,
        },
        "error": {"code": answer.error_code, "detail": answer.error_message} if answer.error_code else None,
        "note": {"code": "platform_mismatch", "detail": answer.platform_note} if answer.platform_note else None,
        "impostor": {"reported_on": answer.impostor.reported_on.isoformat(),
                     "marked_at": answer.impostor.marked_at.isoformat()} if answer.impostor else None,
        "caution": {"code": answer.caution, "detail": answer.caution_message,
                    "since": answer.caution_since.isoformat()} if answer.caution else None,
    }


class _OwnerSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name_ar = serializers.CharField()
    name_en = serializers.CharField()


class _ChannelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    handle = serializers.CharField()
    url = serializers.URLField()
    display_name = serializers.CharField()
    entity = _OwnerSerializer()
    official = _OwnerSerializer(allow_null=True)
    status = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)
    retired_at = serializers.DateTimeField(allow_null=True)


class _LookalikeSerializer(_ChannelSerializer):
    reason = serializers.CharField()


class _InputSerializer(serializers.Serializer):
    platform = serializers.CharField()
    handle = serializers.CharField()
    canonical_url = serializers.URLField()
    shared_link = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("The platform's share link the account was read through, if any."))


class _CautionSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    since = serializers.DateTimeField()


class _NoteSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class _ImpostorSerializer(serializers.Serializer):
    reported_on = serializers.DateField()
    marked_at = serializers.DateTimeField()


class VerifyAnswerSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=RESULTS)
    channel = _ChannelSerializer(allow_null=True)
    matches = _ChannelSerializer(
        many=True,
        help_text=gettext_lazy("Every public registration of the handle asked about, one per platform, `channel` "
                               "first: a handle sent without a platform is looked up on every platform."),
    )
    entities = _OwnerSerializer(
        many=True, help_text=gettext_lazy("For text that reads as a name rather than an account (“وزارة الخارجية”): "
                                          "the entities it may mean, whose accounts are listed on their pages."),
    )
    lookalikes = _LookalikeSerializer(
        many=True, help_text=gettext_lazy("The official channels the input imitates, closest first, at most three, "
                                          "each with `reason`: how it differs."),
    )
    input = _InputSerializer(allow_null=True)
    error = ErrorSerializer(allow_null=True)  # the API's one error shape
    note = _NoteSerializer(
        allow_null=True,
        help_text=gettext_lazy("With a `platform` that is not the link's (an X choice and a Facebook link): code "
                               "`platform_mismatch` and a sentence saying so. The link decides: the answer is for "
                               "the account the link names, on its own platform (`input.platform`)."),
    )
    impostor = _ImpostorSerializer(
        allow_null=True,
        help_text=gettext_lazy("With the result `known_impostor`: the Government Communication Office found this "
                               "account impersonating the government and reported it to the platform on "
                               "`reported_on`. It is not an official account."),
    )
    caution = _CautionSerializer(
        allow_null=True,
        help_text=gettext_lazy("With the result `under_check`: what the platform now reports about this official "
                               "account (`id_changed`, `renamed`, `suspended`, `not_found`) and since when, until a "
                               "reviewer has checked it: do not rely on it meanwhile."),
    )


class VerifyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="verify",
        summary=gettext_lazy("Is this account official?"),
        description=gettext_lazy(
            "Reads any link or handle a person might paste and answers from the public register: "
            "`official`, `under_check` (official, but the platform reports trouble a reviewer is checking: do not "
            "rely on it for now; see `caution`), `formerly_official`, `compromised`, `known_impostor` (not "
            "registered, and reported by the GCO as impersonating the government: see `impostor`), "
            "`not_registered` (with `lookalikes`: official channels the input imitates) or `invalid` (with the "
            "reason in `error`). HTTP 200 for every answer. The link is never fetched, except a platform's share "
            "link (facebook.com/share/…, vm.tiktok.com/…), opened once on that platform's own host to see which "
            "account it leads to. Unapproved registrations are never disclosed."
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True,
                             description=gettext_lazy("The link or handle, e.g. https://x.com/UAEGov or @UAEGov.")),
            OpenApiParameter("platform", OpenApiTypes.STR, required=False,
                             description=gettext_lazy("The platform. Without it, a handle alone is looked up on "
                                                      "every platform; it is asked for only when the handle is "
                                                      "registered on none. A link names its own platform: one "
                                                      "of another platform is answered for, with a `note`.")),
        ],
        responses={200: OpenApiResponse(VerifyAnswerSerializer), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q")
        if query is None or not query.strip():
            raise RegistryError(_("Give the link or handle to check in the “q” parameter."), code="invalid",
                                field="q")
        answer = checked_answer(query, request.query_params.get("platform") or None)
        counted = count_question(answer)
        return replayable(Response(answer_data(answer)), limit=API_LIMIT, sighting=counted)
