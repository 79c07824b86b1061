"""The import pages of the staff area (/<language>/staff/imports/): upload a file, read its preview
row by row, confirm it; the imports made so far; the template and a preview's results to download.

Editors and reviewers both come here (reviewers see every import; an editor, their own). The
services decide who may import what (accounts/workflow.py `require_importer`); a refusal is shown
as its sentence on the page the person was on.
"""
from __future__ import annotations

import csv
import io

import openpyxl
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.api.export import BOM
from accounts.imports.columns import template_headings
from accounts.imports.results import described, imports_for, outcome_counts, results_response
from accounts.imports.services import import_confirm, import_preview
from accounts.models import ImportOutcome
from accounts.staff.forms import EntityChoiceField
from accounts.staff.selectors import entities_for
from accounts.web import paginate, render_page
from accounts.workflow import is_reviewer
from registry.authentication import has_second_factor
from registry.errors import RegistryError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_PAGE = 50


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8) or Excel workbook (.xlsx), with the template's columns in its first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv," + XLSX_TYPE}),
    )
    entity = EntityChoiceField(
        label=gettext_lazy("Entity"), queryset=None, required=False,
        empty_label=gettext_lazy("As each row's “entity” column says"),
        help_text=gettext_lazy("Choose one if every row of the file is for the same entity."),
    )
    create_entities = forms.BooleanField(
        label=gettext_lazy("Create the entities the register lacks"), required=False,
        help_text=gettext_lazy("For rows naming an entity the register does not have, with its English name in "
                               "“entity” and its Arabic name in “entity_ar”."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities_for(user).order_by("name_en")
        if not is_reviewer(user):
            del self.fields["create_entities"]


def _list_page(request, form: ImportForm, *, status: int = 200, error: RegistryError | None = None):
    return render_page(request, "staff/imports/list.html", {
        "form": form, "error": error, "page": paginate(request, imports_for(request.user)),
    }, status=status)


@login_required
def imports(request):
    """GET: the upload form and the imports so far; POST: a file, previewed (nothing registered)."""
    if request.method == "GET":
        return _list_page(request, ImportForm(user=request.user))
    if request.method != "POST":
        return HttpResponseNotAllowed(("GET", "POST"))
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        channel_import = import_preview(
            actor=request.user, file=upload, file_name=upload.name, size=upload.size,
            entity=form.cleaned_data["entity"], create_entities=form.cleaned_data.get("create_entities", False),
            two_factor=has_second_factor(request),
        )
    except RegistryError as error:
        return _list_page(request, form, status=error.http_status, error=error)
    return redirect("staff:imports:detail", pk=channel_import.pk)


def _detail_page(request, channel_import, *, status: int = 200, error: RegistryError | None = None):
    outcome = request.GET.get("outcome")
    rows = channel_import.rows.order_by("number")
    if outcome in ImportOutcome.values:
        rows = rows.filter(outcome=outcome)
    else:
        outcome = ""
    page = paginate(request, rows, per_page=ROWS_PER_PAGE)
    page.object_list = described(page.object_list, request.user)
    return render_page(request, "staff/imports/detail.html", {
        "channel_import": channel_import, "counts": outcome_counts(channel_import), "page": page,
        "outcome": outcome, "filter_query": f"outcome={outcome}" if outcome else "",
        "can_confirm": not channel_import.is_confirmed and channel_import.created_by_id == request.user.pk,
        "as_submissions": is_reviewer(request.user), "error": error,
    }, status=status)


@require_safe
@login_required
def detail(request, pk: int):
    return _detail_page(request, get_object_or_404(imports_for(request.user), pk=pk))


@require_POST
@login_required
def confirm(request, pk: int):
    channel_import = get_object_or_404(imports_for(request.user), pk=pk)
    try:
        channel_import = import_confirm(actor=request.user, import_id=pk, two_factor=has_second_factor(request))
    except RegistryError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        return _detail_page(request, channel_import, status=error.http_status, error=error)
    messages.success(request, _("Imported: %(count)s channels registered.") % {"count": channel_import.registered})
    return redirect("staff:imports:detail", pk=pk)


@require_safe
@login_required
def results(request, pk: int):
    return results_response(get_object_or_404(imports_for(request.user), pk=pk), request.user)


@require_safe
@login_required
def template(request, language: str, kind: str):
    """The empty template: the columns' headings in Arabic or English, as CSV or as a workbook."""
    headings = template_headings(language)
    name = f"channels-import-{language}.{kind}"
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text).writerow(headings)
        response = HttpResponse((BOM + text.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "الحسابات" if language == "ar" else "channels"
        sheet.sheet_view.rightToLeft = language == "ar"
        sheet.append(headings)
        body = io.BytesIO()
        workbook.save(body)
        response = HttpResponse(body.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
