"""Demo patent registers (seed_demo): the certified high-tech firms of the demo city keep a register matching their
latest indicators' IP counts, with a few high-value patents, transfers, licences and lapses; deterministic."""

import datetime
from decimal import Decimal

import numpy as np
from django.db import transaction

from enterprises.models import AnnualIndicator, Qualification, QualificationKind
from ip.models import IpKind, LegalStatus, Patent
from ip.services import evaluate_patents

TITLES = ("一种智能控制装置", "一种高强度合金材料的制备方法", "一种节能型电机", "一种检测系统及方法",
          "一种环保处理工艺", "一种自动化生产线", "一种复合材料及其应用", "一种数据处理方法")  # fmt: skip


def _day(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=int(rng.integers(0, max(1, (end - start).days))))


def seed_patents(*, seed: int, as_of: datetime.date) -> int:
    """Registers for the firms holding a valid high-tech certificate on `as_of`. Returns the rights written."""
    rng = np.random.default_rng(seed + 9)
    certified = set(
        Qualification.objects.filter(
            kind=QualificationKind.HIGH_TECH, valid_from__lte=as_of, valid_to__gte=as_of
        ).values_list("enterprise_id", flat=True)
    )
    latest = {}
    for firm, _year, inventions, utility, designs in (
        AnnualIndicator.objects.filter(enterprise_id__in=certified)
        .order_by("enterprise_id", "year")
        .values_list("enterprise_id", "year", "invention_patents", "utility_models", "designs")
    ):
        latest[firm] = (inventions, utility, designs)
    patents, serial = [], 0
    for firm in sorted(latest):
        inventions, utility, designs = latest[firm]
        kinds = [IpKind.INVENTION] * inventions + [IpKind.UTILITY_MODEL] * utility + [IpKind.DESIGN] * designs
        for kind in kinds[:40]:
            serial += 1
            filed = _day(rng, datetime.date(2006, 1, 1), as_of - datetime.timedelta(days=800))
            type_digit = {IpKind.INVENTION: 1, IpKind.UTILITY_MODEL: 2, IpKind.DESIGN: 3}[kind]
            patent = Patent(
                enterprise_id=firm, kind=kind, number=f"{filed.year}{type_digit}{serial:07d}.{serial % 10}",
                title=TITLES[serial % len(TITLES)], filed_on=filed,
                granted_on=filed + datetime.timedelta(days=int(rng.integers(180, 760))),
                legal_status=LegalStatus.VALID, claims=int(rng.integers(1, 16)), ipc=f"G0{serial % 9 + 1}B",
                strategic_emerging=bool(rng.random() < 0.2), foreign_family_granted=int(rng.random() < 0.05),
                pledged_amount=Decimal(int(rng.choice([0, 0, 0, 0, 3_000_000, 12_000_000]))),
            )  # fmt: skip
            draw = rng.random()
            if draw < 0.04:
                patent.acquired_on = _day(rng, patent.granted_on, as_of)
                patent.acquired_from = "河南某大学"
            elif draw < 0.07:
                patent.licence_count, patent.licensed_on, patent.licensee = (
                    1,
                    _day(rng, patent.granted_on, as_of),
                    "平顶山某制造有限公司",
                )
            patents.append(patent)
        if kinds and rng.random() < 0.08:  # an invention lost recently: a warning to look at
            serial += 1
            filed = datetime.date(2015, 3, 1)
            lost = Patent(enterprise_id=firm, kind=IpKind.INVENTION, number=f"20151{serial:07d}.{serial % 10}",
                          title=TITLES[serial % len(TITLES)], filed_on=filed, granted_on=datetime.date(2017, 6, 1),
                          claims=5, legal_status=LegalStatus.VALID)  # fmt: skip
            if rng.random() < 0.5:
                lost.transferred_out_on, lost.transferred_to = as_of - datetime.timedelta(days=40), "外省某科技公司"
            else:
                lost.legal_status, lost.status_on = LegalStatus.LAPSED, as_of - datetime.timedelta(days=60)
            patents.append(lost)
    with transaction.atomic():
        Patent.objects.bulk_create(patents, batch_size=5000)
        evaluate_patents(on=as_of)
    return len(patents)
