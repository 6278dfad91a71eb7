"""Voucher test data: a policy of this year (window open today), providers, firms eligible for it, and claims at
any status, moved there through the real transition function."""

import datetime
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from enterprises.credit_codes import make_credit_code
from enterprises.models import QualificationKind
from tests import factories
from vouchers.models import ClaimStatus, DocumentKind, Provider, VoucherPolicy
from vouchers.services import claim_create, document_add, policy_open
from vouchers.workflows import claim_transition

YEAR = timezone.localdate().year
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
# A Windows executable's first bytes ("MZ" header).
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    credit_code = factory.Sequence(lambda n: make_credit_code(f"12410400{n:09d}"))
    name = factory.Sequence(lambda n: f"平顶山测试大学{n:03d}")
    kind = Provider.Kind.UNIVERSITY
    fields = ["new_materials"]


def policy(*, actor=None, **fields) -> VoucherPolicy:
    actor = actor or factories.make_user(Role.CITY_ADMIN)
    return policy_open(year=YEAR, actor=actor, **fields)


def eligible_firm(*, county_code: str = "410402"):
    firm = factories.EnterpriseFactory(county=factories.county(county_code))
    factories.QualificationFactory(
        enterprise=firm, kind=QualificationKind.TECH_SME, valid_from=datetime.date(YEAR, 1, 1),
        valid_to=datetime.date(YEAR, 12, 31),
    )  # fmt: skip
    return firm


def firm_user(firm):
    return factories.make_user(Role.ENTERPRISE, enterprise=firm)


def upload(content: bytes = PDF, name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


_invoice_numbers = iter(range(10_000_000, 99_999_999))


def attach_documents(claim, user, *, invoice_number: str | None = None) -> None:
    number = invoice_number or f"INV{next(_invoice_numbers)}"
    document_add(claim=claim, actor=user, kind=DocumentKind.CONTRACT, uploaded_file=upload())
    document_add(claim=claim, actor=user, kind=DocumentKind.INVOICE, uploaded_file=upload(), invoice_number=number)
    document_add(claim=claim, actor=user, kind=DocumentKind.PAYMENT_PROOF, uploaded_file=upload(PNG, "paid.png"))


def draft(policy, user, *, kind: str = "equipment", expense="100000", subsidy="30000", provider=None,
          documents: bool = True, **fields):  # fmt: skip
    kinds = {k.code: k for k in policy.kinds.all()}
    values = {
        "kind": kinds[kind],
        "provider": provider,
        "supplier_name": "" if provider else "平顶山仪器设备有限公司",
        "contract_number": f"HT-{YEAR}-{next(_invoice_numbers)}",
        "contract_date": datetime.date(YEAR, 1, 15),
        "eligible_expense": Decimal(expense),
        "subsidy_requested": Decimal(subsidy),
        **fields,
    }
    claim = claim_create(actor=user, policy=policy, **values)
    if documents:
        attach_documents(claim, user)
    return claim


# From draft to each status, and who takes each step ("enterprise", "county", "city").
PATHS = {
    ClaimStatus.DRAFT: [],
    ClaimStatus.SUBMITTED: [(ClaimStatus.SUBMITTED, "enterprise")],
    ClaimStatus.COUNTY_APPROVED: [(ClaimStatus.SUBMITTED, "enterprise"), (ClaimStatus.COUNTY_APPROVED, "county")],
    ClaimStatus.CITY_APPROVED: [
        (ClaimStatus.SUBMITTED, "enterprise"), (ClaimStatus.COUNTY_APPROVED, "county"),
        (ClaimStatus.CITY_APPROVED, "city"),
    ],
    ClaimStatus.PUBLICITY: [
        (ClaimStatus.SUBMITTED, "enterprise"), (ClaimStatus.COUNTY_APPROVED, "county"),
        (ClaimStatus.CITY_APPROVED, "city"), (ClaimStatus.PUBLICITY, "city"),
    ],
    ClaimStatus.PAID: [
        (ClaimStatus.SUBMITTED, "enterprise"), (ClaimStatus.COUNTY_APPROVED, "county"),
        (ClaimStatus.CITY_APPROVED, "city"), (ClaimStatus.PUBLICITY, "city"), (ClaimStatus.PAID, "city"),
    ],
    ClaimStatus.RETURNED: [(ClaimStatus.SUBMITTED, "enterprise"), (ClaimStatus.RETURNED, "county")],
    ClaimStatus.REJECTED: [(ClaimStatus.SUBMITTED, "enterprise"), (ClaimStatus.REJECTED, "county")],
    ClaimStatus.WITHDRAWN: [(ClaimStatus.WITHDRAWN, "enterprise")],
}  # fmt: skip


def move(claim, path, actors: dict, comment: str = "reason"):
    for to, party in path:
        claim = claim_transition(claims=[claim], to=to, actor=actors[party], comment=comment)[0]
    return claim
