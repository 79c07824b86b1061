"""The public verify page: a GET form whose result has a shareable link (the same GET URL)."""
from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.platforms import Platform
from accounts.verify import verify as verify_text
from accounts.views import public_page
from registry.throttles import VerifyPageThrottle, seconds_to_wait, too_many_requests


def _box(request) -> dict:
    """The verify box as the person filled it in."""
    return {
        "query": request.GET.get("q", ""),
        "platform": request.GET.get("platform", ""),
        "platforms": Platform.choices,
    }


@public_page(revalidate=True)
def _answer(request):
    box = _box(request)
    answer = verify_text(box["query"], box["platform"] or None) if box["query"].strip() else None
    return render(request, "accounts/verify.html", {
        **box,
        "answer": answer,
        "share_url": request.build_absolute_uri() if answer is not None else "",
    })


@require_safe
def verify(request):
    # Only a question is counted: the empty form costs nothing. Refused outside public_page, so the
    # 429 is never marked public.
    if request.GET.get("q", "").strip():
        wait = seconds_to_wait(request, VerifyPageThrottle())
        if wait is not None:
            return too_many_requests(
                request, wait=wait, reason=_("You have checked many accounts in a short time from your network."),
                retry_template="accounts/_verify_box.html", context=_box(request),
            )
    return _answer(request)
