"""Who is told what when a channel moves through the workflow, and the emails that tell them.

Every email is bilingual, Arabic first, since the registry's staff read either language.
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import ChannelEvent
from accounts.workflow import Action
from entities.models import Membership
from registry.models import User

# Which action tells whom. "submitter": who submitted it; "proposer": who proposed the changes.
AUDIENCE: dict[Action, tuple[str, ...]] = {
    Action.SUBMIT: ("reviewers",),
    Action.PROPOSE: ("reviewers",),
    Action.APPROVE: ("submitter",),
    Action.REQUEST_CHANGES: ("submitter",),
    Action.REJECT: ("submitter",),
    Action.APPROVE_CHANGES: ("proposer",),
    Action.REJECT_CHANGES: ("proposer",),
    Action.FLAG_COMPROMISED: ("reviewers", "editors"),
    Action.RESTORE: ("editors",),
    Action.RETIRE: ("reviewers", "editors"),
}


def reviewer_emails() -> set[str]:
    return set(User.objects.filter(is_active=True, is_reviewer=True).values_list("email", flat=True))


def editor_emails(entity_id: int) -> set[str]:
    return set(
        Membership.objects.filter(entity_id=entity_id, user__is_active=True).values_list("user__email", flat=True)
    )


def _recipients(event: ChannelEvent) -> set[str]:
    channel = event.channel
    emails: set[str] = set()
    for audience in AUDIENCE.get(Action(event.action), ()):
        if audience == "reviewers":
            emails |= reviewer_emails()
        elif audience == "editors":
            emails |= editor_emails(channel.entity_id)
        elif audience == "submitter" and channel.submitted_by and channel.submitted_by.is_active:
            emails.add(channel.submitted_by.email)
        elif audience == "proposer":
            proposal = (
                ChannelEvent.objects.filter(channel=channel, action=Action.PROPOSE, at__lte=event.at)
                .select_related("actor").order_by("-at", "-id").first()
            )
            if proposal and proposal.actor and proposal.actor.is_active:
                emails.add(proposal.actor.email)
    if event.actor is not None:
        emails.discard(event.actor.email)  # nobody needs an email about what they just did
    return emails


def event_email(event: ChannelEvent) -> EmailMessage | None:
    """The email telling the people concerned about this step, or None if nobody is to be told."""
    recipients = _recipients(event)
    if not recipients:
        return None
    context = {"event": event, "channel": event.channel, "site_url": settings.SITE_URL.rstrip("/")}
    parts = []
    for language in ("ar", "en"):
        with translation.override(language):
            parts.append(render_to_string("emails/channel_event.txt", context).strip())
    with translation.override("ar"):
        subject_ar = render_to_string("emails/channel_event_subject.txt", context).strip()
    with translation.override("en"):
        subject_en = render_to_string("emails/channel_event_subject.txt", context).strip()
    return EmailMessage(
        subject=f"{subject_ar} | {subject_en}",
        body="\n\n——————————\n\n".join(parts),
        to=sorted(recipients),
    )
