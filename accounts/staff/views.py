"""The staff area: an entity's editors (and reviewers) list, register, edit and act on channels.

Views read what people typed and call the services (accounts/services.py), which own every
write and the one permission check. A refusal is shown as its sentence, on the page the person
was on, with what they typed; its HTTP status says what kind of refusal it was.
"""
from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.lookalikes import lookalike_officials
from accounts.models import Channel, Status
from accounts.opendata.badge import badge_snippet
from accounts.platforms import link_examples
from accounts.selectors import channel_page_rows, channels_for, count_before, follower_history, language_labels
from accounts.services import (
    REPORT_DAYS_BACK,
    HandleAlreadyRegistered,
    LargeFollowerChange,
    channel_create,
    channel_edit,
    channel_resubmit,
    channels_certify,
    check_last_post_report_allowed,
    check_report_allowed,
    report_followers,
    report_last_post,
)
from accounts.staff.forms import ChannelCreateForm, ChannelEditForm, FollowerReportForm, LastPostReportForm
from accounts.staff.selectors import (
    changes_request,
    channel_events,
    edit_transition,
    entities_for,
    field_history,
    officials_for,
    overdue_of_my_entities,
    shown_proposal,
    staff_channels,
)
from accounts.web import (
    FORM_ACTIONS,
    STALE_FORM,
    ActionForm,
    act,
    action_buttons,
    action_from_slug,
    action_slug,
    paginate,
    render_page,
)
from accounts.workflow import (
    TRANSITIONS,
    Action,
    LookalikesUnconfirmed,
    Transition,
    Who,
    allowed_actions,
    is_reviewer,
)
from entities.models import Official
from registry.authentication import has_second_factor
from registry.direction import isolate
from registry.errors import RegistryError

# The box an editor ticks to submit a channel whose handle looks like another entity's official one.
LOOKALIKES_CONFIRMED = "lookalikes_confirmed"


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- My entity's channels -------------------------------------------------------------------

@require_safe
@login_required
def home(request):
    entities = list(entities_for(request.user).order_by("name_en"))
    entity_id = _int_or_none(request.GET.get("entity"))
    if entity_id not in {entity.pk for entity in entities}:
        entity_id = None
    status = request.GET.get("status") if request.GET.get("status") in Status.values else ""
    page = paginate(request, staff_channels(request.user, entity_id=entity_id, status=status))
    filters = {key: value for key, value in (("entity", entity_id), ("status", status)) if value}
    return render_page(request, "staff/home.html", {
        "page": page, "entities": entities, "entity_id": entity_id, "status": status,
        # Counted over all the user's channels, whatever the filters; offered to certify: their entities'.
        "overdue_count": staff_channels(request.user).filter(overdue_for_review=True).count(),
        "overdue": list(overdue_of_my_entities(request.user)),
        "statuses": Status.choices, "filter_query": "&".join(f"{k}={v}" for k, v in filters.items()),
    })


@require_POST
@login_required
def certify_many(request):
    """"Yes, these are all still ours": certify every ticked channel, each through the service as
    its own Certify button would. What was refused is named with its reason; the rest stand."""
    ids = {pk for pk in map(_int_or_none, request.POST.getlist("channel")) if pk is not None}
    certified, refused = channels_certify(actor=request.user, channel_ids=ids, two_factor=has_second_factor(request))
    if certified:
        messages.success(request, ngettext(
            "%(count)d channel certified as current for another year.",
            "%(count)d channels certified as current for another year.", len(certified),
        ) % {"count": len(certified)})
    elif not refused:
        messages.warning(request, _("No channel was ticked, so none was certified."))
    # Named only where the staff area would show it; another entity's channel is "no such channel".
    visible = channels_for(request.user).in_bulk(refused)
    for pk, error in refused.items():
        channel = visible.get(pk)
        if channel is None:
            messages.error(request, _("Not certified: channel number %(number)d: there is no such channel.")
                           % {"number": pk})
        else:
            messages.error(request, _("Not certified: %(platform)s %(handle)s: %(reason)s") % {
                "platform": channel.get_platform_display(), "handle": isolate(channel.handle, ltr=True),
                "reason": error.message,
            })
    return redirect("staff:home")


