"""The public verify page: a GET form whose result has a shareable link (the same GET URL)."""
from __future__ import annotations

from django.shortcuts import render

from accounts.platforms import Platform
from accounts.verify import verify as verify_text
from accounts.views import public_page


@public_page(revalidate=True)
def verify(request):
    query = request.GET.get("q", "")
    platform = request.GET.get("platform", "")
    answer = verify_text(query, platform or None) if query.strip() else None
    return render(request, "accounts/verify.html", {
        "query": query,
        "platform": platform,
        "platforms": Platform.choices,
        "answer": answer,
        "share_url": request.build_absolute_uri() if answer is not None else "",
    })
