"""The files machines look for at a site's root: robots.txt (what crawlers may read, where the sitemap
is), /.well-known/security.txt (RFC 9116: whom to tell about a vulnerability) and the web app manifest
(installing the site on a phone, and "Share → Official Accounts Registry" opening verify's answer)."""
from __future__ import annotations

import json
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.opendata.sitemaps import SITEMAPS
from accounts.web import public_page

# Cached by the sitemap's readers and rarely changed.
FILE_MAX_AGE = 60 * 60

# Areas no crawler has business in: each language's staff, review and login pages, the admin and the
# API (but its documentation, a public page); and verify's questions (/ar/verify/?q=...: endless, and
# counted against the asker's limit), while the verify page itself and the short links people share
# (/ar/v/x/MOFAUAE, which link previews fetch) stay open.
def _disallowed() -> list[str]:
    paths = ["/admin/", "/i18n/"]
    for code, _name in settings.LANGUAGES:
        paths += [f"/{code}/staff/", f"/{code}/review/", f"/{code}/auth/", f"/{code}/verify/?"]
    return paths


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for whatever a page links: the static icon, by its current
    (hashed, in production) address, so not a permanent redirect."""
    response = HttpResponseRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=FILE_MAX_AGE)
    return response


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", f"Allow: {reverse('api-docs')}", "Disallow: /api/"]
    lines += [f"Disallow: {path}" for path in _disallowed()]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=FILE_MAX_AGE)
    return response


def security_contact() -> str:
    """settings.SECURITY_CONTACT as a URI: an email address becomes mailto:."""
    contact = settings.SECURITY_CONTACT
    return contact if ":" in contact else f"mailto:{contact}"


@require_safe
def security_txt(request):
    """RFC 9116. Expires a set number of days ahead of each answer (SECURITY_TXT_DAYS, under a year as
    the RFC advises), so the file never lapses while the contact setting is kept current."""
    expires = (timezone.now() + timedelta(days=settings.SECURITY_TXT_DAYS)).replace(microsecond=0)
    lines = [
        f"Contact: {security_contact()}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: ar, en",
        f"Canonical: {request.build_absolute_uri(reverse('security_txt'))}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=FILE_MAX_AGE)
    return response


@require_safe
def web_app_manifest(request):
    """The manifest in the page's language (/ar/manifest.webmanifest, /en/...). Its share_target makes
    the installed site a share destination on Android and Chromium: a shared link arrives at verify as
    `url` (or inside `text`, as many apps send it), which answers it (accounts/public/views.py, asked)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    home = reverse("home")
    manifest = {
        # One app per language: installed from the Arabic pages it opens in Arabic, and shares to /ar/verify/.
        "id": home,
        "lang": language,
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "name": _("Official Accounts Registry"),
        "short_name": _("Official Accounts"),
        "description": _("The register of the official social-media accounts of the UAE federal government."),
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#7a5c1f",
        "icons": [
            {"src": static("img/icon.svg"), "type": "image/svg+xml", "sizes": "any"},
            {"src": static("img/icon-192.png"), "type": "image/png", "sizes": "192x192"},
            {"src": static("img/icon-512.png"), "type": "image/png", "sizes": "512x512"},
            {"src": static("img/icon-maskable-512.png"), "type": "image/png", "sizes": "512x512",
             "purpose": "maskable"},
        ],
        "share_target": {
            "action": reverse("verify"),
            "method": "GET",
            "params": {"title": "title", "text": "text", "url": "url"},
        },
    }
    response = HttpResponse(json.dumps(manifest, ensure_ascii=False, indent=2),
                            content_type="application/manifest+json; charset=utf-8")
    patch_cache_control(response, public=True, max_age=FILE_MAX_AGE)
    return response


# The sitemap, drawn once per register version like a public page (a page of 50,000 addresses costs
# seconds at a million channels), and kept a minute by its readers.
sitemap_index = public_page(sitemap_views.index)
sitemap_section = public_page(sitemap_views.sitemap)


def sitemap(request):
    return sitemap_index(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap_section")


def sitemap_part(request, section: str):
    return sitemap_section(request, sitemaps=SITEMAPS, section=section)
