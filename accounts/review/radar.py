"""The impostor radar's page in the review area: what the public asked verify about most this week
(not-registered look-alikes), marking one as a known impostor, and the marks, with withdrawal."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.platforms import Platform
from accounts.radar.selectors import RADAR_DAYS, asked_most, impostor_marks
from accounts.radar.services import MAX_REASON, flush_sightings, mark_impostor, withdraw_impostor
from accounts.review.views import reviewer_required
from accounts.web import paginate, render_page
from registry.authentication import has_second_factor
from registry.direction import isolate
from registry.errors import RegistryError


class MarkForm(forms.Form):
    link = forms.CharField(label=gettext_lazy("Link to the impostor account"), max_length=2048,
                           widget=forms.TextInput(attrs={"dir": "ltr", "spellcheck": "false"}))
    platform = forms.ChoiceField(label=gettext_lazy("Platform (for a handle alone)"), required=False,
                                 choices=[("", gettext_lazy("From the link")), *Platform.choices])
    reason = forms.CharField(label=gettext_lazy("Why it is an impostor"), max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}))
    reported_on = forms.DateField(label=gettext_lazy("Reported to the platform on"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    report_url = forms.URLField(label=gettext_lazy("Link to the report (optional)"), required=False,
                                max_length=500, assume_scheme="https", widget=forms.URLInput(attrs={"dir": "ltr"}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why the mark is withdrawn"), max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}))


def _render(request, *, mark_form=None, failed_withdrawal=None, withdraw_form=None, error=None):
    flush_sightings()  # the counts still waiting in Redis: the reviewer sees every question so far
    rows = asked_most()
    page = paginate(request, impostor_marks(), per_page=50)
    for mark in page:
        failed = failed_withdrawal == mark.pk
        mark.withdraw_form = withdraw_form if failed else WithdrawForm(auto_id=f"withdraw-{mark.pk}-%s")
    return render_page(request, "review/radar.html", {
        "rows": rows,
        "days": RADAR_DAYS,
        "page": page,
        "mark_form": mark_form or MarkForm(initial={"reported_on": timezone.localdate()}, auto_id="mark-%s"),
        "error": error,
    }, status=error.http_status if error else 200)


@require_safe
@reviewer_required
def radar(request):
    # "Mark" on a row of the radar fills the form below with that account.
    initial = {"reported_on": timezone.localdate()}
    if request.GET.get("link"):
        initial.update(link=request.GET["link"][:2048], platform=request.GET.get("platform", ""))
    return _render(request, mark_form=MarkForm(initial=initial, auto_id="mark-%s"))


@require_POST
@reviewer_required
def mark(request):
    form = MarkForm(request.POST, auto_id="mark-%s")
    if not form.is_valid():
        return _render(request, mark_form=form, error=RegistryError(_("Check the form: some fields need attention.")))
    data = form.cleaned_data
    try:
        impostor = mark_impostor(
            user=request.user, link=data["link"], platform=data["platform"] or None, reason=data["reason"],
            reported_on=data["reported_on"], report_url=data["report_url"], two_factor=has_second_factor(request),
        )
    except RegistryError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        return _render(request, mark_form=form, error=error)
    messages.success(request, _("Marked: verify now answers “known impostor” for %(link)s.")
                     % {"link": isolate(impostor.canonical_url, ltr=True)})
    return redirect("review:radar")


@require_POST
@reviewer_required
def withdraw(request, pk: int):
    form = WithdrawForm(request.POST, auto_id=f"withdraw-{pk}-%s")
    if not form.is_valid():
        return _render(request, failed_withdrawal=pk, withdraw_form=form,
                       error=RegistryError(_("Say why the mark is withdrawn: the reason is kept with it.")))
    try:
        withdraw_impostor(user=request.user, impostor_id=pk, reason=form.cleaned_data["reason"],
                          two_factor=has_second_factor(request))
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        return _render(request, failed_withdrawal=pk, withdraw_form=form, error=error)
    messages.success(request, _("The mark is withdrawn: verify no longer calls this account a known impostor."))
    return redirect("review:radar")
