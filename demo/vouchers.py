"""Demo vouchers for `seed_demo`: a provider registry, this year's policy with the rule set's defaults, and a few
claims of the demo firms at different steps, moved there through the real services (so quotas, events and
notifications are what the portal would have made)."""

import datetime
import hashlib
import itertools
from decimal import Decimal

import numpy as np
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import is_county_staff
from demo.common import aware, office_times
from enterprises.credit_codes import make_credit_code
from enterprises.models import Enterprise, HighTechField, Qualification, QualificationKind
from notifications.models import Notification
from vouchers.models import (
    QUOTA_HOLDING,
    ClaimDocument,
    ClaimEvent,
    ClaimParty,
    ClaimStatus,
    DocumentKind,
    Provider,
    ProviderKind,
    ProviderStatus,
    VoucherBudget,
    VoucherClaim,
    VoucherKind,
    VoucherPolicy,
    VoucherQuota,
)
from vouchers.selectors import budget_committed_by_claims, max_subsidy
from vouchers.services import claim_create, document_add, policy_open
from vouchers.workflows import claim_transition, party_of_move

# (name, kind, fields); credit codes are generated (public institutions: 12 + Pingdingshan's area code).
DEMO_PROVIDERS = (
    ("鹰城理工大学", ProviderKind.UNIVERSITY, [HighTechField.NEW_MATERIALS, HighTechField.ADVANCED_MANUFACTURING]),
    ("平顶山工程学院", ProviderKind.UNIVERSITY, [HighTechField.ELECTRONIC_INFORMATION]),
    ("中原化工新材料研究院", ProviderKind.INSTITUTE, [HighTechField.NEW_MATERIALS]),
    ("平顶山煤矿安全技术研究所", ProviderKind.INSTITUTE, [HighTechField.RESOURCES_ENVIRONMENT]),
    ("河南尼龙新材料中试基地", ProviderKind.INSTITUTE, [HighTechField.NEW_MATERIALS]),
    ("平顶山电气装备研究院", ProviderKind.INSTITUTE, [HighTechField.NEW_ENERGY, HighTechField.ADVANCED_MANUFACTURING]),
    ("鹰城生物医药研究中心", ProviderKind.INSTITUTE, [HighTechField.BIO_MEDICINE]),
    ("平顶山产品质量检验检测中心", ProviderKind.TESTING_BODY, [HighTechField.HIGH_TECH_SERVICES]),
    ("中原计量测试研究院平顶山分院", ProviderKind.TESTING_BODY, [HighTechField.HIGH_TECH_SERVICES]),
    ("平顶山技术转移服务中心", ProviderKind.OTHER, [HighTechField.HIGH_TECH_SERVICES]),
)
# The demo firms whose claims `seed_vouchers` moves through the real services (the history leaves their year alone).
SHOWCASE_USERNAMES = ("firm_sme", "firm_hightech", "firm_small")
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
    b"trailer<</Root 1 0 R>>\n%%EOF\n"  # fmt: skip
# The names a firm gives its scans.
DOCUMENT_NAMES = {
    DocumentKind.CONTRACT: "技术服务合同",
    DocumentKind.INVOICE: "增值税发票",
    DocumentKind.PAYMENT_PROOF: "付款凭证",
    DocumentKind.ACCEPTANCE_REPORT: "验收报告",
}


def clear_vouchers() -> None:
    """Remove every voucher claim, quota, budget, policy and provider (before the registry is replaced)."""
    with transaction.atomic():
        Notification.objects.filter(recipient_enterprise__isnull=False).delete()
        ClaimEvent.objects.all().delete()
        ClaimDocument.objects.all().delete()
        VoucherClaim.objects.all().delete()
        VoucherQuota.objects.all().delete()
        VoucherBudget.objects.all().delete()
        VoucherKind.objects.all().delete()
        VoucherPolicy.objects.all().delete()
        Provider.objects.all().delete()


