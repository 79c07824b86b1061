"""Template tags for text in two reading directions: isolated values, dates on one line, the
arrow of a change. What each is for: registry/direction.py and docs/arabic.md."""
from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import get_language_bidi

from registry.direction import isolate as direction_isolate

register = template.Library()


@register.filter(needs_autoescape=True)
def isolate(value: Any, direction: str = "", autoescape: bool = True) -> str:
    """The value in a `<bdi>` of its own: `{{ handle|isolate:"ltr" }}` for links, handles and
    signed numbers, `{{ name|isolate }}` where the value's first letter decides. Escapes the value
    unless it is already safe HTML (an included link, a date's `<time>`). In plain text (an email,
    under `{% autoescape off %}`) the value is isolated with Unicode marks instead."""
    if value is None or value == "":
        return value
    if not autoescape:
        return direction_isolate(value, ltr=direction == "ltr")
    if direction == "ltr":
        return format_html('<bdi dir="ltr">{}</bdi>', value)
    return format_html("<bdi>{}</bdi>", value)


@register.filter(expects_localtime=True)
def as_time(value: datetime.date | datetime.datetime | None, format_name: str = "DATE_FORMAT") -> str:
    """A date (or date and time, with "DATETIME_FORMAT") in the language's format, as a `<time>`
    that never breaks across lines (site.css) and carries its machine-readable value."""
    if not value:
        return ""
    with_time = isinstance(value, datetime.datetime) and "DATETIME" in format_name
    machine = date_filter(value, "c" if with_time else "Y-m-d")
    return format_html('<time datetime="{}">{}</time>', machine, date_filter(value, format_name))


@register.simple_tag
def reading_arrow() -> str:
    """The arrow from a before to an after, pointing the way the page reads (← in Arabic)."""
    return "←" if get_language_bidi() else "→"
