"""Demo vouchers for `seed_demo`: a provider registry, this year's policy with the rule set's defaults, and a few
claims of the demo firms at different steps, moved there through the real services (so quotas, events and
notifications are what the portal would have made)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import Role, User
from enterprises.credit_codes import make_credit_code
from enterprises.models import HighTechField
from notifications.models import Notification
from vouchers.models import (
    ClaimDocument,
    ClaimEvent,
    ClaimStatus,
    DocumentKind,
    Provider,
    ProviderKind,
    VoucherBudget,
    VoucherClaim,
    VoucherKind,
    VoucherPolicy,
    VoucherQuota,
)
from vouchers.services import claim_create, claim_transition, document_add, policy_open

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
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
    b"trailer<</Root 1 0 R>>\n%%EOF\n"  # fmt: skip


def clear() -> None:
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


def seed(*, as_of: datetime.date) -> dict:
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
    county_staff = {user.county_id: user for user in users.values() if user.role == Role.COUNTY_STAFF}
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
            document_add(claim=claim, actor=firm_user, kind=document_kind, invoice_number=invoice,
                         uploaded_file=SimpleUploadedFile(f"{document_kind}.pdf", DEMO_PDF))  # fmt: skip
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
