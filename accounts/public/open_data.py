"""The public's open data pages: what can be downloaded and called, and the data dictionaries.

A dictionary lists the columns its download is written with (accounts/api/export.py REGISTER_COLUMNS,
accounts/api/downloads.py PRESENCE_COLUMNS), so a column cannot be added without being described.
"""
from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.api.downloads import PRESENCE_COLUMNS
from accounts.api.export import CODE, CODES, DATE_TIME, INTEGER, LINK, REGISTER_COLUMNS, TEXT
from accounts.web import public_page

KINDS = {
    INTEGER: _("Whole number"),
    TEXT: _("Text"),
    LINK: _("Link (URL)"),
    DATE_TIME: _("Date and time"),
    CODE: _("Code"),
    CODES: _("List of codes"),
}


def _described(columns) -> list[dict]:
    return [{"column": column, "kind": KINDS[column.kind]} for column in columns]


@public_page
def open_data(request):
    return render(request, "accounts/open_data.html", {})


@public_page
def register_dictionary(request):
    return render(request, "accounts/data_dictionary.html", {
        "title": _("Data dictionary: the public register"),
        "dataset": "register",
        "columns": _described(REGISTER_COLUMNS),
    })


@public_page
def presence_dictionary(request):
    return render(request, "accounts/data_dictionary.html", {
        "title": _("Data dictionary: the presence figures"),
        "dataset": "presence",
        "columns": _described(PRESENCE_COLUMNS),
    })
