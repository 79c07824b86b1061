"""The public register's pages: home, entities, an entity, a channel. Each shows only what
`Channel.public_objects` holds, works without JavaScript, and may be kept by shared caches
for `PUBLIC_PAGE_MAX_AGE` seconds (ETags come from ConditionalGetMiddleware)."""
from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from accounts.charts import follower_chart, month_ends
from accounts.directory import name_field
from accounts.models import Channel, Status
from accounts.platforms import Platform
from accounts.review import language_labels
from accounts.selectors import entities_with_figures, entity_channels, follower_history, register_totals
from accounts.statistics import largest_channels, platform_totals, recent_additions
from accounts.verify import CAUTIONS, caution_for


def public_page(view=None, *, revalidate: bool = False):
    """A public GET page, the same for every visitor. `revalidate` pages (verify's answers) may be
    stored but must be checked again on every use, so a flag never waits for a cache to expire."""
    def decorate(view):
        @require_safe
        @wraps(view)
        def page(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if revalidate:
                patch_cache_control(response, public=True, no_cache=True)
            else:
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
            return response
        return page
    return decorate(view) if view is not None else decorate


@public_page
def home(request):
    platforms = platform_totals()
    return render(request, "accounts/home.html", {
        "totals": register_totals(),
        "platforms": Platform.choices,
        "platform_figures": [
            (Platform(code).label, figures) for code, figures in
            sorted(platforms.items(), key=lambda item: -item[1]["followers"]) if figures["channels"]
        ],
        "largest": largest_channels(),
        "recent": recent_additions(),
    })


@public_page
def entities(request):
    listed = entities_with_figures().order_by(name_field(), "id")
    return render(request, "accounts/entities.html", {"entities": listed})


@public_page
def entity(request, slug: str):
    shown = get_object_or_404(entities_with_figures(), slug=slug)
    channels = list(entity_channels(shown))
    # The entity's own channels, then one group per official, in the order the selector gives.
    groups: dict[int | None, list[Channel]] = {None: []}
    for channel in channels:
        groups.setdefault(channel.official_id, []).append(channel)
    officials = {official.pk: official for official in shown.active_officials}
    official_groups = [
        (officials.get(official_id) or group[0].official, group)
        for official_id, group in groups.items() if official_id is not None
    ]
    return render(request, "accounts/entity.html", {
        "entity": shown,
        "own_channels": groups[None],
        "official_groups": official_groups,
        "officials_without_channels": [o for pk, o in officials.items() if pk not in groups],
        "compromised": sum(channel.status == Status.COMPROMISED for channel in channels),
    })


@public_page
def channel(request, pk: int):
    shown = get_object_or_404(Channel.public_objects.with_owner(), pk=pk)
    history = follower_history(shown)
    caution = caution_for(shown)
    return render(request, "accounts/channel.html", {
        "channel": shown,
        "channel_languages": language_labels(shown.languages),  # as the staff and review pages name them
        "caution": caution,
        "caution_message": CAUTIONS[caution] if caution else "",
        "chart": follower_chart(history),
        "months": month_ends(history),
    })
