"""Every check of the guide on channels built to pass and to fail it, and the score arithmetic."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import Alert, AlertKind, FollowerSnapshot, RefreshStatus, ScoreRecord, SnapshotSource, Status
from accounts.report.scores import Owner, assess, owner_score, record_scores, trend
from accounts.report.standards import CHANNEL_RULES, NEW, OWNER_RULES, RULES, RULES_BY_ID, Facts, on_official_domain

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def mofa(make_entity):
    return make_entity(slug="mofa", name_en="Ministry of Foreign Affairs", name_ar="وزارة الخارجية",
                       naming_pattern="mofa", official_domains=["mofa.gov.ae"])


@pytest.fixture
def exemplary(make_channel, mofa):
    """A channel that passes every channel check."""
    def make(link="https://x.com/MOFAUAE", **fields):
        values = dict(
            entity=mofa, display_name="MOFA UAE", languages=["ar", "en"], last_certified_at=NOW - timedelta(days=30),
            platform_verified=True, profile_link="https://www.mofa.gov.ae/ar", refresh_status=RefreshStatus.OK,
            followers=1000, followers_at=NOW - timedelta(days=1),
            last_post_at=NOW - timedelta(days=2), last_post_source=SnapshotSource.API,
        )
        return make_channel(link, **{**values, **fields})
    return make


def check(rule_id: str, channel, *, alerts: frozenset = frozenset()):
    rule = RULES_BY_ID[rule_id]
    owner = Owner("official", channel.official) if channel.official_id else Owner("entity", channel.entity)
    return rule.check(channel, owner, Facts(today=timezone.localdate(), channels_with_open_alerts=alerts))


def test_the_rules_are_data_with_ids_titles_in_both_languages_and_weights():
    assert len({rule.id for rule in RULES}) == len(RULES) == 10
    for rule in RULES:
        assert rule.weight > 0 and rule.scope in ("channel", "owner")
        assert rule.title_en and rule.title_ar and rule.advice_en and rule.advice_ar
        assert any("\u0600" <= char <= "\u06ff" for char in rule.title_ar + rule.advice_ar)


def test_an_exemplary_channel_passes_every_channel_check(exemplary):
    channel = exemplary()
    assert {rule.id: check(rule.id, channel) for rule in CHANNEL_RULES} == {
        "certified": True, "badge": True, "naming": True, "profile_link": True, "measured": True, "active": True,
        "no_alert": True,
    }


@pytest.mark.parametrize(("rule_id", "fields", "expected"), [
    # Approved and certified within 12 months (approval counts as the first certification).
    ("certified", {"last_certified_at": NOW - timedelta(days=364)}, True),
    ("certified", {"last_certified_at": NOW - timedelta(days=367)}, False),
    ("certified", {"last_certified_at": None, "approved_at": NOW - timedelta(days=20)}, True),
    ("certified", {"status": Status.COMPROMISED}, False),
    # The platform's own badge, where it has one.
    ("badge", {"platform_verified": False}, False),
    ("badge", {"platform_verified": None}, None),  # never read: unknown, not failed
    ("badge", {"link": "https://bsky.app/profile/mofa.gov.ae", "platform_verified": None}, None),
    ("badge", {"link": "https://mastodon.social/@mofauae", "platform_verified": None}, None),
    # The naming convention: the handle carries it; the name carries it or the entity's name.
    ("naming", {"link": "https://x.com/ForeignUAE"}, False),
    ("naming", {"display_name": "Random News"}, False),
    ("naming", {"display_name": "وزارة الخارجية"}, True),
    ("naming", {"display_name": "Ministry of Foreign Affairs UAE"}, True),
    ("naming", {"display_name": "", "platform_name": "Foreign news"}, False),
    # The profile's link on an official domain, matched by whole labels.
    ("profile_link", {"profile_link": "https://mofa.gov.ae"}, True),
    ("profile_link", {"profile_link": "https://news.mofa.gov.ae/en"}, True),
    ("profile_link", {"profile_link": "https://notmofa.gov.ae"}, False),
    ("profile_link", {"profile_link": "https://mofa.gov.ae.evil.example"}, False),
    ("profile_link", {"profile_link": ""}, False),
    # Refreshed within 7 days, or reported by staff (no usable API) within 31.
    ("measured", {"followers_at": NOW - timedelta(days=8)}, False),
    ("measured", {"refresh_status": RefreshStatus.REPORTED}, True),
    ("measured", {"refresh_status": RefreshStatus.REPORTED, "followers_at": NOW - timedelta(days=30)}, True),
    ("measured", {"refresh_status": RefreshStatus.REPORTED, "followers_at": NOW - timedelta(days=33)}, False),
    ("measured", {"link": "https://www.linkedin.com/company/mofauae", "refresh_status": RefreshStatus.REPORTED}, True),
    ("measured", {"refresh_status": RefreshStatus.FAILED}, False),
    ("measured", {"refresh_status": RefreshStatus.NOT_CONFIGURED}, False),
    # Posted within the last 30 days, as the platform (or a staff report) says; unknown does not apply.
    ("active", {"last_post_at": NOW - timedelta(days=29)}, True),
    ("active", {"last_post_at": NOW - timedelta(days=31), "last_post_source": SnapshotSource.REPORTED}, False),
    ("active", {"last_post_at": None, "last_post_source": ""}, None),
])
def test_each_channel_check_fails_where_the_guide_says(exemplary, rule_id, fields, expected):
    channel = exemplary(**({"link": fields.pop("link")} if "link" in fields else {}), **fields)
    assert check(rule_id, channel) is expected


def test_naming_does_not_apply_without_a_convention_nor_to_an_officials_channel(exemplary, mofa, make_official):
    minister = make_official(entity=mofa)
    assert check("naming", exemplary("https://x.com/ABZayed", official=minister)) is None
    mofa.naming_pattern = ""
    mofa.save()
    assert check("naming", exemplary("https://x.com/anything")) is None


def test_profile_link_does_not_apply_without_official_domains(exemplary, mofa):
    mofa.official_domains = []
    mofa.save()
    assert check("profile_link", exemplary(profile_link="")) is None


def test_an_open_alert_fails_and_a_resolved_one_does_not(exemplary):
    channel = exemplary()
    assert check("no_alert", channel, alerts=frozenset({channel.pk})) is False
    assert check("no_alert", channel, alerts=frozenset()) is True


@pytest.mark.parametrize("domain", ["mofa.gov.ae", "www.mofa.gov.ae", "a.b.mofa.gov.ae", "MOFA.GOV.AE."])
def test_subdomains_of_an_official_domain_count(domain):
    assert on_official_domain(f"https://{domain}/path?q=1", ["mofa.gov.ae"])


@pytest.mark.parametrize("link", ["https://mofa.gov.ae@evil.example/", "https://evilmofa.gov.ae", "mofa.gov.ae.co",
                                  "https://[::1]/", "javascript:alert(1)", "http://"])
def test_look_alike_links_do_not_count_as_official(link):
    assert not on_official_domain(link, ["mofa.gov.ae"])


def counted_posts(channel, counts: dict[int, int]) -> None:
    """The channel's daily post counts, {days ago: posts}, as the refresh keeps them."""
    today = timezone.localdate()
    FollowerSnapshot.objects.bulk_create(
        FollowerSnapshot(channel=channel, date=today - timedelta(days=ago), followers=1000, posts=posts)
        for ago, posts in counts.items())


