"""Emails in the registry's two languages: one message, Arabic first, then English."""
from __future__ import annotations

from collections.abc import Callable

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def bilingual_email(template: str, context: Callable[[], dict], to: list[str], *, connection=None,
                    attachments: list | None = None) -> EmailMessage:
    """One email in Arabic then English: `emails/{template}.txt` and `_subject.txt` rendered in each
    language, with the context `context()` builds in that language (links, names, dates)."""
    parts, subjects = [], []
    for language in ("ar", "en"):
        with translation.override(language):
            values = context()
            parts.append(render_to_string(f"emails/{template}.txt", values).strip())
            subjects.append(render_to_string(f"emails/{template}_subject.txt", values).strip())
    return EmailMessage(subject=" | ".join(subjects), body="\n\n——————————\n\n".join(parts), to=to,
                        connection=connection, attachments=attachments)
