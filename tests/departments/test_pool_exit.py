"""The registration extract to the pool, end to end: a certified firm the extract reports 注销 and a firm it reports
迁出 leave their tiers at the next night's run, each with its own cause, and their officers are released; the firms
it reports 存续 stay where they were, with their officer."""

import datetime

from cultivation.models import MovementCause, TierMovement, TierPlacement
from enterprises.importing.kinds import get_kind
from enterprises.models import ImportJob
from officers.models import Assignment
from tests.departments import samples
from tests.officers import factories as officer_factories
from tests.scoring.conftest import RUN_DAY, city, run_scoring  # noqa: F401 (fixtures)

Kind = ImportJob.Kind


def test_extract_closing_and_moving_firms_moves_them_out_of_the_pool(city, run_scoring, upload, commit, city_staff):  # noqa: F811
    run_scoring()
    certified = city["home"][0]
    moving = next(f for f in city["all"][1:] if TierPlacement.objects.get(enterprise=f).tier in ("t1", "t2"))
    staying = next(f for f in city["all"][1:] if f.pk != moving.pk)
    before = dict(TierPlacement.objects.values_list("enterprise_id", "tier"))
    assert before[certified.pk] == "t3"
    officer = officer_factories.officer(county_code=None)
    for firm in (certified, moving, staying):
        officer_factories.assign(firm, officer)
    row = {"founded": "2015-01-01", "industry": "3411", "authority": "平顶山市新华区市场监督管理局", "county": "新华区"}
    rows = [
        {**row, "code": certified.credit_code, "name": certified.name, "status": "注销"},
        {**row, "code": moving.credit_code, "name": moving.name, "status": "迁出"},
        {**row, "code": staying.credit_code, "name": staying.name, "status": "存续"},
    ]
    job = upload(samples.registration_extract(rows), kind=Kind.DEPT_REGISTRATION, user=city_staff, as_of=RUN_DAY)
    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert get_kind(job.kind).creates_firms
    job = commit(job, user=city_staff)
    assert job.status == ImportJob.Status.COMMITTED, job.message

    second = run_scoring(on=RUN_DAY + datetime.timedelta(days=1))

    moves = set(TierMovement.objects.filter(run=second).values_list("enterprise_id", "to_tier", "cause"))
    assert moves == {
        (certified.pk, "outside", MovementCause.CLOSED),
        (moving.pk, "outside", MovementCause.MOVED_OUT),
    }
    after = dict(TierPlacement.objects.values_list("enterprise_id", "tier"))
    assert after[staying.pk] == before[staying.pk]
    ended = dict(Assignment.objects.filter(ended_at__isnull=False).values_list("enterprise_id", "end_reason"))
    assert set(ended) == {certified.pk, moving.pk}
    assert all("迁出" in reason or "注销" in reason for reason in ended.values()), ended
    assert Assignment.objects.get(ended_at__isnull=True).enterprise_id == staying.pk
    officer.refresh_from_db()
    assert officer.load == 1