def seed_vouchers(*, as_of: datetime.date) -> dict:
    providers = Provider.objects.bulk_create(
        Provider(
            credit_code=make_credit_code(f"12410400MB{index:07d}"),
            name=name,
            kind=kind,
            fields=list(fields),
            contact_person="联系人",
            phone=f"0375-{2600000 + index}",
        )
        for index, (name, kind, fields) in enumerate(DEMO_PROVIDERS, start=1)
    )
    admin = User.objects.filter(role=Role.CITY_ADMIN, username="admin").first()
    if admin is None:
        return {"providers": len(providers), "claims": 0}
    policy = VoucherPolicy.objects.filter(year=as_of.year).first() or policy_open(
        year=as_of.year, actor=admin, city_budget=Decimal("20000000")
    )
    users = {user.username: user for user in User.objects.filter(username__in=["city", "xinhua", "ruzhou"])}
    county_staff = {user.county_id: user for user in users.values() if is_county_staff(user)}
    kinds = {kind.code: kind for kind in policy.kinds.all()}
    plans = (
        ("firm_sme", "equipment", None, "400000", "120000", [ClaimStatus.SUBMITTED]),
        ("firm_sme", "result_transfer", providers[2], "300000", "150000", []),
        ("firm_hightech", "equipment", None, "600000", "180000", [ClaimStatus.SUBMITTED, ClaimStatus.COUNTY_APPROVED]),
        ("firm_hightech", "result_transfer", providers[0], "500000", "200000",
         [ClaimStatus.SUBMITTED, ClaimStatus.COUNTY_APPROVED, ClaimStatus.CITY_APPROVED, ClaimStatus.PUBLICITY]),
        ("firm_small", "equipment", None, "200000", "60000", [ClaimStatus.SUBMITTED, ClaimStatus.RETURNED]),
    )  # fmt: skip
    firms = {user.username: user for user in User.objects.filter(username__in={plan[0] for plan in plans})}
    created = 0
    for number, (username, kind, provider, expense, subsidy, steps) in enumerate(plans, start=1):
        firm_user = firms.get(username)
        if firm_user is None or kind not in kinds:
            continue
        claim = claim_create(
            actor=firm_user, policy=policy, kind=kinds[kind], provider=provider,
            supplier_name="" if provider else "平顶山精密仪器设备有限公司",
            contract_number=f"HT{as_of.year}{number:04d}",
            contract_date=datetime.date(as_of.year, 3, number), eligible_expense=Decimal(expense),
            subsidy_requested=Decimal(subsidy), description="演示申请",
        )  # fmt: skip
        created += 1
        if not steps:
            continue
        invoice_number = f"0441{as_of.year}{number:04d}"
        documents = (
            (DocumentKind.CONTRACT, ""),
            (DocumentKind.INVOICE, invoice_number),
            (DocumentKind.PAYMENT_PROOF, ""),
        )
        for document_kind, invoice in documents:
            scan = SimpleUploadedFile(f"{DOCUMENT_NAMES[document_kind]}.pdf", DEMO_PDF)
            document_add(claim=claim, actor=firm_user, kind=document_kind, invoice_number=invoice, uploaded_file=scan)
        actors = {
            ClaimStatus.SUBMITTED: firm_user,
            ClaimStatus.COUNTY_APPROVED: county_staff.get(firm_user.enterprise.county_id),
            ClaimStatus.RETURNED: county_staff.get(firm_user.enterprise.county_id),
            ClaimStatus.CITY_APPROVED: users.get("city"),
            ClaimStatus.PUBLICITY: users.get("city"),
        }
        for step in steps:
            if actors[step] is None:
                break
            try:
                claim = claim_transition(claims=[claim], to=step, actor=actors[step], comment=(
                    "请补充设备验收报告" if step == ClaimStatus.RETURNED else ""))[0]  # fmt: skip
            except (ValidationError, PermissionDenied):
                # Outside the claim window (an old --as-of) or over a cap: the claim stays where it got to.
                break
    return {"providers": len(providers), "claims": created}


