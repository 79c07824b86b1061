"""ChannelFigures, kept by the database's triggers, against the oracle: today's aggregates over every
channel, after random writes of every kind (one by one, in bulk, bulk updates of status, owner,
platform and followers as the refresh writes them, deletions), and the figures the pages read."""
from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Channel, ChannelFigures, PlatformFigures, Status
from accounts.public.statistics import platform_totals
from accounts.selectors import entities_with_figures, register_totals
from entities.models import Entity, Official

pytestmark = pytest.mark.django_db

PLATFORMS = ["x", "instagram", "facebook", "youtube"]


def oracle_rows() -> set[tuple]:
    rows = (Channel.private_objects.order_by().values_list("entity_id", "official_id", "platform", "status")
            .annotate(channels=Count("id"), followers=Sum("followers", default=0)))
    return set(rows)


def kept_rows() -> set[tuple]:
    return set(ChannelFigures.objects.values_list("entity_id", "official_id", "platform", "status", "channels",
                                                  "followers"))


def assert_figures_right() -> None:
    assert kept_rows() == oracle_rows()
    per_platform_status = set(
        Channel.private_objects.order_by().values_list("platform", "status")
        .annotate(channels=Count("id"), followers=Sum("followers", default=0)))
    assert set(PlatformFigures.objects.exclude(channels=0).values_list(
        "platform", "status", "channels", "followers")) == per_platform_status
    # And what the pages and the API read from them, against the queries they made before.
    approved = Q(status=Status.APPROVED)
    counted = Channel.public_objects.filter(entity__is_active=True).aggregate(
        channels=Count("id", filter=approved), followers=Sum("followers", filter=approved, default=0))
    totals = register_totals()
    assert (totals.channels, totals.followers) == (counted["channels"], counted["followers"])
    per_platform = {
        row["platform"]: {"channels": row["channels"], "followers": row["followers"]}
        for row in Channel.public_objects.filter(approved, entity__is_active=True).order_by().values("platform")
        .annotate(channels=Count("id"), followers=Sum("followers", default=0))
    }
    assert {code: figures for code, figures in platform_totals().items() if figures["channels"]} == per_platform
    listed = {entity.pk: (entity.approved_channels, entity.approved_followers) for entity in entities_with_figures()}
    expected = {
        entity.pk: (entity.channels_count, entity.followers_sum)
        for entity in Entity.objects.filter(is_active=True).annotate(
            channels_count=Count("channels", filter=Q(channels__status=Status.APPROVED)),
            followers_sum=Sum("channels__followers", filter=Q(channels__status=Status.APPROVED), default=0))
    }
    assert listed == expected


def _refresh_like_update(counts: dict[int, int | None]) -> None:
    """Follower counts written as the refresh writes them: one UPDATE ... FROM (VALUES ...)."""
    values = ", ".join(["(%s, %s::bigint)"] * len(counts))
    params = [item for pair in counts.items() for item in pair]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE accounts_channel AS c SET followers = v.followers, followers_at = now() "
                       f"FROM (VALUES {values}) AS v(id, followers) WHERE c.id = v.id", params)


