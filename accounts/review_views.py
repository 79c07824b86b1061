"""The review area, for GCO reviewers: the queue, the decision page, alerts and the annual review.

Every view checks on the server that the user is a reviewer and refuses anyone else with 403;
the second factor is asked for by registry's middleware before these views, and the services
check it again on every decision (`two_factor=`).
"""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Channel, Status
from accounts.review import (
    active_editors,
    alerts as alert_rows,
    channel_events,
    channel_page_rows,
    decision_buttons,
    earlier_registrations,
    field_history,
    language_labels,
    lookalike_warnings,
    overdue_for_review,
    review_queue,
    shown_proposal,
)
from accounts.staff_views import act, action_buttons, action_from_slug, paginate, refused, render_page
from accounts.workflow import TRANSITIONS, NotAllowed, Who, is_reviewer
from registry.authentication import has_second_factor


def reviewer_required(view):
    """Logged in (else to the login page) and a reviewer (else 403 with the sentence)."""

    @login_required
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_reviewer(request.user):
            return refused(request, NotAllowed(_("Only GCO reviewers can do this.")))
        return view(request, *args, **kwargs)

    return guarded


@require_safe
@reviewer_required
def queue(request):
    page = paginate(request, review_queue(), per_page=50)
    now = timezone.now()
    for channel in page:
        channel.age = timesince(channel.waiting_since, now, depth=1) if channel.waiting_since else ""
    return render_page(request, "review/queue.html", {"page": page})


@require_safe
@reviewer_required
def channel(request, pk: int):
    return render_decision(request, get_object_or_404(channel_page_rows(), pk=pk))


def render_decision(request, channel: Channel, *, failed=None, error=None, data=None):
    buttons = decision_buttons(request.user, channel, two_factor=has_second_factor(request))
    enabled = [button.transition for button in buttons if button.enabled]
    forms = {
        button.transition.action: button
        for button in action_buttons(channel, enabled, failed=failed, error=error, data=data)
    }
    shown_failed = failed is not None and failed not in forms
    return render_page(request, "review/channel.html", {
        "channel": channel,
        "channel_languages": language_labels(channel.languages),
        "diff": shown_proposal(channel) if channel.has_proposal else [],
        "buttons": [(button, forms.get(button.transition.action)) for button in buttons],
        "failed_transition": TRANSITIONS[failed] if shown_failed else None,
        "typed_reason": (data or {}).get("reason", "") if shown_failed else "",
        "error": error,
        "lookalikes": lookalike_warnings(channel) if channel.status != Status.DRAFT else [],
        "earlier": earlier_registrations(channel),
        "events": channel_events(channel),
        "history": field_history(channel),
    }, status=error.http_status if error else 200)


@require_POST
@reviewer_required
def channel_action(request, pk: int, action: str):
    return act(request, pk, action_from_slug(action, who=Who.REVIEWER), render=render_decision,
               done="review:channel", visible=True)


@require_safe
@reviewer_required
def alerts(request):
    shown = request.GET.get("state", "open")
    if shown not in ("open", "resolved", "all"):
        shown = "open"
    resolved = {"open": False, "resolved": True, "all": None}[shown]
    page = paginate(request, alert_rows(resolved=resolved), per_page=50)
    return render_page(request, "review/alerts.html", {"page": page, "state": shown})


@require_safe
@reviewer_required
def annual(request):
    page = paginate(request, overdue_for_review(), per_page=50)
    editors = active_editors(channel.entity_id for channel in page)
    rows = [(channel, editors.get(channel.entity_id, [])) for channel in page]
    return render_page(request, "review/annual.html", {"page": page, "rows": rows})