# ---------------------------------------------------------------------------------------------------------------
# History (demo.history): last year's policy with its claims, and this year's claims at every step.
#
# Written in bulk, not through claim_transition: the service stamps every step `now` and refuses a submission outside
# the claim window. What the service keeps is kept here and checked afterwards (`check_invariants`): an event per
# step in order, the claim's stamps, each quota row's and budget row's `committed`, the cap and the subsidy ratio.

HISTORY_BUDGET = Decimal("15000000")
# Share of the eligible firms (registered tech-based SMEs that year) that claim, and of those, a second claim.
CLAIMING_SHARE = 0.32
SECOND_CLAIM_SHARE = 0.2
EQUIPMENT_SHARE = 0.6
SUPPLIERS = (
    "平顶山精密仪器设备有限公司", "郑州科析仪器有限公司", "河南中科检测设备有限公司", "洛阳精工试验机有限公司",
    "上海仪电分析仪器有限公司", "北京普析通用仪器有限责任公司",
)  # fmt: skip
EQUIPMENT_WORK = ("购置研发用分析检测仪器", "购置中试线关键测试设备", "购置材料性能试验机", "购置电气安全综合测试系统")
RESULT_TITLES = ("高性能尼龙复合材料制备技术", "煤矿井下智能监测系统", "高效节能电机控制技术", "工业固废资源化利用工艺")
RETURN_COMMENTS = ("请补充设备验收报告", "合同金额与发票金额不一致，请核实后重新提交", "付款凭证不清晰，请重新上传")
REJECT_COMMENTS = ("所购设备不属于研发仪器设备，不在支持范围内", "成果转化合同未经技术合同登记，不予支持")
BUDGET_EXHAUSTED = "本年度创新券预算已用完，不予支持"
OBJECTION_UPHELD = "公示期间收到异议，经核实为关联交易，撤销补助"
WITHDRAWN_COMMENT = "企业主动撤回"
# The moves claim_transition stamps `decided_at` for.
DECISIONS = frozenset(
    {ClaimStatus.COUNTY_APPROVED, ClaimStatus.CITY_APPROVED, ClaimStatus.PUBLICITY, ClaimStatus.RETURNED,
     ClaimStatus.REJECTED}
)  # fmt: skip


def _claim_path(rng, *, created: datetime.date, horizon: datetime.date, window_close: datetime.date) -> list:
    """The steps of one claim as (status, day, comment), from its creation until it is final or the next step would
    come after `horizon`. Each step takes a few days to a few weeks, as reviews do."""
    path, status, day, returns = [(ClaimStatus.DRAFT, created, "")], ClaimStatus.DRAFT, created, 0

    def later(low, high):
        return day + datetime.timedelta(days=int(rng.integers(low, high + 1)))

    while True:
        draw = rng.random()
        if status == ClaimStatus.DRAFT:
            step = (ClaimStatus.WITHDRAWN, later(3, 30), WITHDRAWN_COMMENT) if draw < 0.03 else (
                ClaimStatus.SUBMITTED, min(later(1, 21), window_close), "")  # fmt: skip
            if step[1] <= day:  # created on the window's last day: never submitted
                return path
        elif status == ClaimStatus.SUBMITTED:  # the county's review
            when = later(3, 20)
            if draw < 0.01:
                step = (ClaimStatus.WITHDRAWN, when, WITHDRAWN_COMMENT)
            elif draw < 0.04:
                step = (ClaimStatus.REJECTED, when, REJECT_COMMENTS[int(rng.integers(len(REJECT_COMMENTS)))])
            elif draw < 0.14 and returns < 2:
                step = (ClaimStatus.RETURNED, when, RETURN_COMMENTS[int(rng.integers(len(RETURN_COMMENTS)))])
            else:
                step = (ClaimStatus.COUNTY_APPROVED, when, "")
        elif status == ClaimStatus.RETURNED:  # back with the firm
            step = (ClaimStatus.SUBMITTED, later(5, 25), "") if draw < 0.85 else (
                ClaimStatus.WITHDRAWN, later(5, 40), WITHDRAWN_COMMENT)  # fmt: skip
        elif status == ClaimStatus.COUNTY_APPROVED:  # the city's review
            when = later(5, 25)
            if draw < 0.03:
                step = (ClaimStatus.REJECTED, when, REJECT_COMMENTS[int(rng.integers(len(REJECT_COMMENTS)))])
            elif draw < 0.08 and returns < 2:
                step = (ClaimStatus.RETURNED, when, RETURN_COMMENTS[int(rng.integers(len(RETURN_COMMENTS)))])
            else:
                step = (ClaimStatus.CITY_APPROVED, when, "")
        elif status == ClaimStatus.CITY_APPROVED:  # the city publishes its approvals in batches
            step = (ClaimStatus.PUBLICITY, later(3, 25), "")
        elif status == ClaimStatus.PUBLICITY:  # seven days of public notice, then payment
            step = (ClaimStatus.REJECTED, later(2, 7), OBJECTION_UPHELD) if draw < 0.01 else (
                ClaimStatus.PAID, later(12, 40), "")  # fmt: skip
        else:
            return path
        if step[1] > horizon:
            return path
        status, day = step[0], step[1]
        returns += status == ClaimStatus.RETURNED
        path.append(step)