# --- Registering and editing ----------------------------------------------------------------

@login_required
def channel_create_view(request):
    entities = entities_for(request.user).order_by("name_en")
    officials = officials_for(request.user).order_by("name_en")
    form = ChannelCreateForm(request.POST or None, entities=entities, officials=officials)
    holder, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                channel = channel_create(
                    actor=request.user, entity=data["entity"], link=data["link"], platform=data["platform"] or None,
                    two_factor=has_second_factor(request), **form.service_fields(),
                )
            except HandleAlreadyRegistered as taken:
                form.add_service_error(taken)
                # Linked only where the staff area would open it (named, but not linked, if merely public).
                shown = taken.holder
                holder = shown if shown and channels_for(request.user).filter(pk=shown.pk).exists() else None
                status = taken.http_status
            except RegistryError as error:
                form.add_service_error(error)
                status = error.http_status
            else:
                messages.success(request, _("Registered as a draft. Submit it for review when it is ready."))
                return redirect("staff:channel_detail", pk=channel.pk)
    elif request.method != "GET":
        return HttpResponseNotAllowed(("GET", "POST"))
    return render_page(request, "staff/channel_form.html", {
        "form": form, "holder": holder, "examples": link_examples(), "creating": True,
        "no_entities": not entities.exists(),
    }, status=status)


@login_required
def channel_edit_view(request, pk: int):
    if request.method == "GET":
        channel = get_object_or_404(channels_for(request.user), pk=pk)
        try:
            edit_transition(request.user, channel, two_factor=has_second_factor(request))
        except RegistryError as error:  # not editable now (retired, submitted...): say why on its page
            return render_detail(request, channel, error=error)
        form = ChannelEditForm(channel=channel, officials=_officials_of(channel))
        return _edit_page(request, channel, form)
    if request.method != "POST":
        return HttpResponseNotAllowed(("GET", "POST"))

    # Another entity's channel is not there for this user, as on its page: a 404, never a 403 that
    # would tell an id that exists from one that does not.
    channel = get_object_or_404(channels_for(request.user), pk=pk)
    form = ChannelEditForm(request.POST, channel=channel, officials=_officials_of(channel))
    if not form.is_valid():
        if "version" in form.errors:
            form.add_error(None, str(STALE_FORM))
        return _edit_page(request, channel, form, status=400, nothing_saved=True)
    # "Save and resubmit" (offered while changes are requested): the edit and the submission as one
    # step, so a refused submission saves nothing either.
    resubmit = "resubmit" in request.POST and channel.status == Status.CHANGES_REQUESTED
    save = partial(channel_resubmit, lookalikes_confirmed=LOOKALIKES_CONFIRMED in request.POST) if resubmit \
        else channel_edit
    try:
        channel = save(
            actor=request.user, channel_id=pk, expected_version=form.cleaned_data["version"],
            two_factor=has_second_factor(request), **form.service_fields(),
        )
    except LookalikesUnconfirmed as error:
        # Refused after the typed link was read: its look-alikes are the ones to show, not the saved link's.
        return _edit_page(request, channel, form, status=400, error=error, nothing_saved=True,
                          lookalikes=error.lookalikes)
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        # Stale or refused: what they typed stays in the form, with the old version, so a second
        # press cannot overwrite a change they have not seen. A field's error shows at the field.
        if error.field:
            form.add_service_error(error)
        return _edit_page(request, channel, form, status=error.http_status, error=None if error.field else error,
                          nothing_saved=True)
    if resubmit:
        messages.success(request, _("Saved and sent back to the GCO for review: the channel is now “%(status)s”. "
                                    "A reviewer will approve it or ask for changes again.")
                         % {"status": channel.get_status_display()})
    elif channel.has_proposal and channel.status == Status.APPROVED:
        messages.success(request, _("Your changes are waiting for a reviewer. The public still sees the approved "
                                    "version."))
    elif channel.status == Status.CHANGES_REQUESTED:
        # Saving is not answering the reviewer: say so, or the editor thinks the job is done.
        messages.warning(request, _("Your changes are saved but not yet sent for review: the channel is still "
                                    "“%(status)s”. When it is ready, press “%(submit)s” on this page.")
                         % {"status": channel.get_status_display(), "submit": TRANSITIONS[Action.SUBMIT].label})
    else:
        messages.success(request, _("Saved."))
    return redirect("staff:channel_detail", pk=pk)


