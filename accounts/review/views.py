"""The review area, for GCO reviewers: the queue, the decision page, alerts and the annual review.

Every view checks on the server that the user is a reviewer and refuses anyone else with 403;
the second factor is asked for by registry's middleware before these views, and the services
check it again on every decision (`two_factor=`).
"""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.models import AlertKind, Channel, Status
from accounts.review.alerts import FLAGGABLE, SEVERITY_OF, AlertState, alert_on, alert_rows, describe
from accounts.review.decision import (
    decision_warnings,
    next_in_queue,
    queue_position,
    resubmission,
    unacknowledged_warnings,
)
from accounts.review.selectors import (
    annual_review_groups,
    decision_buttons,
    review_queue,
    review_queue_counts,
)
from accounts.review.services import (
    accept_rename,
    annual_review_remind,
    entity_editor_invite,
    notify_editors_of_alert,
)
from accounts.selectors import channel_page_rows, language_labels, overdue_for_review
from accounts.services import channel_act, resolve_alert
from accounts.staff.selectors import channel_events, field_history, shown_proposal
from accounts.web import act, action_buttons, action_from_slug, paginate, refused, render_page
from accounts.workflow import TRANSITIONS, Action, NotAllowed, Who, require_reviewer
from entities.models import Entity
from registry.authentication import confirmed_totp_device, has_second_factor
from registry.direction import isolate
from registry.errors import RegistryError


def reviewer_required(view):
    """Logged in (else to the login page), a reviewer (else 403 with the sentence), whose login passed
    the one-time code (else its entry, or enrolment, and back here): the workflow's gate,
    `require_reviewer`. SecondFactorMiddleware guards these namespaces as well; the view checks
    again so it stays guarded wherever it is routed."""

    @login_required
    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            require_reviewer(request.user, two_factor=has_second_factor(request))
        except NotAllowed as refusal:
            if refusal.code != "second_factor_required":
                return refused(request, refusal)
            step = "two_factor_verify" if confirmed_totp_device(request.user) else "two_factor_setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return guarded


@require_safe
@reviewer_required
def queue(request):
    page = paginate(request, review_queue(), per_page=50)
    now = timezone.now()
    for channel in page:
        channel.age = timesince(channel.waiting_since, now, depth=1) if channel.waiting_since else ""
    return render_page(request, "review/queue.html", {"page": page, "counts": review_queue_counts()})


@require_safe
@reviewer_required
def channel(request, pk: int):
    return render_decision(request, get_object_or_404(channel_page_rows(), pk=pk))


# The box on an Approve form that says the reviewer read the open warnings (`decision_warnings`).
WARNINGS_CHECKED = "warnings_checked"
# The second submit button of each decision form: decide, then open the queue's next item.
THEN_NEXT = "then_next"
APPROVALS = frozenset({Action.APPROVE, Action.APPROVE_CHANGES})


def render_decision(request, channel: Channel, *, failed=None, error=None, data=None):
    buttons = decision_buttons(request.user, channel, two_factor=has_second_factor(request))
    # Sending back and rejecting come first: approving is the step the public sees, taken last.
    buttons.sort(key=lambda button: button.transition.action in APPROVALS)
    enabled = [button.transition for button in buttons if button.enabled]
    forms = {
        button.transition.action: button
        for button in action_buttons(channel, enabled, failed=failed, error=error, data=data)
    }
    shown_failed = failed is not None and failed not in forms
    summary = resubmission(channel)
    return render_page(request, "review/channel.html", {
        "channel": channel,
        "channel_languages": language_labels(channel.languages),
        "diff": shown_proposal(channel) if channel.has_proposal else [],
        "buttons": [(button, forms.get(button.transition.action), button.transition.action in APPROVALS)
                    for button in buttons],
        "failed": failed,
        "failed_transition": TRANSITIONS[failed] if shown_failed else None,
        "typed_reason": (data or {}).get("reason", "") if shown_failed else "",
        "error": error,
        "warnings": decision_warnings(channel, summary),
        "warnings_checked": WARNINGS_CHECKED,
        "then_next": THEN_NEXT,
        "resubmission": summary,
        "events": channel_events(channel),
        "history": field_history(channel),
    }, status=error.http_status if error else 200)