def _eligible_firms(year: int, as_of: datetime.date) -> dict[int, datetime.date]:
    """Firms registered as tech-based SMEs in `year` (the policy's default eligibility), with the first day they
    could claim: the year's first day, or their registration day that year."""
    rows = Qualification.objects.filter(
        kind=QualificationKind.TECH_SME,
        valid_from__lte=min(datetime.date(year, 12, 31), as_of),
        valid_to__gte=datetime.date(year, 1, 1),
    ).values_list("enterprise_id", "valid_from")
    first: dict[int, datetime.date] = {}
    for firm, valid_from in rows:
        day = max(valid_from, datetime.date(year, 1, 1))
        first[firm] = min(first.get(firm, day), day)
    return first


def _draw_claims(rng, *, policy, eligible: dict, horizon: datetime.date, last_day: datetime.date) -> list[dict]:
    """The claims of one policy year: firms, kinds, amounts (within the subsidy ratio and the firm's yearly cap) and
    each claim's path."""
    kinds = {kind.code: kind for kind in policy.kinds.all()}
    providers = list(Provider.objects.filter(status=ProviderStatus.ACTIVE).order_by("pk"))
    universities = [p for p in providers if p.kind in (ProviderKind.UNIVERSITY, ProviderKind.INSTITUTE)] or providers
    fields = dict(Enterprise.objects.filter(pk__in=list(eligible)).values_list("pk", "high_tech_field"))
    firms = sorted(eligible)
    chosen = sorted(rng.choice(firms, size=round(len(firms) * CLAIMING_SHARE), replace=False)) if firms else []
    claims = []
    for firm in chosen:
        first_day = max(eligible[firm], datetime.date(policy.year, 1, 10))
        if first_day > last_day:
            continue
        count = 2 if rng.random() < SECOND_CLAIM_SHARE else 1
        codes = ["equipment" if rng.random() < EQUIPMENT_SHARE else "result_transfer"]
        codes += [code for code in ("equipment", "result_transfer") if code != codes[0]][: count - 1]
        remaining = policy.annual_cap
        created = first_day + datetime.timedelta(days=int(rng.integers(0, (last_day - first_day).days + 1)))
        for code in codes:
            kind = kinds.get(code)
            if kind is None or created > last_day:
                break
            if code == "equipment":
                expense = float(np.clip(rng.lognormal(np.log(220_000), 0.6), 50_000, 2_000_000))
            else:
                expense = float(np.clip(rng.lognormal(np.log(130_000), 0.6), 30_000, 1_200_000))
            expense = Decimal(int(round(expense, -2)))
            # Firms ask for the ratio's amount in whole hundreds of yuan, within what is left of their cap.
            subsidy = min(max_subsidy(expense=expense, ratio=kind.subsidy_ratio) // 100 * 100, remaining)
            if subsidy < 5000:
                break
            remaining -= subsidy
            provider = None
            if kind.requires_provider:
                matching = [p for p in providers if fields.get(firm) and fields[firm] in p.fields] or universities
                provider = matching[int(rng.integers(len(matching)))]
            contract = datetime.date(policy.year, 1, 1) + datetime.timedelta(
                days=int(rng.integers(0, (created - datetime.date(policy.year, 1, 1)).days + 1))
            )
            claims.append({
                "firm": int(firm), "kind": kind, "provider": provider, "expense": expense, "subsidy": subsidy,
                "contract_date": contract, "created": created,
                "path": _claim_path(rng, created=created, horizon=horizon, window_close=policy.claims_close_on),
            })  # fmt: skip
            created += datetime.timedelta(days=int(rng.integers(30, 120)))
    return claims


def _within_budget(claims: list[dict], *, total: Decimal, committed: Decimal) -> None:
    """Walk the year's city approvals in time order: one that would pass the budget is refused instead (its path
    ends there, rejected). `committed` is what the budget already holds."""
    steps = sorted(
        (day, index, status)
        for index, claim in enumerate(claims)
        for status, day, _comment in claim["path"]
        if status == ClaimStatus.CITY_APPROVED
        or (status == ClaimStatus.REJECTED and claim["path"][-2][0] == ClaimStatus.PUBLICITY)
    )
    for _day, index, status in steps:
        claim = claims[index]
        path = claim["path"]
        if status == ClaimStatus.REJECTED:
            committed -= claim["subsidy"] if path[-2][0] == ClaimStatus.PUBLICITY else 0
            continue
        if not any(step[0] == ClaimStatus.CITY_APPROVED for step in path):
            continue  # refused at an earlier approval of this walk
        if committed + claim["subsidy"] > total:
            position = next(i for i, step in enumerate(path) if step[0] == ClaimStatus.CITY_APPROVED)
            claim["path"] = [*path[:position], (ClaimStatus.REJECTED, path[position][1], BUDGET_EXHAUSTED)]
        else:
            committed += claim["subsidy"]


def _attach_history_documents(rows: list, paths: list, users: dict) -> None:
    """Every claim of the history that was ever submitted carried its policy's required documents (the submit check
    asks for them), uploaded the moment it was submitted. One scan per kind is stored and the rows share it."""
    storage = storages["private"]
    scans = {kind: storage.save(f"vouchers/demo/{kind}.pdf", ContentFile(DEMO_PDF)) for kind in DOCUMENT_NAMES}
    digest = hashlib.sha256(DEMO_PDF).hexdigest()
    documents = []
    for row, steps in zip(rows, paths, strict=True):
        submitted = _last(steps, {ClaimStatus.SUBMITTED})
        if submitted is None:
            continue
        for kind in row.policy.required_documents:
            invoice = f"0441{row.year}H{row.pk:05d}" if kind == DocumentKind.INVOICE else ""
            documents.append(
                ClaimDocument(
                    claim=row,
                    kind=kind,
                    invoice_number=invoice,
                    file=scans.get(kind) or scans[DocumentKind.CONTRACT],
                    original_name=f"{DOCUMENT_NAMES.get(kind, kind)}.pdf",
                    content_type="application/pdf",
                    size=len(DEMO_PDF),
                    sha256=digest,
                    uploaded_by=users[row.enterprise_id],
                )
            )
    ClaimDocument.objects.bulk_create(documents, batch_size=2000)
    # uploaded_at was stamped by the insert: the moment of the claim's submission instead.
    submitted_at = {row.pk: _last(steps, {ClaimStatus.SUBMITTED}) for row, steps in zip(rows, paths, strict=True)}
    for document in documents:
        document.uploaded_at = submitted_at[document.claim_id]
    ClaimDocument.objects.bulk_update(documents, ["uploaded_at"], batch_size=2000)


def seed_voucher_history(*, as_of: datetime.date, seed: int, actors: dict) -> dict:
    """Last year's policy (the rule set's kinds, a budget) with its claims, nearly all paid by now; this year's
    claims spread over the year up to `as_of`, at every step. The demo firms' showcase claims stay as they are."""
    rng = np.random.default_rng(seed + 53)
    admin = actors["admin"]
    last_year = VoucherPolicy.objects.filter(year=as_of.year - 1).first() or policy_open(
        year=as_of.year - 1, actor=admin, city_budget=HISTORY_BUDGET
    )
    # Opened in the December before its year, like this year's (policies are announced before the window opens).
    VoucherPolicy.objects.filter(pk=last_year.pk).update(
        created_at=aware(datetime.date(as_of.year - 2, 12, 15)), updated_at=aware(datetime.date(as_of.year - 2, 12, 15))
    )
    this_year = VoucherPolicy.objects.filter(year=as_of.year).first()
    showcase = set(User.objects.filter(username__in=SHOWCASE_USERNAMES).values_list("enterprise_id", flat=True))
    claims = {}
    for policy, last_day in ((last_year, datetime.date(as_of.year - 1, 12, 10)), (this_year, as_of)):
        if policy is None:
            continue
        eligible = _eligible_firms(policy.year, as_of)
        if policy.year == as_of.year:
            eligible = {firm: day for firm, day in eligible.items() if firm not in showcase}
        drawn = _draw_claims(rng, policy=policy, eligible=eligible, horizon=as_of, last_day=last_day)
        budget = VoucherBudget.objects.filter(year=policy.year).first()
        if budget is not None:
            _within_budget(drawn, total=budget.total, committed=budget.committed)
        claims[policy] = drawn
    written = _write_claims(rng, claims, actors=actors)
    problems = check_invariants()
    if problems:
        raise RuntimeError("Demo voucher history breaks the vouchers' invariants: " + "; ".join(problems[:5]))
    return {"voucher_claims": written}


def _write_claims(rng, claims: dict, *, actors: dict) -> dict:
    """Insert the drawn claims with their events, the firms' accounts that made them, the quota rows and the
    budgets' committed amounts, in bulk."""
    firms = {claim["firm"] for drawn in claims.values() for claim in drawn}
    users = _enterprise_users(rng, firms, claims)
    county_of = dict(Enterprise.objects.filter(pk__in=list(firms)).values_list("pk", "county_id"))
    city = actors["city"]
    rows, paths, serial = [], [], 0
    for policy, drawn in claims.items():
        for claim in drawn:
            serial += 1
            times = office_times(rng, [day for _status, day, _comment in claim["path"]])
            steps = [(status, at, comment) for (status, _day, comment), at in zip(claim["path"], times, strict=True)]
            status = steps[-1][0]
            provider = claim["provider"]
            kind = claim["kind"]
            work = EQUIPMENT_WORK[serial % len(EQUIPMENT_WORK)]
            rows.append(VoucherClaim(
                enterprise_id=claim["firm"], policy=policy, year=policy.year, kind=kind, provider=provider,
                supplier_name="" if provider else SUPPLIERS[serial % len(SUPPLIERS)],
                contract_number=f"KJCX{policy.year}{serial:05d}", contract_date=claim["contract_date"],
                eligible_expense=claim["expense"], subsidy_requested=claim["subsidy"],
                description=(f"受让{provider.name}“{RESULT_TITLES[serial % len(RESULT_TITLES)]}”成果并实施转化"
                             if provider else f"{work}，用于新产品研发"),
                status=status, created_by=users[claim["firm"]],
                submitted_at=_last(steps, {ClaimStatus.SUBMITTED}),
                decided_at=_last(steps, DECISIONS),
                paid_at=_last(steps, {ClaimStatus.PAID}), last_comment=steps[-1][2],
            ))  # fmt: skip
            paths.append(steps)
    VoucherClaim.objects.bulk_create(rows, batch_size=1000)
    if rows and rows[0].pk is None:
        ids = dict(VoucherClaim.objects.filter(contract_number__startswith="KJCX").values_list("contract_number", "pk"))
        for row in rows:
            row.pk = ids[row.contract_number]
    # created_at / updated_at were stamped by the insert: the claim's first and last steps instead.
    for row, steps in zip(rows, paths, strict=True):
        row.created_at, row.updated_at = steps[0][1], steps[-1][1]
    VoucherClaim.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=1000)
    events = []
    for row, steps in zip(rows, paths, strict=True):
        previous = ""
        for status, at, comment in steps:
            party = party_of_move(previous, status) or ClaimParty.ENTERPRISE
            actor = {ClaimParty.ENTERPRISE: users[row.enterprise_id], ClaimParty.CITY: city}.get(
                party, actors.get(county_of[row.enterprise_id]) or city
            )
            events.append(ClaimEvent(claim=row, from_state=previous, to_state=status, actor=actor, at=at,
                                     note=comment))  # fmt: skip
            previous = status
    ClaimEvent.objects.bulk_create(events, batch_size=2000)
    _attach_history_documents(rows, paths, users)

    # Quota rows: one per firm and year with a claim that was ever submitted (as claim_transition creates them),
    # committing the claims under review, approved or paid.
    committed: dict[tuple[int, int], Decimal] = {}
    for row, steps in zip(rows, paths, strict=True):
        if any(status == ClaimStatus.SUBMITTED for status, _at, _comment in steps):
            key = (row.enterprise_id, row.year)
            committed[key] = committed.get(key, Decimal(0)) + (
                row.subsidy_requested if row.status in QUOTA_HOLDING else Decimal(0)
            )
    caps = {policy.year: policy.annual_cap for policy in claims}
    VoucherQuota.objects.bulk_create(
        VoucherQuota(enterprise_id=firm, year=year, cap=caps[year], committed=amount)
        for (firm, year), amount in sorted(committed.items())
    )
    for policy in claims:
        VoucherBudget.objects.filter(year=policy.year).update(
            committed=budget_committed_by_claims(year=policy.year), updated_at=timezone.now()
        )
    counts = {}
    for row in rows:
        counts.setdefault(row.year, {}).setdefault(row.status, 0)
        counts[row.year][row.status] += 1
    return counts


