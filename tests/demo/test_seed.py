import datetime

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from audit.models import AccessEvent
from demo.common import DEMO_PASSWORD
from demo.firms import DEMO_USERS, fingerprint
from enterprises.credit_codes import passes_check
from enterprises.models import AnnualIndicator, Enterprise, Qualification, QualificationKind
from enterprises.selectors import valid_qualifications
from rulesets import get_ruleset

AS_OF = datetime.date(2026, 11, 26)


def _seed(firms, seed, reset=False):
    call_command("seed_demo", firms=firms, seed=seed, as_of=AS_OF, reset=reset, stdout=None)


def test_seed_same_seed_gives_same_data(db):
    _seed(400, seed=7)
    first = fingerprint()
    _seed(400, seed=7, reset=True)
    assert fingerprint() == first
    _seed(400, seed=8, reset=True)
    assert fingerprint() != first


def test_reset_empties_the_access_log_that_keeps_the_demo_accounts(db):
    _seed(50, seed=1)
    reader = User.objects.get(username=DEMO_USERS[0].username)
    AccessEvent.objects.create(actor=reader, kind=AccessEvent.Kind.EXPORT, what="企业名录", rows=50)
    _seed(50, seed=1, reset=True)
    assert not AccessEvent.objects.exists()
    assert User.objects.filter(username=DEMO_USERS[0].username).exists()


def test_seed_refuses_to_overwrite_without_reset(db):
    _seed(50, seed=1)
    with pytest.raises(CommandError, match="--reset"):
        _seed(50, seed=1)
    call_command("seed_demo", firms=50, seed=2, as_of=AS_OF, if_empty=True)
    assert Enterprise.objects.count() == 50


def test_seed_city_of_11000_has_the_bureaus_proportions(db):
    _seed(11000, seed=2026)
    assert Enterprise.objects.count() == 11000
    assert AnnualIndicator.objects.count() == 33000
    valid = valid_qualifications(on=AS_OF)
    tech_sme = valid.filter(kind=QualificationKind.TECH_SME).values("enterprise").distinct().count()
    high_tech = valid.filter(kind=QualificationKind.HIGH_TECH).values("enterprise").distinct().count()
    gazelle_or_srdi = (
        valid.filter(
            kind__in=[QualificationKind.GAZELLE, QualificationKind.SRDI_PROVINCIAL, QualificationKind.SRDI_NATIONAL]
        )
        .values("enterprise")
        .distinct()
        .count()
    )
    assert 630 <= tech_sme <= 770, tech_sme
    assert 360 <= high_tech <= 440, high_tech
    assert 24 <= gazelle_or_srdi <= 120, gazelle_or_srdi
    # Most firms have no R&D at all.
    no_rd = AnnualIndicator.objects.filter(year=AS_OF.year - 1, rd_expense=0).count()
    assert no_rd > 11000 * 0.55
    # Some sit just below the above-scale line: within 7% under it.
    line = get_ruleset().above_scale_min_revenue
    just_below = AnnualIndicator.objects.filter(
        year=AS_OF.year - 1, revenue__lt=line, revenue__gte=line * 93 / 100
    ).count()
    assert just_below >= 50
    codes = list(Enterprise.objects.values_list("credit_code", "county__code"))
    assert all(passes_check(code) and code[2:8] == county for code, county in codes)


def test_gazelle_firms_come_in_yearly_batches_so_a_year_ago_differs_from_today(db):
    _seed(3000, seed=2026)
    a_year_ago = AS_OF.replace(year=AS_OF.year - 1)

    def gazelles(on):
        return set(
            valid_qualifications(on=on).filter(kind=QualificationKind.GAZELLE).values_list("enterprise", flat=True)
        )

    now, then = gazelles(AS_OF), gazelles(a_year_ago)
    batches = set(Qualification.objects.filter(kind=QualificationKind.GAZELLE).values_list("valid_from", flat=True))
    assert batches == {datetime.date(year, 7, 1) for year in (AS_OF.year - 2, AS_OF.year - 1, AS_OF.year)}
    assert now - then and then - now and now & then  # this year's batch; the lapsed one; last year's in both


def test_seed_creates_one_demo_user_per_role(db):
    _seed(300, seed=3)
    roles = set(User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("role", flat=True))
    assert roles == set(Role.values)
    firm_user = User.objects.get(username="firm_hightech")
    assert firm_user.enterprise.qualifications.filter(kind=QualificationKind.HIGH_TECH).exists()
    assert firm_user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="xinhua").county.code == "410402"
