"""The yardstick of bench/web.py: a bare Django app, its settings and one JSON view, in one module.

    gunicorn bench.bare_app:application

No middleware, no database, no templates: what Django and gunicorn cost on their own for a small
JSON answer, so the site's figures can be read as a ratio to it on the same machine.
"""
from __future__ import annotations

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-bare-app-secret-key-7c1e0b9d2f4a",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_I18N=False,
)


def answer(request):
    """About the size of verify's answer for an official link."""
    return JsonResponse({
        "result": "official",
        "channel": {"id": 1, "platform": "x", "handle": "MOFAUAE", "url": "https://x.com/MOFAUAE",
                    "entity": {"slug": "ministry-of-foreign-affairs", "name_en": "Ministry of Foreign Affairs",
                               "name_ar": "وزارة الخارجية"}, "status": "approved"},
        "lookalikes": [],
    })


urlpatterns = [path("", answer)]

application = get_wsgi_application()