def _last(steps, statuses):
    times = [at for status, at, _comment in steps if status in statuses]
    return times[-1] if times else None


def _enterprise_users(rng, firms: set[int], claims: dict) -> dict[int, User]:
    """The account of each claiming firm: its existing one, or one made as the account service does (the credit
    code as username), without a password, joined some weeks before its first claim."""
    users = {}
    for user in User.objects.filter(enterprise_id__in=list(firms), role=Role.ENTERPRISE).order_by("pk"):
        users.setdefault(user.enterprise_id, user)
    first_claim = {}
    for drawn in claims.values():
        for claim in drawn:
            first_claim[claim["firm"]] = min(first_claim.get(claim["firm"], claim["created"]), claim["created"])
    missing = sorted(firms - set(users))
    unusable = make_password(None)
    joined = office_times(
        rng, [first_claim[firm] - datetime.timedelta(days=int(rng.integers(7, 60))) for firm in missing]
    )
    firms_by_pk = Enterprise.objects.in_bulk(missing)
    created = User.objects.bulk_create(
        User(
            username=firms_by_pk[firm].credit_code, role=Role.ENTERPRISE, enterprise_id=firm,
            first_name=firms_by_pk[firm].contact_person[:150], phone=firms_by_pk[firm].contact_phone,
            password=unusable, date_joined=date_joined,
        )
        for firm, date_joined in zip(missing, joined, strict=True)
    )  # fmt: skip
    if created and created[0].pk is None:
        created = list(User.objects.filter(enterprise_id__in=missing, role=Role.ENTERPRISE))
    users.update({user.enterprise_id: user for user in created})
    return users