def test_active_reads_the_post_count_where_no_last_post_is_known(exemplary):
    posting = exemplary(last_post_at=None, last_post_source="")
    counted_posts(posting, {0: 120, 30: 100})
    silent = exemplary("https://www.instagram.com/mofauae/", last_post_at=None, last_post_source="")
    counted_posts(silent, {0: 100, 30: 100})  # counted, unchanged: no post in 30 days, though no date is known
    unknown = exemplary("https://www.youtube.com/@mofauae", last_post_at=None, last_post_source="")
    counted_posts(unknown, {0: 100})  # no count 30 days ago: nobody can tell
    assert check("active", posting) is True
    assert check("active", silent) is False
    assert check("active", unknown) is None


def test_a_silent_channel_approved_lately_is_new_not_failing_active(exemplary):
    channel = exemplary(approved_at=NOW - timedelta(days=3), last_post_at=NOW - timedelta(days=60))
    assert check("active", channel) == NEW
    channel.approved_at = NOW - timedelta(days=40)
    assert check("active", channel) is False


def test_assess_reads_activity_with_the_list_not_a_query_a_channel(exemplary, django_assert_max_num_queries):
    for n in range(6):
        counted_posts(exemplary(f"https://x.com/mofa{n}", description=f"Purpose {n}", last_post_at=None,
                                last_post_source=""), {0: 10 + n, 30: 10})
    assess()  # warm the caches (content types, settings) so the count below is the assessment's own
    with django_assert_max_num_queries(6):
        owners = assess()
    channels = next(item for item in owners if item.owner.slug == "mofa").channels
    assert [line.channel.posts_30d for line in channels] == [0, 1, 2, 3, 4, 5]
    assert [("active" in {rule.id for rule in line.failing + line.not_applicable}) for line in channels] == [
        True] + [False] * 5  # no post in 30 days: its last post unknown, so "active" does not apply


