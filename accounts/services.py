"""Writes to the register's channels. Views, forms, the API, commands and jobs call these;
nobody saves a Channel's status directly."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Channel, ChannelEvent, Status
from accounts.platforms import AccountLinkError, parse_account_link
from entities.models import Entity, Official
from registry.errors import Conflict, RegistryError

LIVE_HANDLE_CONSTRAINT = "channel_handle_live_unique"


class HandleAlreadyRegistered(Conflict):
    code = "handle_taken"

    def __init__(self, holder: Channel):
        self.holder = holder
        super().__init__(
            _("%(handle)s on %(platform)s is already registered to %(owner)s (registration #%(id)s).")
            % {
                "handle": holder.handle,
                "platform": holder.get_platform_display(),
                "owner": holder.entity.name,
                "id": holder.pk,
            },
            field="url",
        )


def live_holder(*, platform: str, handle_key: str, exclude_id: int | None = None) -> Channel | None:
    """The live registration that holds this handle, if any."""
    holders = Channel.private_objects.live().with_owner().filter(platform=platform, handle_key=handle_key)
    if exclude_id is not None:
        holders = holders.exclude(pk=exclude_id)
    return holders.first()


@contextmanager
def refusing_taken_handles(channel: Channel) -> Iterator[None]:
    """Turn the database's refusal of a second live claim into an error naming the holder.

    The partial unique constraint is the real guard (two requests racing both pass any check
    made beforehand); this only makes its refusal say who holds the handle.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if LIVE_HANDLE_CONSTRAINT not in str(exc):
            raise
        holder = live_holder(platform=channel.platform, handle_key=channel.handle_key, exclude_id=channel.pk)
        if holder is None:  # the holder was retired between the refusal and this read
            raise Conflict(_("This handle was just claimed by another registration; try again.")) from exc
        raise HandleAlreadyRegistered(holder) from exc


def channel_create(
    *,
    actor,
    entity: Entity,
    link: str,
    platform: str | None = None,
    official: Official | None = None,
    display_name: str = "",
    languages: Sequence[str] = (),
    description: str = "",
) -> Channel:
    """Register a channel as a draft from a pasted link or handle, read on the server."""
    try:
        account = parse_account_link(link, platform)
    except AccountLinkError as exc:
        raise RegistryError(exc.message, code=exc.code, field="url") from exc
    if official is not None and official.entity_id != entity.pk:
        raise RegistryError(
            _("%(official)s is not an official of %(entity)s.") % {"official": official.name, "entity": entity.name},
            code="official_not_of_entity",
            field="official",
        )
    holder = live_holder(platform=account.platform, handle_key=account.handle_key)
    if holder is not None:
        raise HandleAlreadyRegistered(holder)

    channel = Channel(
        platform=account.platform,
        handle=account.handle,
        handle_key=account.handle_key,
        canonical_url=account.canonical_url,
        entity=entity,
        official=official,
        display_name=display_name,
        languages=list(languages),
        description=description,
        status=Status.DRAFT,
        created_by=actor,
    )
    channel.full_clean(validate_constraints=False)
    with transaction.atomic(), refusing_taken_handles(channel):
        channel.save()
        ChannelEvent.objects.create(
            channel=channel, action="create", from_status="", to_status=Status.DRAFT, actor=actor
        )
    return channel