@pytest.mark.parametrize("seed", range(4))
def test_the_kept_figures_equal_the_aggregates_after_random_writes(seed, make_entity, make_official, make_channel):
    rng = random.Random(seed)
    entities = [make_entity() for _ in range(3)] + [make_entity(is_active=False)]
    officials = [make_official(entity=rng.choice(entities)) for _ in range(3)]
    now = timezone.now()
    numbers = iter(range(10_000))

    def owner() -> dict:
        official = rng.choice([None, *officials])
        return {"entity": official.entity if official else rng.choice(entities), "official": official}

    def new_channel(**fields) -> Channel:
        followers = rng.choice([None, rng.randrange(0, 5_000)])
        return make_channel(f"https://{rng.choice(['x.com', 'instagram.com'])}/fig{seed}n{next(numbers)}",
                            status=rng.choice([Status.APPROVED, Status.SUBMITTED, Status.RETIRED]),
                            followers=followers, followers_at=now if followers is not None else None,
                            **owner(), **fields)

    for _ in range(6):
        new_channel()
    assert_figures_right()
    for _round in range(12):
        write = rng.choice(["one", "bulk", "status", "owner", "refresh", "delete", "nothing", "platform"])
        channels = list(Channel.private_objects.order_by("pk"))
        some = rng.sample(channels, k=min(len(channels), rng.randrange(1, 6)))
        ids = [channel.pk for channel in some]
        if write == "one" or not ids:
            new_channel()
        elif write == "bulk":
            Channel.private_objects.bulk_create([
                Channel(platform="x", handle=f"bulk{seed}n{n}", handle_key=f"bulk{seed}n{n}",
                        canonical_url=f"https://x.com/bulk{seed}n{n}", status=Status.APPROVED, approved_at=now,
                        followers=rng.randrange(0, 100), followers_at=now, **owner())
                for n in (next(numbers) for _ in range(rng.randrange(1, 5)))
            ])
        elif write == "status":  # a bulk update, as an admin action or a migration might make it
            Channel.private_objects.filter(pk__in=ids, status__in=[Status.APPROVED, Status.RETIRED]).update(
                status=rng.choice([Status.APPROVED, Status.RETIRED]), retired_at=now)
        elif write == "owner":
            Channel.private_objects.filter(pk__in=ids).update(**owner())
        elif write == "refresh":
            _refresh_like_update({pk: rng.choice([None, rng.randrange(0, 9_000)]) for pk in ids})
        elif write == "delete":
            Channel.private_objects.filter(pk__in=ids).delete()
        elif write == "nothing":  # columns the figures do not read: no row changes
            Channel.private_objects.filter(pk__in=ids).update(display_name="renamed", refreshed_at=now)
        elif write == "platform":
            for channel in some:
                channel.platform = rng.choice(PLATFORMS)
                channel.save(update_fields=["platform"])
        assert_figures_right()


def test_an_emptied_key_leaves_no_row(make_channel, make_entity):
    entity = make_entity()
    channel = make_channel("https://x.com/alone", entity=entity, followers=10, followers_at=timezone.now())
    assert kept_rows() == {(entity.pk, None, "x", Status.APPROVED, 1, 10)}
    Channel.private_objects.filter(pk=channel.pk).delete()
    assert not ChannelFigures.objects.exists()


def test_an_inactive_entity_or_official_keeps_its_rows_and_the_readers_leave_them_out(make_channel, make_entity,
                                                                                       make_official):
    entity = make_entity()
    official = make_official(entity=entity)
    make_channel("https://x.com/minister", entity=entity, official=official, followers=5, followers_at=timezone.now())
    Official.objects.filter(pk=official.pk).update(is_active=False)
    Entity.objects.filter(pk=entity.pk).update(is_active=False)
    assert kept_rows() == oracle_rows()
    assert register_totals().channels == 0
    assert_figures_right()


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_writing_the_same_entities_in_opposite_orders_both_commit(make_entity, make_channel):
    """Each worker's first statement takes the register version's row before any figures row (the
    triggers' order), so the second worker waits there holding no figures row: no deadlock, whichever
    entities each writes first."""
    first, second = make_entity(), make_entity()
    now = timezone.now()
    own = {(entity.pk, n): make_channel(f"https://x.com/lock{entity.pk}n{n}", entity=entity, followers=1,
                                        followers_at=now).pk
           for entity in (first, second) for n in range(2)}
    one_wrote = threading.Event()
    failures: list[BaseException] = []

    def refresh(order: list[int], worker: int, *, wait_for: threading.Event | None) -> None:
        try:
            if wait_for is not None:
                wait_for.wait(10)
            with transaction.atomic():
                _refresh_like_update({own[(order[0], worker)]: 10 + worker})
                one_wrote.set()
                time.sleep(0.5)  # the other worker's first statement meanwhile
                _refresh_like_update({own[(order[1], worker)]: 20 + worker})
        except BaseException as error:  # noqa: BLE001 -- reported by the test below
            failures.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=refresh, args=([first.pk, second.pk], 0), kwargs={"wait_for": None}),
               threading.Thread(target=refresh, args=([second.pk, first.pk], 1), kwargs={"wait_for": one_wrote})]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert failures == []
    assert_figures_right()
