"""`CompiledRead`: the rows of the queryset it was built from, whatever the values, its SQL built
once per shape; and a build it cannot serve faithfully refused when it is built, not answered wrong."""
from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Channel, Status
from registry.compiled import CompiledRead

pytestmark = pytest.mark.django_db


def fields(channel: Channel) -> dict:
    """What a channel read holds: its columns, and its owners' when they came with it."""
    owners = {name: getattr(channel, name).pk if getattr(channel, name) else None
              for name in ("entity", "official") if name in channel._state.fields_cache}
    return {**{k: v for k, v in channel.__dict__.items() if not k.startswith("_")}, **owners}


@pytest.fixture
def register(make_channel, make_official):
    official = make_official()
    return [
        make_channel("https://x.com/UAEGov"),
        make_channel("https://x.com/UAEGov_ar", status=Status.RETIRED),
        make_channel("https://www.instagram.com/uaegov/", official=official, entity=official.entity),
        make_channel("https://x.com/MOFAUAE", status=Status.SUBMITTED),
        make_channel("https://x.com/Watani", status=Status.COMPROMISED),
    ]


def by_handle(platform, handle_key):
    rank = Case(When(status=Status.APPROVED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (Channel.public_objects.with_owner().filter(platform=platform, handle_key=handle_key)
            .annotate(rank=rank).order_by("rank", "-pk"))


@pytest.mark.parametrize(("platform", "key"), [
    ("x", "uaegov"), ("x", "uaegov_ar"), ("instagram", "uaegov"), ("x", "mofauae"), ("x", "nobody"),
    ("x", "watani"),
])
def test_rows_are_those_of_the_queryset_with_owners_and_annotations(register, platform, key):
    read = CompiledRead(by_handle)
    read("x", "uaegov")  # built on another value: the SQL is reused for this one

    got, expected = read(platform, key), list(by_handle(platform, key))

    assert [fields(c) for c in got] == [fields(c) for c in expected]
    assert [c.rank for c in got] == [c.rank for c in expected]


def test_the_sql_is_built_once_per_shape_and_sent_with_the_values(register):
    built = []

    def build(platform, handle_key):
        built.append((platform, handle_key))
        return by_handle(platform, handle_key)

    read = CompiledRead(build)
    with CaptureQueriesContext(connection) as queries:
        for key in ("uaegov", "watani", "nobody"):
            read("x", key)

    assert len(built) == 1 and "\ue000" in built[0][1]  # built once, on markers, never on a real value
    assert len(queries) == 3
    assert all("\ue000" not in query["sql"] for query in queries)
    assert ["'watani'" in queries[1]["sql"], "'nobody'" in queries[2]["sql"]] == [True, True]


def test_lists_spread_over_an_in_list_are_one_shape_per_length(register):
    built = []
    read = CompiledRead(lambda ids: built.append(len(ids)) or Channel.private_objects.filter(pk__in=ids))
    pks = sorted(c.pk for c in register)

    assert sorted(c.pk for c in read(pks[:2])) == pks[:2]
    assert sorted(c.pk for c in read(pks[2:4])) == pks[2:4]
    assert sorted(c.pk for c in read(pks[:3])) == pks[:3]
    assert read([]) == []  # an empty IN list matches nothing, without a query
    assert sorted(c.pk for c in read([pks[0], pks[0]])) == [pks[0]]
    assert built == [2, 3, 0]


def test_a_list_given_whole_to_raw_sql_and_values_list(register):
    read = CompiledRead(lambda keys: Channel.private_objects.filter(
        pk__in=RawSQL("SELECT unnest(%s::bigint[])", [keys])).order_by("pk").values_list("handle", flat=True))
    pks = sorted(c.pk for c in register)

    assert read(pks[:2]) == ["UAEGov", "UAEGov_ar"]
    assert read([pks[4]]) == ["Watani"]


def test_only_reads_the_columns_asked_for(register):
    read = CompiledRead(lambda platform: Channel.private_objects.filter(platform=platform).only("pk", "handle"))

    channels = read("x")

    assert sorted(c.handle for c in channels) == ["MOFAUAE", "UAEGov", "UAEGov_ar", "Watani"]
    assert channels[0].get_deferred_fields() >= {"display_name", "followers"}


def test_each_language_has_its_own_sql(register, make_entity):
    def build(platform):
        language = translation.get_language()
        return Channel.private_objects.filter(platform=platform).order_by(
            "entity__name_ar" if language == "ar" else "entity__name_en", "pk")

    read = CompiledRead(build)
    with translation.override("en"):
        english = [c.pk for c in read("x")]
    with translation.override("ar"):
        arabic = [c.pk for c in read("x")]

    with translation.override("en"):
        assert english == [c.pk for c in build("x")]
    with translation.override("ar"):
        assert arabic == [c.pk for c in build("x")]


@pytest.mark.parametrize("build", [
    lambda handle: Channel.private_objects.filter(handle__icontains=handle),  # the value is wrapped in %…%
    lambda handle: Channel.private_objects.all(),  # the value is not used at all
])
def test_a_value_that_does_not_reach_the_sql_as_itself_is_refused_when_built(build):
    with pytest.raises(TypeError, match="did not reach the SQL"):
        CompiledRead(build)("uae")


def test_values_other_than_texts_numbers_and_lists_are_refused():
    read = CompiledRead(lambda flag: Channel.private_objects.filter(is_sample=flag))
    with pytest.raises(TypeError, match="not bool"):
        read(True)


@pytest.mark.django_db(transaction=True)
def test_a_read_built_in_one_thread_runs_in_another(make_channel):
    make_channel("https://x.com/UAEGov")
    read = CompiledRead(lambda platform: (
        Channel.private_objects.filter(platform=platform).values_list("handle", flat=True)))
    assert read("x") == ["UAEGov"]
    found = []

    def elsewhere():
        try:
            found.append(read("x"))
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()

    assert found == [["UAEGov"]]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_with_prepared_reads_postgresql_plans_the_statement_once(register, settings):
    settings.DATABASE_PREPARED_READS = True
    before = prepared_statements()
    read = CompiledRead(by_handle)
    for key in ("uaegov", "watani", "nobody", "uaegov"):
        read("x", key)

    # Seen twice on this connection, then prepared: later runs reuse the plan.
    assert [statement for statement in prepared_statements() if statement not in before
            and "accounts_channel" in statement and "$1" in statement]
    assert [c.handle for c in read("x", "uaegov")] == ["UAEGov"]


def test_without_prepared_reads_nothing_is_prepared_and_the_rows_are_the_same(register, settings):
    settings.DATABASE_PREPARED_READS = False
    before = prepared_statements()
    read = CompiledRead(by_handle)
    for key in ("uaegov", "watani", "nobody", "uaegov"):
        assert [fields(c) for c in read("x", key)] == [fields(c) for c in by_handle("x", key)]

    # The compiled reads went Django's ordinary way: nothing prepared.
    assert prepared_statements() == before


@pytest.mark.parametrize("build", [
    lambda handle: Channel.private_objects.filter(handle_key=handle.lower()),  # changed on its way in
    lambda handle: Channel.private_objects.filter(handle_key=handle.strip()),
    # Once as itself, once wrapped: the wrapped copy would stay the marker for ever.
    lambda handle: Channel.private_objects.filter(handle=handle, handle_key__icontains=handle),
])
def test_a_value_the_build_changes_is_refused_not_sent_as_given(build):
    with pytest.raises(TypeError, match="did not reach the SQL"):
        CompiledRead(build)("UAEGov")


@pytest.mark.parametrize("column", ["followers", "version"])  # a big integer, a positive integer
def test_whole_numbers_of_any_integer_column_are_values_like_any_other(register, column):
    channel = register[0]
    Channel.private_objects.filter(pk=channel.pk).update(**{column: 1234, "followers_at": channel.approved_at})
    read = CompiledRead(lambda number: Channel.private_objects.filter(**{column: number}).values_list(
        "handle", flat=True))

    assert read(999) == []  # built on a marker within the column's range: not "matches nothing" for good
    assert read(1234) == ["UAEGov"]
