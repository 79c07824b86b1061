"""Entities, officials and memberships: what the database refuses."""
import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from entities.models import Entity, Membership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [{"kind": "club"}, {"name_ar": ""}, {"name_en": ""}],
    ids=["unknown-kind", "no-arabic-name", "no-english-name"],
)
def test_entity_rows_the_database_refuses(fields):
    row = {"slug": "mofa", "name_en": "Ministry of Foreign Affairs", "name_ar": "وزارة الخارجية", "kind": "ministry"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.create(**{**row, **fields})


def test_an_entity_is_not_its_own_parent(make_entity):
    entity = make_entity()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.filter(pk=entity.pk).update(parent=entity)


def test_slugs_are_unique(make_entity):
    make_entity(slug="mofa")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entity(slug="mofa")


def test_a_user_is_a_member_of_an_entity_once(make_entity, make_user):
    entity = make_entity()
    user = make_user(editor_of=entity)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, entity=entity)


def test_names_follow_the_page_language(make_official):
    official = make_official(name_en="Spokesperson", name_ar="المتحدث الرسمي", title_en="Spokesperson",
                             title_ar="المتحدث")
    with translation.override("ar"):
        assert (official.name, official.title) == ("المتحدث الرسمي", "المتحدث")
    with translation.override("en"):
        assert (official.name, official.title) == ("Spokesperson", "Spokesperson")
