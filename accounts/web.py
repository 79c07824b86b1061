"""Shared pieces of the site's views: public caching; the staff and review areas' pages,
refusals, pagination and workflow buttons.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_safe

from accounts.models import Channel
from accounts.public.cache import PAGE, cached, keep_last_good, page_key
from accounts.public.replay import replayable
from accounts.selectors import channel_page_rows
from accounts.services import MAX_REASON, channel_act, check_act
from accounts.workflow import TRANSITIONS, Action, Transition, Who, is_reviewer
from registry.authentication import has_second_factor
from registry.errors import RegistryError


def public_page(view=None, *, revalidate: bool = False):
    """A public GET page, the same for every visitor: drawn once per register version and kept in the
    shared cache (accounts/public/cache.py), its last good copy kept for a database outage.
    `revalidate` pages (verify's answers, whose views cache the answer itself) are drawn every time,
    may be stored by browsers and proxies but must be checked again on every use, so a flag never
    waits for a cache to expire."""
    def decorate(view):
        @require_safe
        @wraps(view)
        def page(request, *args, **kwargs):
            if revalidate:
                response = view(request, *args, **kwargs)
                patch_cache_control(response, public=True, no_cache=True)
            else:
                response = cached(PAGE, page_key(request), lambda: _drawn(view(request, *args, **kwargs)))
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
            if response.status_code == 200:
                keep_last_good(PAGE, page_key(request), response)
            if not hasattr(response, "replay"):  # verify's answers say under which limit themselves
                replayable(response)
            return response
        return page
    return decorate(view) if view is not None else decorate


def _drawn(response):
    # A TemplateResponse is drawn before it is stored; a plain HttpResponse already is.
    return response.render() if hasattr(response, "render") and not response.is_rendered else response


PAGE_SIZE = 25


# Actions have URLs like /staff/channels/7/flag-compromised/; edits go through the edit form.
ACTION_SLUGS = {action.value.replace("_", "-"): action for action in Action}


FORM_ACTIONS = frozenset({Action.CREATE, Action.EDIT, Action.PROPOSE})


STALE_FORM = gettext_lazy("This form is out of date or incomplete. Reload the page and try again.")


def action_slug(action) -> str:
    return str(action).replace("_", "-")


def action_from_slug(slug: str, *, who: Who) -> Action:
    """The workflow action a URL names, if this area takes it; anything else is not a page (404)."""
    action = ACTION_SLUGS.get(slug)
    if action is None or action in FORM_ACTIONS or TRANSITIONS[action].who != who:
        raise Http404(_("There is no such action."))
    return action


def render_page(request, template: str, context: dict, *, status: int = 200):
    """Render a staff or review page with what the shared navigation needs."""
    context = {"user_is_reviewer": is_reviewer(request.user), **context}
    return render(request, template, context, status=status)


def refused(request, error: RegistryError):
    """A refusal page for someone acting on a channel they cannot see: the sentence, nothing more."""
    return render_page(request, "staff/refused.html", {"error": error}, status=error.http_status)


class ActionForm(forms.Form):
    """A workflow button: the reason (where the action needs one) and the version the page showed."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Sent only by the "Yes, ..." button of a confirmation page (`Transition.confirm`).
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Ticked by an editor submitting a handle like another entity's official one
    # (templates/staff/_lookalikes_confirm.html; `LookalikesUnconfirmed` without it).
    lookalikes_confirmed = forms.BooleanField(required=False)


@dataclass(frozen=True)
class ActionButton:
    transition: Transition
    form: ActionForm

    @property
    def slug(self) -> str:
        return action_slug(self.transition.action)


def action_buttons(channel: Channel, transitions, *, failed=None, error: RegistryError | None = None,
                   data=None) -> list[ActionButton]:
    """A form for each button. The button that just failed keeps the typed reason and carries the
    channel's current version, so the person can read the page as it is now and press it again."""
    buttons = []
    for transition in transitions:
        auto_id = f"{action_slug(transition.action)}-%s"
        if failed == transition.action:
            form = ActionForm(data={"reason": (data or {}).get("reason", ""), "version": channel.version},
                              auto_id=auto_id)
            form.is_valid()
            if error is not None and error.field == "reason":
                form.add_error("reason", error.message)
        else:
            form = ActionForm(initial={"version": channel.version}, auto_id=auto_id)
        buttons.append(ActionButton(transition, form))
    return buttons


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def act(request, pk: int, action: Action, *, render, done, visible: bool, render_confirmation=None):
    """Take a workflow action through the service and answer: back to the channel's page on
    success (`done`: its URL name, or a function of the channel's id answering instead); the same
    page with the sentence and the typed reason on refusal. A channel the user may not see
    (`visible`) is a 404, as its page is, whether or not the id exists.

    An action that needs confirming (`Transition.confirm`) is only checked on its first press,
    as the service would check it, and answered by `render_confirmation(request, channel, form, transition)`:
    what the public will see afterwards, and the button that sends `confirm`. Only that acts."""
    if not visible:
        raise Http404(_("There is no such channel."))
    form = ActionForm(request.POST)
    if not form.is_valid():
        channel = get_object_or_404(channel_page_rows(), pk=pk)
        problem = form.errors.get("reason")
        error = RegistryError(problem[0] if problem else str(STALE_FORM), field="reason" if problem else None)
        return render(request, channel, failed=action, error=error, data=request.POST)
    if TRANSITIONS[action].confirm and not form.cleaned_data["confirm"]:
        channel = get_object_or_404(channel_page_rows(), pk=pk)
        try:
            check_act(actor=request.user, channel=channel, action=action, reason=form.cleaned_data["reason"],
                      expected_version=form.cleaned_data["version"], two_factor=has_second_factor(request))
        except RegistryError as error:
            return render(request, channel, failed=action, error=error, data=request.POST)
        return render_confirmation(request, channel, form, TRANSITIONS[action])
    try:
        channel_act(
            actor=request.user, channel_id=pk, action=action, reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"], two_factor=has_second_factor(request),
            lookalikes_confirmed=form.cleaned_data["lookalikes_confirmed"],
        )
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        channel = get_object_or_404(channel_page_rows(), pk=pk)
        return render(request, channel, failed=action, error=error, data=request.POST)
    messages.success(request, str(DONE_MESSAGES.get(action, _("Done."))))
    return done(pk) if callable(done) else redirect(done, pk=pk)


DONE_MESSAGES = {
    Action.SUBMIT: gettext_lazy("Submitted for review. A GCO reviewer will decide it."),
    Action.APPROVE: gettext_lazy("Approved: the channel is now official."),
    Action.REQUEST_CHANGES: gettext_lazy("Sent back to the entity with your reason."),
    Action.REJECT: gettext_lazy("Rejected. The reason is kept in the channel's history."),
    Action.APPROVE_CHANGES: gettext_lazy("The changes are approved and now public."),
    Action.REJECT_CHANGES: gettext_lazy("The changes are rejected; the channel stays as it was."),
    Action.RETIRE: gettext_lazy("Retired. The channel is now listed as formerly official."),
    Action.FLAG_COMPROMISED: gettext_lazy("Reported as compromised. The public is told not to trust it."),
    Action.RESTORE: gettext_lazy("Restored: the channel is listed as official again."),
    Action.CERTIFY: gettext_lazy("Certified as current for another year."),
}