@require_POST
@reviewer_required
def channel_action(request, pk: int, action: str):
    action = action_from_slug(action, who=Who.REVIEWER)
    if action in APPROVALS and WARNINGS_CHECKED not in request.POST:
        # Approving over open warnings takes the reviewer's word that they checked them; asked
        # here, on the server, whatever the page sent.
        channel = get_object_or_404(channel_page_rows(), pk=pk)
        if decision_warnings(channel):
            error = RegistryError(unacknowledged_warnings(), code="warnings_unacknowledged", field=WARNINGS_CHECKED)
            return render_decision(request, channel, failed=action, error=error, data=request.POST)
    done = "review:channel"
    if THEN_NEXT in request.POST:
        position = queue_position(pk)  # before the decision takes it out of the queue

        def done(pk):
            following = next_in_queue(pk, position, user=request.user)
            if following is None:
                messages.info(request, _("The queue is empty: nothing else waits for a decision."))
                return redirect("review:queue")
            return redirect("review:channel", pk=following.pk)
    return act(request, pk, action, render=render_decision, done=done, visible=True)


@require_safe
@reviewer_required
def alerts(request):
    return render_alerts(request)


def _alert_filters(request) -> tuple[AlertState, str]:
    """The list's tab and kind from the query string (the resolve form posts to a URL carrying it,
    so a refusal shows the same list); anything unknown reads as no filter."""
    try:
        state = AlertState(request.GET.get("state", AlertState.OPEN))
    except ValueError:
        state = AlertState.OPEN
    kind = request.GET.get("kind", "")
    return state, kind if kind in AlertKind.values else ""


def _alert_query(state: AlertState, kind: str) -> str:
    return urlencode({"state": state.value, **({"kind": kind} if kind else {})})


def render_alerts(request, *, error: RegistryError | None = None, failed_id: int | None = None, typed_note: str = ""):
    state, kind = _alert_filters(request)
    page = paginate(request, alert_rows(state=state, kind=kind), per_page=50)
    failed_shown = False
    for alert in page:
        alert.summary = describe(alert)
        alert.severity = SEVERITY_OF[alert.kind]
        alert.flaggable = alert.is_open and alert.kind in FLAGGABLE and alert.channel.status == Status.APPROVED
        alert.renamable = alert.is_open and alert.kind == AlertKind.RENAMED and alert.channel.status == Status.APPROVED
        if alert.pk == failed_id and alert.is_open:
            alert.typed_note, alert.error, failed_shown = typed_note, error, True
    return render_page(request, "review/alerts.html", {
        "page": page, "state": state.value, "kind": kind, "kinds": AlertKind.choices,
        "filter_query": _alert_query(state, kind), "error": error,
        # The alert is no longer on the list (resolved by someone else): keep what they typed in view.
        "typed_note": typed_note if error is not None and not failed_shown else "",
    }, status=error.http_status if error else 200)


@require_POST
@reviewer_required
def alert_resolve(request, pk: int):
    note = request.POST.get("note", "")
    try:
        resolve_alert(user=request.user, alert_id=pk, note=note, two_factor=has_second_factor(request))
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        return render_alerts(request, error=error, failed_id=pk, typed_note=note)
    messages.success(request, _("Alert resolved. Your note is kept with it."))
    return redirect(f"{reverse('review:alerts')}?{_alert_query(*_alert_filters(request))}")