def _officials_of(channel: Channel):
    return Official.objects.filter(Q(is_active=True) | Q(pk=channel.official_id), entity_id=channel.entity_id) \
        .select_related("entity").order_by("name_en")


def _edit_page(request, channel, form, *, status: int = 200, error: RegistryError | None = None,
               nothing_saved: bool = False, lookalikes=None):
    if lookalikes is None:
        lookalikes = lookalike_officials(channel)
    return render_page(request, "staff/channel_form.html", {
        "lookalikes": lookalikes, "lookalikes_confirmed": LOOKALIKES_CONFIRMED,
        "form": form, "channel": channel, "examples": link_examples(), "creating": False,
        "is_proposal": channel.status == Status.APPROVED, "error": error, "nothing_saved": nothing_saved,
        "changes_request": changes_request(channel),
    }, status=status)


# --- A channel's page and its buttons --------------------------------------------------------

@require_safe
@login_required
def channel_detail(request, pk: int):
    channel = get_object_or_404(channel_page_rows(channels_for(request.user)), pk=pk)
    return render_detail(request, channel)


def render_detail(request, channel: Channel, *, failed=None, error: RegistryError | None = None, data=None,
                  followers_form: FollowerReportForm | None = None,
                  last_post_form: LastPostReportForm | None = None, status: int | None = None):
    two_factor = has_second_factor(request)
    allowed = allowed_actions(request.user, channel, two_factor=two_factor)
    buttons = [t for t in allowed if t.who == Who.STAFF and t.action not in FORM_ACTIONS]
    failed_transition = None
    if failed is not None and failed not in {t.action for t in buttons}:
        # The button is gone (someone else acted first): keep the typed reason on the page anyway.
        failed_transition = TRANSITIONS[failed]
    can_edit = any(t.action in (Action.EDIT, Action.PROPOSE) for t in allowed)
    return render_page(request, "staff/channel_detail.html", {
        "channel": channel,
        "lookalikes": lookalike_officials(channel), "lookalikes_confirmed": LOOKALIKES_CONFIRMED,
        "channel_languages": language_labels(channel.languages),
        "diff": shown_proposal(channel) if channel.has_proposal else [],
        "buttons": action_buttons(channel, buttons, failed=failed, error=error, data=data),
        "failed_transition": failed_transition,
        "typed_reason": (data or {}).get("reason", "") if failed_transition else "",
        "can_edit": can_edit,
        "error": error,
        "events": channel_events(channel),
        "changes_request": changes_request(channel),
        "history": field_history(channel),
        "waiting_for_review": is_reviewer(request.user) and (
            channel.status == Status.SUBMITTED or channel.has_proposal or channel.status == Status.COMPROMISED
        ),
        "followers_form": followers_form or _followers_form(request, channel),
        "recent_counts": _recent_counts(channel),
        # The count a new report is set against, shown beside the form ("no count yet" if None).
        "latest_count": count_before(channel),
        "last_post_form": last_post_form or _last_post_form(request, channel),
        # The badge and its HTML for the entity's website, once the channel is public.
        "badge": badge_snippet(channel, absolute=request.build_absolute_uri),
    }, status=status or (error.http_status if error else 200))


# --- Follower counts reported by staff --------------------------------------------------------

RECENT_COUNTS_SHOWN = 10


def _recent_counts(channel: Channel) -> list:
    """The channel's latest daily counts within the month staff may report for, newest first."""
    return follower_history(channel, days=REPORT_DAYS_BACK + 1)[::-1][:RECENT_COUNTS_SHOWN]


