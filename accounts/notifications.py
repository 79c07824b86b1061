"""Who is told what when a channel moves through the workflow, and the emails that tell them.

Every email is bilingual, Arabic first, since the registry's staff read either language.
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from accounts.models import ChannelEvent
from accounts.workflow import Action
from entities.models import Membership
from registry.emails import bilingual_email
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


def active_reviewers():
    """The GCO reviewers who may be emailed, in a stable order (for per-person "sent" marks)."""
    return User.objects.filter(is_active=True, is_reviewer=True).order_by("pk").only("pk", "email")


def reviewer_emails() -> set[str]:
    return {reviewer.email for reviewer in active_reviewers()}


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


def send_once(mark: str, keep_seconds: int, message: EmailMessage) -> bool:
    """Send `message` unless `mark` is already in the shared cache: a job that runs again (a retry,
    a second beat) sends no duplicate, and one that failed to send leaves no mark, so it is sent
    next time. Returns whether it was sent now."""
    from django.core.cache import cache

    if not cache.add(mark, True, timeout=keep_seconds):
        return False
    try:
        message.send()
    except Exception:
        cache.delete(mark)
        raise
    return True


def event_email(event: ChannelEvent) -> EmailMessage | None:
    """The email telling the people concerned about this step, or None if nobody is to be told."""
    recipients = _recipients(event)
    if not recipients:
        return None
    context = {"event": event, "channel": event.channel, "site_url": settings.SITE_URL.rstrip("/")}
    return bilingual_email("channel_event", lambda: context, sorted(recipients))