# --- Owner checks --------------------------------------------------------------------------------

def owner_check(rule_id: str, entity, channels) -> bool | None:
    return RULES_BY_ID[rule_id].check(Owner("entity", entity), channels,
                                      Facts(today=timezone.localdate(), channels_with_open_alerts=frozenset()))


def test_core_platforms_all_present_or_failing(exemplary, mofa, settings):
    settings.CORE_PLATFORMS = ["x", "instagram"]
    x = exemplary()
    instagram = exemplary("https://www.instagram.com/mofauae/")
    assert owner_check("core_platforms", mofa, [x, instagram]) is True
    assert owner_check("core_platforms", mofa, [x]) is False
    instagram.status = Status.RETIRED
    assert owner_check("core_platforms", mofa, [x, instagram]) is False


def test_arabic_and_english_across_the_entitys_accounts(exemplary, mofa):
    arabic = exemplary(languages=["ar"])
    english = exemplary("https://www.instagram.com/mofauae/", languages=["en"])
    assert owner_check("languages", mofa, [arabic, english]) is True
    assert owner_check("languages", mofa, [arabic]) is False


def test_duplicates_on_one_platform_need_a_stated_purpose(exemplary, mofa):
    first = exemplary()
    second = exemplary("https://x.com/MOFAUAE_ar")
    assert owner_check("no_duplicates", mofa, [first, second]) is False
    second.description = "The Arabic-only news feed of the ministry."
    assert owner_check("no_duplicates", mofa, [first, second]) is True


def test_owner_checks_do_not_apply_to_officials(make_official, mofa):
    owner = Owner("official", make_official(entity=mofa))
    facts = Facts(today=timezone.localdate(), channels_with_open_alerts=frozenset())
    assert {rule.check(owner, [], facts) for rule in OWNER_RULES} == {None}


# --- Scores ----------------------------------------------------------------------------------------

def entity_score(slug: str):
    return next(item for item in assess() if item.owner.slug == slug)