def check_invariants() -> list[str]:
    """What the vouchers module relies on, checked over every claim of every year (a few queries): each claim's
    events form a path of allowed moves in time order ending in its status, with its stamps; each quota row
    commits exactly its firm-year's claims under review, approved or paid, within the cap; each budget commits
    exactly the year's city-approved, noticed and paid claims, within its total; a subsidy within the ratio."""
    problems = []
    claims = {
        claim.pk: claim
        for claim in VoucherClaim.objects.select_related("kind", "policy").only(
            "pk", "enterprise_id", "year", "status", "eligible_expense", "subsidy_requested", "submitted_at",
            "decided_at", "paid_at", "provider_id", "kind__subsidy_ratio", "kind__requires_provider",
            "policy__annual_cap",
        )
    }  # fmt: skip
    paths: dict[int, list] = {}
    for claim_id, from_status, to_status, at in ClaimEvent.objects.order_by("claim_id", "at", "pk").values_list(
        "claim_id", "from_state", "to_state", "at"
    ):
        paths.setdefault(claim_id, []).append((from_status, to_status, at))
    holding: dict[tuple[int, int], Decimal] = {}
    for pk, claim in claims.items():
        path = paths.get(pk, [])
        if not path or path[0][:2] != ("", ClaimStatus.DRAFT):
            problems.append(f"claim {pk}: no creation event")
            continue
        for (_f1, to1, _at1), (from2, to2, _at2) in itertools.pairwise(path):
            if from2 != to1 or party_of_move(from2, to2) is None:
                problems.append(f"claim {pk}: {from2} → {to2} after {to1}")
        if path[-1][1] != claim.status:
            problems.append(f"claim {pk}: status {claim.status}, last event {path[-1][1]}")
        stamps = [
            [at for _f, to, at in path if to in statuses]
            for statuses in ({ClaimStatus.SUBMITTED}, DECISIONS, {ClaimStatus.PAID})
        ]
        if (claim.submitted_at, claim.decided_at, claim.paid_at) != tuple(at[-1] if at else None for at in stamps):
            problems.append(f"claim {pk}: submitted_at, decided_at or paid_at differ from its events")
        ceiling = max_subsidy(expense=claim.eligible_expense, ratio=claim.kind.subsidy_ratio)
        if claim.subsidy_requested is not None and ceiling is not None and claim.subsidy_requested > ceiling:
            problems.append(f"claim {pk}: subsidy above the ratio")
        if claim.kind.requires_provider and claim.status in QUOTA_HOLDING and claim.provider_id is None:
            problems.append(f"claim {pk}: result transfer without a registered provider")
        if claim.status in QUOTA_HOLDING:
            key = (claim.enterprise_id, claim.year)
            holding[key] = holding.get(key, Decimal(0)) + claim.subsidy_requested
    quotas = {(q.enterprise_id, q.year): q for q in VoucherQuota.objects.all()}
    for key in set(quotas) | set(holding):
        quota = quotas.get(key)
        if quota is None:
            problems.append(f"firm {key[0]} {key[1]}: claims hold {holding[key]} without a quota row")
        elif quota.committed != holding.get(key, Decimal(0)) or quota.committed > quota.cap:
            problems.append(f"firm {key[0]} {key[1]}: quota {quota.committed}, claims {holding.get(key, 0)}")
    for budget in VoucherBudget.objects.all():
        granted = budget_committed_by_claims(year=budget.year)
        if budget.committed != granted or budget.committed > budget.total:
            problems.append(f"budget {budget.year}: committed {budget.committed}, claims {granted}")
    return problems