@require_POST
@reviewer_required
def alert_flag(request, pk: int):
    """Flag the alert's channel as compromised: the workflow's own action, with its reason and event;
    the alert stays open until a reviewer resolves it with what was found."""
    alert = alert_on(pk)
    if alert is None:
        raise Http404(_("There is no such alert."))
    reason = request.POST.get("reason", "")
    try:
        channel_act(actor=request.user, channel_id=alert.channel_id, action=Action.FLAG_COMPROMISED,
                    reason=reason, two_factor=has_second_factor(request))
    except RegistryError as error:
        return render_alerts(request, error=error, typed_note=reason)  # the summary at the top keeps it
    messages.success(request, _("The channel is flagged as compromised: the public is now told not to trust it."))
    return redirect(f"{reverse('review:alerts')}?{_alert_query(*_alert_filters(request))}")


@require_POST
@reviewer_required
def alert_notify(request, pk: int):
    try:
        sent = notify_editors_of_alert(user=request.user, alert_id=pk, two_factor=has_second_factor(request))
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        return render_alerts(request, error=error, failed_id=pk)
    if sent:
        messages.success(request, ngettext(
            "%(count)d editor of the entity was emailed.", "%(count)d editors of the entity were emailed.", sent,
        ) % {"count": sent})
    else:
        messages.warning(request, _("No one was emailed: the entity has no active editor."))
    return redirect(f"{reverse('review:alerts')}?{_alert_query(*_alert_filters(request))}")


@require_POST
@reviewer_required
def alert_accept_rename(request, pk: int):
    """Propose the new handle and link a "renamed" alert saw; another reviewer decides it."""
    try:
        channel = accept_rename(actor=request.user, alert_id=pk, two_factor=has_second_factor(request))
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        return render_alerts(request, error=error, failed_id=pk)
    messages.success(request, _(
        "The new handle %(handle)s is proposed. Another reviewer must approve it; until then the public sees the "
        "registered one. Resolve the alert with a note when that is done."
    ) % {"handle": isolate(channel.proposed_changes.get("handle", ""), ltr=True)})
    return redirect("review:channel", pk=channel.pk)


@require_safe
@reviewer_required
def annual(request):
    return render_annual(request)


def render_annual(request, *, error: RegistryError | None = None, failed_entity: int | None = None,
                  typed_email: str = ""):
    """The annual review, grouped by entity; a refused invitation shows its sentence in its own
    entity's form, with the address as typed."""
    page = paginate(request, overdue_for_review(), per_page=50)
    return render_page(request, "review/annual.html", {
        "page": page, "groups": annual_review_groups(page),
        "error": error, "failed_entity": failed_entity, "typed_email": typed_email,
    }, status=error.http_status if error else 200)


def _back_to_annual(request):
    page = request.POST.get("page", "")
    return redirect(reverse("review:annual") + (f"?{urlencode({'page': page})}" if page.isdigit() else ""))


@require_POST
@reviewer_required
def annual_remind(request, pk: int):
    entity = get_object_or_404(Entity, pk=pk)
    try:
        sent = annual_review_remind(actor=request.user, entity_id=pk, two_factor=has_second_factor(request))
    except RegistryError as error:
        return render_annual(request, error=error, failed_entity=pk)
    if sent:
        messages.success(request, ngettext(
            "Reminder sent to %(count)d editor of %(entity)s.", "Reminder sent to %(count)d editors of %(entity)s.",
            sent) % {"count": sent, "entity": entity.name})
    else:
        messages.warning(request, _("Nobody was reminded: %(entity)s has no active editor or nothing overdue.")
                         % {"entity": entity.name})
    return _back_to_annual(request)


@require_POST
@reviewer_required
def annual_invite(request, pk: int):
    entity = get_object_or_404(Entity, pk=pk)
    email = request.POST.get("email", "")
    try:
        user, _created = entity_editor_invite(actor=request.user, entity_id=pk, email=email,
                                              two_factor=has_second_factor(request))
    except RegistryError as error:
        return render_annual(request, error=error, failed_entity=pk, typed_email=email)
    messages.success(request, _(
        "%(email)s is now an editor of %(entity)s; an email asks them to set their password."
    ) % {"email": isolate(user.email, ltr=True), "entity": entity.name})
    return _back_to_annual(request)
