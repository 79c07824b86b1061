"""The channel workflow in one table: which action moves a channel from which states to which,
who may take it, and whether it needs a reason or a second pair of eyes.

    draft ──submit──▶ submitted ──approve──▶ approved ──retire──▶ retired
      ▲                  │  │                  │   ▲
      └─request_changes──┘  └──reject──▶ rejected  │
    approved ──flag_compromised──▶ compromised ──restore──┘

`request_changes` sends a submission back as `changes_requested` (an editable draft the
public never sees). An edit to an approved channel is a proposal (`propose`), decided by
`approve_changes` or `reject_changes`; until then the public sees the approved version.

Services (accounts/services.py) perform the transitions; `check_allowed` is the single
permission check the staff area, the review area and the API all go through.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _, gettext_lazy

from accounts.models import ChangeKind, Channel, Status
from registry.authentication import needs_second_factor
from registry.errors import Conflict, RegistryError


class Action(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    PROPOSE = "propose"
    APPROVE_CHANGES = "approve_changes"
    REJECT_CHANGES = "reject_changes"
    RETIRE = "retire"
    FLAG_COMPROMISED = "flag_compromised"
    RESTORE = "restore"
    CERTIFY = "certify"


class Who(StrEnum):
    STAFF = "staff"  # an editor of the channel's entity, or a reviewer
    REVIEWER = "reviewer"  # GCO reviewers (and admins) only


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the status stays as it is
    who: Who
    label: str
    needs_reason: bool = False
    four_eyes: bool = False  # the actor must not have made or edited what is decided
    needs_proposal: bool | None = None  # True: only with a pending proposal; False: only without
    # What the public is told changes at once and cannot be taken back by the one who did it: the
    # site's pages show what will follow and act only on a second, confirmed press. (API callers
    # are programs that have decided already: the API takes it in one call.)
    confirm: bool = False
    # The fields a reviewer needs to judge the channel: a submission without them is refused
    # (drafts may stay incomplete).
    needs_fields: tuple[str, ...] = ()
    # A handle that looks like another entity's official account goes to review only on the
    # submitter's word that it is their entity's (`lookalikes_confirmed`); the services ask, since
    # it takes a read of the register (`accounts.lookalikes.lookalike_officials`).
    confirms_lookalikes: bool = False
    # What the public is told changed (the change feed, its Atom and JSON feeds, the webhooks):
    # None for the steps the public never sees (drafts, submissions, decisions against them).
    change: ChangeKind | None = None


def _t(action, sources, target, who, label, **rules) -> tuple[Action, Transition]:
    return action, Transition(action, frozenset(sources), target, who, label, **rules)


S = Status
TRANSITIONS: dict[Action, Transition] = dict([
    _t(Action.EDIT, [S.DRAFT, S.CHANGES_REQUESTED], None, Who.STAFF, gettext_lazy("Edit")),
    _t(Action.SUBMIT, [S.DRAFT, S.CHANGES_REQUESTED], S.SUBMITTED, Who.STAFF, gettext_lazy("Submit for review"),
       needs_fields=("display_name", "languages", "description"), confirms_lookalikes=True),
    _t(Action.APPROVE, [S.SUBMITTED], S.APPROVED, Who.REVIEWER, gettext_lazy("Approve"), four_eyes=True,
       change=ChangeKind.APPROVED),
    _t(Action.REQUEST_CHANGES, [S.SUBMITTED], S.CHANGES_REQUESTED, Who.REVIEWER, gettext_lazy("Request changes"),
       needs_reason=True, four_eyes=True),
    _t(Action.REJECT, [S.SUBMITTED], S.REJECTED, Who.REVIEWER, gettext_lazy("Reject"), needs_reason=True,
       four_eyes=True),
    _t(Action.PROPOSE, [S.APPROVED], None, Who.STAFF, gettext_lazy("Propose changes")),
    _t(Action.APPROVE_CHANGES, [S.APPROVED], None, Who.REVIEWER, gettext_lazy("Approve changes"),
       four_eyes=True, needs_proposal=True, change=ChangeKind.CHANGED),
    _t(Action.REJECT_CHANGES, [S.APPROVED], None, Who.REVIEWER, gettext_lazy("Reject changes"),
       needs_reason=True, four_eyes=True, needs_proposal=True),
    _t(Action.RETIRE, [S.APPROVED, S.COMPROMISED], S.RETIRED, Who.STAFF, gettext_lazy("Retire"),
       needs_reason=True, confirm=True, change=ChangeKind.RETIRED),
    _t(Action.FLAG_COMPROMISED, [S.APPROVED], S.COMPROMISED, Who.STAFF, gettext_lazy("Report as compromised"),
       needs_reason=True, confirm=True, change=ChangeKind.COMPROMISED),
    _t(Action.RESTORE, [S.COMPROMISED], S.APPROVED, Who.REVIEWER, gettext_lazy("Restore"),
       change=ChangeKind.RESTORED),
    _t(Action.CERTIFY, [S.APPROVED], None, Who.STAFF, gettext_lazy("Certify as current")),
])
# The workflow actions whose events are public changes, and the kind each one is.
PUBLIC_CHANGES: dict[Action, ChangeKind] = {
    action: transition.change for action, transition in TRANSITIONS.items() if transition.change is not None
}
SUBMISSION_DECISIONS = frozenset({Action.APPROVE, Action.REQUEST_CHANGES, Action.REJECT})
# States a submission can be in once a reviewer has decided it (and what may follow).
DECIDED = frozenset({S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED, S.RETIRED, S.COMPROMISED})
# Whose hand is in what gets decided: they may not decide it themselves.
AUTHORING = {
    "submission": frozenset({Action.CREATE, Action.EDIT, Action.SUBMIT}),
    "proposal": frozenset({Action.PROPOSE}),
}


class NotAllowed(RegistryError):
    """The user may not take this action on this channel (HTTP 403)."""

    code = "forbidden"
    http_status = 403


class IllegalTransition(Conflict):
    """The channel is not in a state this action applies to (HTTP 409)."""

    code = "illegal_transition"


class AlreadyDecided(IllegalTransition):
    code = "already_decided"


class ReasonRequired(RegistryError):
    code = "reason_required"


# The fields a submission needs, in the words of the form and the API.
REQUIRED_FIELD_LABELS = {
    "display_name": gettext_lazy("display name"),
    "languages": gettext_lazy("at least one language"),
    "description": gettext_lazy("description"),
}


class Incomplete(RegistryError):
    """A submission lacks fields a reviewer needs; `missing` names them (the API's `missing`)."""

    code = "incomplete"

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            _("Fill in before submitting: %(fields)s. You can save it as a draft meanwhile.")
            % {"fields": _(", ").join(str(REQUIRED_FIELD_LABELS[name]) for name in missing)},
            field=missing[0] if len(missing) == 1 else None,
        )


