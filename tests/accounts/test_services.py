"""Registering a channel from a pasted link: read on the server, refused with a reason."""
import pytest
from django.utils import translation

from accounts.models import Channel, ChannelEvent, Status
from accounts.services import HandleAlreadyRegistered, channel_create, refusing_taken_handles
from registry.errors import RegistryError
from tests.accounts.complete import COMPLETE

pytestmark = pytest.mark.django_db


def test_a_draft_is_created_from_a_link_in_any_form(make_entity, make_user):
    entity = make_entity()
    editor = make_user(editor_of=entity)
    channel = channel_create(actor=editor, entity=entity, link="  https://mobile.twitter.com/MOFAuae?lang=ar ")
    assert (channel.platform, channel.handle, channel.handle_key, channel.canonical_url, channel.status) == (
        "x", "MOFAuae", "mofauae", "https://x.com/MOFAuae", Status.DRAFT,
    )
    event = ChannelEvent.objects.get(channel=channel)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("create", "", "draft", editor)


@pytest.mark.parametrize(
    ("link", "platform", "code"),
    [
        ("https://myspace.com/mofauae", None, "unknown_platform"),
        ("https://notfacebook.com/mofauae", None, "unknown_platform"),
        ("https://x.com.evil.example/mofauae", None, "unknown_platform"),
        ("https://x.com/hashtag/UAE", None, "not_an_account"),
        ("https://www.instagram.com/p/C0ffee123/", None, "not_an_account"),
        ("@mofauae", None, "platform_required"),
        ("@mofauae", "myspace", "unknown_platform"),
        ("", None, "empty"),
    ],
)
def test_what_is_not_an_account_link_is_refused_and_nothing_is_saved(make_entity, make_user, link, platform, code):
    entity = make_entity()
    with pytest.raises(RegistryError) as refused:
        channel_create(**COMPLETE, actor=make_user(editor_of=entity), entity=entity, link=link, platform=platform)
    assert refused.value.code == code
    assert refused.value.message  # a sentence for people
    assert not Channel.private_objects.exists() and not ChannelEvent.objects.exists()


def test_a_handle_held_by_a_live_registration_is_refused_naming_the_holder(make_channel, make_entity, make_user):
    holder = make_channel("https://x.com/MOFAuae", status=Status.APPROVED)
    entity = make_entity()
    with translation.override("en"), pytest.raises(HandleAlreadyRegistered) as refused:
        channel_create(**COMPLETE, actor=make_user(editor_of=entity), entity=entity, link="twitter.com/mofauae/")
    assert refused.value.code == "handle_taken"
    assert refused.value.holder == holder
    assert f"#{holder.pk}" not in refused.value.message  # named, never by a number the editor cannot open
    assert "Government Communication Office" in refused.value.message
    assert holder.entity.name_en in refused.value.message
    assert Channel.private_objects.count() == 1


def test_the_database_refusal_of_a_second_live_claim_names_the_holder(make_channel):
    """Two racing submissions both pass the check made beforehand; the constraint decides."""
    holder = make_channel("https://x.com/MOFAuae", status=Status.APPROVED)
    draft = make_channel("https://x.com/mofauae", status=Status.DRAFT)
    draft.status = Status.SUBMITTED
    with pytest.raises(HandleAlreadyRegistered) as refused, refusing_taken_handles(draft):
        draft.save(update_fields=["status"])
    assert refused.value.holder == holder
    assert Channel.private_objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_retired_handle_can_be_registered_again(make_channel, make_entity, make_user):
    make_channel("https://x.com/MOFAuae", status=Status.RETIRED)
    entity = make_entity()
    channel = channel_create(**COMPLETE, actor=make_user(editor_of=entity), entity=entity, link="https://x.com/MOFAuae")
    assert channel.status == Status.DRAFT


def test_an_official_must_belong_to_the_entity(make_entity, make_official, make_user):
    entity = make_entity()
    with pytest.raises(RegistryError) as refused:
        channel_create(**COMPLETE, actor=make_user(editor_of=entity), entity=entity, official=make_official(),
                       link="https://x.com/someone")
    assert refused.value.code == "official_not_of_entity"
    assert not Channel.private_objects.exists()