def test_scores_are_100_less_the_weights_failed_and_an_open_alert_costs_its_weight(exemplary, mofa, settings):
    settings.CORE_PLATFORMS = ["x"]
    channel = exemplary()
    before = entity_score("mofa")
    assert (before.score, before.failing, [c.score for c in before.channels]) == (100, [], [100])

    Alert.objects.create(channel=channel, kind=AlertKind.FOLLOWER_DROP)
    after = entity_score("mofa")
    assert after.score == before.score - RULES_BY_ID["no_alert"].weight
    assert [c.score for c in after.channels] == [100 - RULES_BY_ID["no_alert"].weight]
    assert [(rule.id, lost_channel) for rule, lost_channel in after.lost] == [("no_alert", channel)]


def test_an_owner_score_is_the_mean_of_its_channels_less_its_own_checks(exemplary, mofa, settings):
    settings.CORE_PLATFORMS = ["x", "instagram", "facebook"]
    exemplary(languages=["ar"], platform_verified=False)  # fails badge; the entity fails core and languages
    item = entity_score("mofa")
    expected = 100 - sum(RULES_BY_ID[r].weight for r in ("badge", "core_platforms", "languages"))
    assert item.score == expected
    exemplary("https://www.instagram.com/mofauae/", languages=["ar"])  # passes everything: 100
    mean = (100 - RULES_BY_ID["badge"].weight + 100) / 2
    item = entity_score("mofa")
    assert item.score == round(mean - RULES_BY_ID["core_platforms"].weight - RULES_BY_ID["languages"].weight)
    # What each failing check costs the owner: its own, the weight; a channel's, the weight over 2.
    assert {(rule.id, cost) for rule, _channel, cost in item.costs} == {
        ("core_platforms", 10.0), ("languages", 5.0), ("badge", RULES_BY_ID["badge"].weight / 2)}


def test_an_owner_score_never_falls_below_zero():
    assert owner_score([12, 14], [10, 5]) == 0
    assert owner_score([100], []) == 100


def test_owners_of_1_and_14_channels_failing_the_same_check_score_the_same(make_entity, make_channel, settings):
    """The fair formula (issue 17): size alone neither helps nor hurts."""
    settings.CORE_PLATFORMS = ["x"]
    small = make_entity(slug="small", naming_pattern="", official_domains=[])
    large = make_entity(slug="large", naming_pattern="", official_domains=[])
    values = dict(languages=["ar", "en"], last_certified_at=NOW - timedelta(days=30), refresh_status=RefreshStatus.OK,
                  followers=10, followers_at=NOW, platform_verified=False)  # every channel fails `badge`
    make_channel("https://x.com/smallone", entity=small, **values)
    for n in range(14):
        make_channel(f"https://x.com/largeone{n}", entity=large, description=f"Purpose {n}", **values)
    scores = {item.owner.slug: item for item in assess()}
    assert scores["small"].score == scores["large"].score == 100 - RULES_BY_ID["badge"].weight
    # The old formula took 14 times the weight off the larger one.
    large_badges = [cost for rule, _channel, cost in scores["large"].costs if rule.id == "badge"]
    assert len(large_badges) == 14 and abs(sum(large_badges) - RULES_BY_ID["badge"].weight) < 1e-9


def test_owners_of_1_and_14_channels_failing_active_score_the_same(make_entity, make_channel, settings):
    """Every channel silent for 45 days: the check "active" costs each owner its weight, once."""
    settings.CORE_PLATFORMS = ["x"]
    small = make_entity(slug="small", naming_pattern="", official_domains=[])
    large = make_entity(slug="large", naming_pattern="", official_domains=[])
    values = dict(languages=["ar", "en"], last_certified_at=NOW - timedelta(days=30), refresh_status=RefreshStatus.OK,
                  followers=10, followers_at=NOW, platform_verified=True,
                  last_post_at=NOW - timedelta(days=45), last_post_source=SnapshotSource.API)
    make_channel("https://x.com/smallone", entity=small, **values)
    for n in range(14):
        make_channel(f"https://x.com/largeone{n}", entity=large, description=f"Purpose {n}", **values)
    scores = {item.owner.slug: item for item in assess()}
    assert scores["small"].score == scores["large"].score == 100 - RULES_BY_ID["active"].weight
    assert {rule.id for line in scores["large"].channels for rule in line.failing} == {"active"}