class LookalikesUnconfirmed(RegistryError):
    """A submission whose handle looks like another entity's official account, sent without the
    submitter's confirmation that the account is theirs; `lookalikes` are (channel, how it differs)."""

    code = "lookalikes_unconfirmed"

    def __init__(self, lookalikes: list):
        self.lookalikes = lookalikes
        super().__init__(
            _("Nothing was submitted: its handle looks like another entity's official account. If this account "
              "is really your entity's, confirm that it is and submit again."),
            field="lookalikes_confirmed",
        )


def missing_fields(channel: Channel, names: tuple[str, ...]) -> list[str]:
    """Which of `names` the channel leaves empty."""
    return [name for name in names if not getattr(channel, name)]


def is_reviewer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_reviewer or user.is_superuser))


def editor_entity_ids(user) -> frozenset[int]:
    """The entities the user edits for; read once per user object (a request's user lives one request)."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_editor_entity_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("entity_id", flat=True))
        user._editor_entity_ids = cached
    return cached


def may_act_for_entity(user, entity_id: int) -> bool:
    return is_reviewer(user) or entity_id in editor_entity_ids(user)


def _second_factor_required() -> NotAllowed:
    return NotAllowed(
        _("Reviewers and administrators act only with a login confirmed with their authenticator app. Log in "
          "again with your code."),
        code="second_factor_required",
    )


def require_reviewer(user, *, two_factor: bool) -> None:
    """Raise unless `user` is a GCO reviewer (or admin) whose login passed the second factor."""
    if not is_reviewer(user):
        raise NotAllowed(_("Only GCO reviewers can do this."))
    if not two_factor:
        raise _second_factor_required()


def require_editor(user, entity_id: int, *, two_factor: bool) -> None:
    """Raise unless `user` may act for the entity: its editor, or a reviewer. Whoever must use the
    second factor (reviewers, admins) has no power without it, here as everywhere."""
    if needs_second_factor(user) and not two_factor:
        raise _second_factor_required()
    if not may_act_for_entity(user, entity_id):
        raise NotAllowed(_("You can act only for the entities you are an editor of."))


def require_importer(user, *, entity_id: int | None = None, create_entities: bool = False,
                     two_factor: bool) -> None:
    """Raise unless `user` may import channels from a file: a reviewer for any entity (and may
    create the entities a file names that the register lacks), an editor for their own entities
    only (`entity_id`: the one entity chosen for every row, if any; each row's own entity is
    asked with `may_act_for_entity`). The second factor as everywhere."""
    if needs_second_factor(user) and not two_factor:
        raise _second_factor_required()
    if not (is_reviewer(user) or editor_entity_ids(user)):
        raise NotAllowed(_("Only an entity's editors and GCO reviewers can import channels."))
    if entity_id is not None and not may_act_for_entity(user, entity_id):
        raise NotAllowed(_("You can import only for the entities you are an editor of."))
    if create_entities and not is_reviewer(user):
        raise NotAllowed(_("Only GCO reviewers can create entities from a file."))


def authors(channel: Channel, *, of: str) -> set[int]:
    """Who made or edited the submission (or the pending proposal) that is up for decision.

    Reads `channel.events.all()`, so a list that prefetches "events" pays no query per channel.
    """
    since = channel.proposed_at if of == "proposal" else None
    return {
        event.actor_id for event in channel.events.all()
        if event.action in AUTHORING[of] and event.actor_id is not None and (since is None or event.at >= since)
    }


def check_allowed(user, action: Action | str, channel: Channel, *, reason: str = "",
                  two_factor: bool = False) -> Transition:
    """Raise unless `user` may take `action` on `channel` now; return the transition.

    `two_factor`: whether the user's current login (session or API token) passed the second
    factor; reviewers and admins can do nothing without it, even what an editor may. The order
    matters to the person refused: first who they are, then the channel's state, then what they
    left out.
    """
    transition = TRANSITIONS[Action(action)]
    if transition.who == Who.REVIEWER:
        require_reviewer(user, two_factor=two_factor)
    else:
        require_editor(user, channel.entity_id, two_factor=two_factor)

    if channel.status not in transition.sources:
        if transition.action in SUBMISSION_DECISIONS and channel.status in DECIDED:
            raise AlreadyDecided(
                _("This submission has already been decided: the channel is now “%(status)s”.")
                % {"status": channel.get_status_display()}
            )
        raise IllegalTransition(
            _("“%(action)s” is not possible while the channel is “%(status)s”.")
            % {"action": transition.label, "status": channel.get_status_display()}
        )
    if transition.needs_proposal is True and not channel.has_proposal:
        raise AlreadyDecided(_("There are no pending changes to decide: they may have just been decided."))
    if transition.needs_proposal is False and channel.has_proposal:
        raise IllegalTransition(_("This channel has changes waiting for a decision; decide those first."))

    if transition.four_eyes:
        of = "proposal" if transition.needs_proposal else "submission"
        if user.pk in authors(channel, of=of):
            raise NotAllowed(
                _("You made or edited this %(what)s, so another reviewer must decide it.")
                % {"what": _("proposal") if of == "proposal" else _("submission")},
                code="four_eyes",
            )
    if transition.needs_reason and not reason.strip():
        raise ReasonRequired(_("Give a reason: it is kept in the channel's history."), field="reason")
    missing = missing_fields(channel, transition.needs_fields)
    if missing:
        raise Incomplete(missing)
    return transition


def allowed_actions(user, channel: Channel, *, two_factor: bool) -> list[Transition]:
    """What the user could do to the channel now (reasons aside), for buttons and API links."""
    allowed = []
    for transition in TRANSITIONS.values():
        try:
            check_allowed(user, transition.action, channel, reason="-", two_factor=two_factor)
        except Incomplete:
            pass  # offered all the same: pressing it says what to fill in
        except RegistryError:
            continue
        allowed.append(transition)
    return allowed
