"""Channels taken through the real workflow (accounts/services.py), so that the change feed reads the
events the services write, never rows made up for it."""
from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Channel
from accounts.services import channel_act, channel_create, channel_edit
from entities.models import Entity
from registry.models import User
from tests.accounts.complete import COMPLETE


@dataclass
class Workflow:
    editor: User
    reviewer: User
    entity: Entity

    def draft(self, link: str, *, entity: Entity | None = None, editor: User | None = None) -> Channel:
        return channel_create(actor=editor or self.editor, entity=entity or self.entity, link=link, **COMPLETE)

    def act(self, channel: Channel, action: str, *, reason: str = "", by: User | None = None) -> Channel:
        actor = by or (self.editor if action in ("submit",) else self.reviewer)
        return channel_act(actor=actor, channel_id=channel.pk, action=action, reason=reason, two_factor=True)

    def submitted(self, link: str, **kwargs) -> Channel:
        channel = self.draft(link, **kwargs)
        return channel_act(actor=kwargs.get("editor") or self.editor, channel_id=channel.pk, action="submit")

    def approved(self, link: str, **kwargs) -> Channel:
        return self.act(self.submitted(link, **kwargs), "approve")

    def propose(self, channel: Channel, **fields) -> Channel:
        return channel_edit(actor=self.editor, channel_id=channel.pk, **fields)


def workflow_for(make_entity, make_user) -> Workflow:
    """An entity with an editor, and a reviewer: each test module's `workflow` fixture."""
    entity = make_entity(slug="ministry-of-tests", name_en="Ministry of Tests", name_ar="وزارة الاختبارات")
    return Workflow(editor=make_user(editor_of=entity), reviewer=make_user(reviewer=True), entity=entity)