def test_the_monthly_record_says_which_formula_produced_it(exemplary, mofa):
    from accounts.models import CURRENT_SCORE_FORMULA, ScoreFormula

    exemplary()
    old = ScoreRecord.objects.create(month=date(2025, 11, 1), entity=mofa, score=61, formula=ScoreFormula.SUM)
    record_scores(date(2026, 12, 3))
    assert ScoreRecord.objects.get(entity=mofa, month=date(2026, 12, 1)).formula == CURRENT_SCORE_FORMULA
    old.refresh_from_db()
    assert (old.score, old.formula, old.by_current_formula) == (61, ScoreFormula.SUM, False)


def test_every_active_owner_is_ranked_once(make_entity, make_official, mofa, exemplary):
    minister = make_official(entity=mofa)
    exemplary("https://x.com/theminister", official=minister)
    exemplary()
    make_entity(is_active=False)
    owners = assess()
    assert len(owners) == 2
    assert [item.score for item in owners] == sorted((item.score for item in owners), reverse=True)


# --- Not rated: an owner with no channel --------------------------------------------------------------

def test_an_owner_with_no_channel_is_not_rated_nor_ranked_last_with_100(make_entity, make_official, make_channel,
                                                                        exemplary, mofa):
    exemplary(platform_verified=False)  # MOFA has a channel and fails checks: a score below 100
    empty = make_entity(slug="empty", name_en="Aaa Empty Council")
    make_channel("https://x.com/notyetapproved", entity=empty, status=Status.SUBMITTED)  # not official: nothing
    make_official(entity=mofa, slug="lone")
    owners = assess()
    by_slug = {item.owner.slug: item for item in owners}
    for slug in ("empty", "lone"):
        assert by_slug[slug].score is None and not by_slug[slug].rated
        assert by_slug[slug].failing == [] and by_slug[slug].lost == []
    assert by_slug["mofa"].rated and by_slug["mofa"].score < 100
    assert [item.owner.slug for item in owners][0] == "mofa"  # the rated come first, the others after


def test_the_monthly_record_keeps_not_rated_as_no_score(make_entity, exemplary, mofa):
    exemplary()
    empty = make_entity(slug="empty")
    record_scores(date(2026, 11, 5))
    assert ScoreRecord.objects.get(entity=empty).score is None
    assert ScoreRecord.objects.get(entity=mofa).score is not None


# --- Followers measured: staff reports, and new channels ---------------------------------------------

@pytest.mark.parametrize("link", ["https://www.linkedin.com/company/mofauae", "https://www.snapchat.com/add/mofauae"])
def test_a_platform_without_api_is_told_to_report_followers_not_to_give_api_access(exemplary, link):
    channel = exemplary(link, refresh_status=RefreshStatus.REPORTED, followers_at=NOW - timedelta(days=40))
    assert check("measured", channel) is False
    rule = RULES_BY_ID["measured"]
    for language in ("en", "ar"):
        with translation.override(language):
            advice = str(rule.channel_advice(channel))
            generic = str(rule.advice)
            assert "API" not in advice and "API" not in generic
    with translation.override("en"):
        assert "staff page" in str(rule.channel_advice(channel))


def test_telegram_without_a_bot_token_is_told_to_report_followers(exemplary):
    channel = exemplary("https://t.me/mofauae", refresh_status=RefreshStatus.NOT_CONFIGURED, followers=None,
                        followers_at=None)
    with translation.override("en"):
        advice = str(RULES_BY_ID["measured"].channel_advice(channel))
    assert "staff page" in advice and "API" not in advice


def test_a_failing_refresh_is_told_to_look_at_why(exemplary):
    channel = exemplary(refresh_status=RefreshStatus.FAILED)
    with translation.override("en"):
        assert "refreshing fails" in str(RULES_BY_ID["measured"].channel_advice(channel))