def _followers_form(request, channel: Channel) -> FollowerReportForm | None:
    """The form to report a count, where the service would take one from this user (a platform
    the registry cannot read, an official channel of their entity); else None."""
    try:
        check_report_allowed(request.user, channel, two_factor=has_second_factor(request))
    except RegistryError:
        return None
    return FollowerReportForm(initial={"on": timezone.localdate()}, auto_id="followers-%s")


@require_POST
@login_required
def channel_followers(request, pk: int):
    channel = get_object_or_404(channel_page_rows(channels_for(request.user)), pk=pk)
    try:
        # Who and which channel before what was typed, as the service judges (it checks again, locked).
        check_report_allowed(request.user, channel, two_factor=has_second_factor(request))
    except RegistryError as error:
        return render_detail(request, channel, error=error)
    form = FollowerReportForm(request.POST, auto_id="followers-%s")
    if not form.is_valid():
        return render_detail(request, channel, followers_form=form, status=400)
    data = form.cleaned_data
    try:
        report_followers(user=request.user, channel_id=pk, followers=data["followers"], on=data["on"],
                         confirmed=form.confirmed(), two_factor=has_second_factor(request))
    except LargeFollowerChange as change:  # not recorded: asked again, with what they typed
        return render_detail(request, channel, followers_form=form.asking_to_confirm(change),
                             status=change.http_status)
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        if error.field:  # the number or the day: shown at its field, with what they typed
            form.add_service_error(error)
            return render_detail(request, channel, followers_form=form, status=error.http_status)
        return render_detail(request, channel, error=error)  # it stopped taking reports a moment ago
    messages.success(request, _("Recorded: %(followers)s followers on %(date)s, reported by staff.") % {
        "followers": number_format(data["followers"], force_grouping=True),
        "date": date_format(data["on"], "DATE_FORMAT"),
    })
    return redirect("staff:channel_detail", pk=pk)


# --- Last posts reported by staff ------------------------------------------------------------

def _last_post_form(request, channel: Channel) -> LastPostReportForm | None:
    """The form to report the day of the latest post, where the service would take one from this user
    (a platform that does not say it, an official channel of their entity); else None."""
    try:
        check_last_post_report_allowed(request.user, channel, two_factor=has_second_factor(request))
    except RegistryError:
        return None
    return LastPostReportForm(auto_id="last-post-%s")


@require_POST
@login_required
def channel_last_post(request, pk: int):
    channel = get_object_or_404(channel_page_rows(channels_for(request.user)), pk=pk)
    try:
        check_last_post_report_allowed(request.user, channel, two_factor=has_second_factor(request))
    except RegistryError as error:
        return render_detail(request, channel, error=error)
    form = LastPostReportForm(request.POST, auto_id="last-post-%s")
    if not form.is_valid():
        return render_detail(request, channel, last_post_form=form, status=400)
    try:
        report_last_post(user=request.user, channel_id=pk, on=form.cleaned_data["on"],
                         two_factor=has_second_factor(request))
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        if error.field:
            form.add_service_error(error)
            return render_detail(request, channel, last_post_form=form, status=error.http_status)
        return render_detail(request, channel, error=error)
    messages.success(request, _("Recorded: the latest post on %(date)s, reported by staff.") % {
        "date": date_format(form.cleaned_data["on"], "DATE_FORMAT"),
    })
    return redirect("staff:channel_detail", pk=pk)


@require_POST
@login_required
def channel_action(request, pk: int, action: str):
    action = action_from_slug(action, who=Who.STAFF)
    return act(request, pk, action, render=render_detail, done="staff:channel_detail",
               visible=channels_for(request.user).filter(pk=pk).exists(), render_confirmation=render_confirmation)


def render_confirmation(request, channel: Channel, form: ActionForm, transition: Transition):
    """Asked before retiring or reporting as compromised: what the public will see from now on,
    the reason as typed (sent again, hidden, with `confirm`), and the way back to the channel."""
    confirmed = ActionForm(initial={**form.cleaned_data, "confirm": True}, auto_id="confirm-%s")
    return render_page(request, "staff/confirm_action.html", {
        "channel": channel, "transition": transition, "slug": action_slug(transition.action), "form": confirmed,
        "reason": form.cleaned_data["reason"], "today": timezone.localdate(),
    })