def test_a_newly_approved_channel_is_new_not_failing_for_the_grace_period(exemplary, mofa, settings):
    settings.REPORT_NEW_CHANNEL_GRACE_DAYS = 14
    settings.CORE_PLATFORMS = ["x"]
    channel = exemplary(approved_at=NOW - timedelta(hours=2), refresh_status=RefreshStatus.PENDING, followers=None,
                        followers_at=None)
    assert check("measured", channel) == NEW
    item = entity_score("mofa").channels[0]
    assert [rule.id for rule in item.new] == ["measured"] and item.failing == [] and item.score == 100
    channel.approved_at = NOW - timedelta(days=15)
    channel.save()
    assert check("measured", channel) is False
    settings.REPORT_NEW_CHANNEL_GRACE_DAYS = 30
    assert check("measured", channel) == NEW


def test_the_months_scores_are_kept_and_a_rerun_replaces_them(exemplary, mofa, settings):
    settings.CORE_PLATFORMS = ["x"]
    channel = exemplary()
    last_month = date(2026, 10, 15)
    record_scores(last_month)
    Alert.objects.create(channel=channel, kind=AlertKind.NOT_FOUND)
    record_scores(date(2026, 11, 2))
    record_scores(date(2026, 11, 20))  # again this month: replaced, not added
    assert ScoreRecord.objects.filter(entity=mofa).count() == 2
    points = trend(Owner("entity", mofa))
    assert [(p.month, p.score) for p in points] == [
        (date(2026, 10, 1), 100), (date(2026, 11, 1), 100 - RULES_BY_ID["no_alert"].weight),
    ]
    assert points[-1].failing == ["no_alert"]
    assert ScoreRecord.objects.get(channel=channel, month=date(2026, 11, 1)).failing == ["no_alert"]


def test_a_decision_recomputes_the_months_scores(make_channel, make_user, mofa, django_capture_on_commit_callbacks):
    from accounts.services import channel_act

    channel = make_channel("https://x.com/MOFAUAE", entity=mofa, status=Status.SUBMITTED, approved_at=None)
    reviewer = make_user(reviewer=True)
    with django_capture_on_commit_callbacks(execute=True):
        channel_act(actor=reviewer, channel_id=channel.pk, action="approve", two_factor=True)
    month = timezone.localdate().replace(day=1)
    assert ScoreRecord.objects.filter(month=month, channel=channel).exists()
    assert ScoreRecord.objects.filter(month=month, entity=mofa).exists()


def test_a_refresh_recomputes_the_months_scores(exemplary, settings, django_capture_on_commit_callbacks):
    from accounts.monitoring.refresh import refresh_batch
    from tests.platforms.stub import PlatformStub, x_users_by

    channel = exemplary()
    with PlatformStub() as stub, django_capture_on_commit_callbacks(execute=True):
        settings.X_API_BASE_URL, settings.X_BEARER_TOKEN = stub.url, "token"
        stub.route("/2/users/by", x_users_by({"mofauae": 10}))
        refresh_batch([channel.pk])
    record = ScoreRecord.objects.get(channel=channel, month=timezone.localdate().replace(day=1))
    # The refresh read no badge and no website from the stub's profile: both now count against it.
    assert sorted(record.failing) == ["badge", "profile_link"]


def test_a_rolled_back_change_queues_no_recomputation(mofa, django_capture_on_commit_callbacks):
    from django.core.cache import cache
    from django.db import transaction

    from accounts.tasks.report import SCORES_QUEUED, schedule_scores

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            schedule_scores()
            raise RuntimeError("the decision failed")
    assert callbacks == [] and cache.get(SCORES_QUEUED) is None
    with django_capture_on_commit_callbacks(execute=True):
        schedule_scores()
        schedule_scores()  # a second change before the run: still one run
    assert ScoreRecord.objects.filter(entity=mofa).count() == 1
