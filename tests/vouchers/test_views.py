import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.vouchers import factories as vf
from vouchers.models import ClaimStatus, Provider, VoucherClaim, VoucherKind, VoucherPolicy, VoucherQuota


def _claims(world, actors, status, count, user="enterprise"):
    return [vf.move(vf.draft(world["policy"], world[user]), vf.PATHS[status], actors) for _ in range(count)]


def test_enterprise_pages_show_quota_claims_and_public_labels(client, voucher_world, actors):
    world = voucher_world
    claim = _claims(world, actors, ClaimStatus.COUNTY_APPROVED, 1)[0]
    client.force_login(world["enterprise"])
    assert client.get(reverse("vouchers:index")).url == reverse("vouchers:my-claims")
    html = client.get(reverse("vouchers:my-claims"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert claim.reference in html
    assert 'id="quota-' in html
    page = client.get(reverse("vouchers:claim", args=[claim.pk])).content.decode()
    assert 'data-status="county_approved"' in page
    assert 'id="claim-checks"' not in page  # reviewers' findings are not shown to the firm
    assert client.get(reverse("vouchers:queue")).status_code == 403


def test_new_claim_page_saves_a_draft_and_the_firm_submits_it(client, voucher_world):
    world = voucher_world
    client.force_login(world["enterprise"])
    kind = VoucherKind.objects.get(policy=world["policy"], code="equipment")
    assert client.get(reverse("vouchers:claim-new")).status_code == 200
    response = client.post(reverse("vouchers:claim-new"), {
        "year": world["policy"].year, "kind": kind.pk, "supplier_name": "仪器公司", "contract_number": "HT-1",
        "contract_date": f"{vf.YEAR}-03-01", "eligible_expense": "200000", "subsidy_requested": "60000",
    })  # fmt: skip
    claim = VoucherClaim.objects.get()
    assert response.url == reverse("vouchers:claim", args=[claim.pk])
    url = reverse("vouchers:claim-transition", args=[claim.pk])
    client.post(url, {"to": "submitted"})
    assert VoucherClaim.objects.get().status == ClaimStatus.DRAFT  # no documents yet
    vf.attach_documents(claim, world["enterprise"])
    client.post(url, {"to": "submitted"})
    assert VoucherClaim.objects.get().status == ClaimStatus.SUBMITTED


def test_county_review_through_the_pages(client, voucher_world, actors):
    world = voucher_world
    mine = _claims(world, actors, ClaimStatus.SUBMITTED, 2)
    theirs = _claims(world, actors | {"enterprise": world["other_enterprise"]}, ClaimStatus.SUBMITTED, 1,
                     "other_enterprise")  # fmt: skip
    client.force_login(world["county"])
    html = client.get(reverse("vouchers:queue")).content.decode()
    assert all(claim.reference in html for claim in mine) and theirs[0].reference not in html
    assert client.get(reverse("vouchers:claim", args=[theirs[0].pk])).status_code == 404
    assert (
        client.post(reverse("vouchers:claim-transition", args=[theirs[0].pk]), {"to": "county_approved"}).status_code
        == 404
    )
    page = client.get(reverse("vouchers:claim", args=[mine[0].pk])).content.decode()
    assert 'id="move-county_approved"' in page and 'id="claim-checks"' in page
    client.post(reverse("vouchers:claim-transition", args=[mine[0].pk]), {"to": "county_approved"})
    client.post(reverse("vouchers:claim-transition", args=[mine[1].pk]), {"to": "returned", "comment": "发票不清晰"})
    assert dict(VoucherClaim.objects.filter(pk__in=[c.pk for c in mine]).values_list("pk", "status")) == {
        mine[0].pk: ClaimStatus.COUNTY_APPROVED, mine[1].pk: ClaimStatus.RETURNED,
    }  # fmt: skip
    assert VoucherClaim.objects.get(pk=theirs[0].pk).status == ClaimStatus.SUBMITTED


def test_leaders_read_but_cannot_act(client, voucher_world, actors):
    world = voucher_world
    claim = _claims(world, actors, ClaimStatus.COUNTY_APPROVED, 1)[0]
    client.force_login(world["leader"])
    assert client.get(reverse("vouchers:index")).url == reverse("vouchers:claims")
    assert claim.reference in client.get(reverse("vouchers:claims")).content.decode()
    page = client.get(reverse("vouchers:claim", args=[claim.pk])).content.decode()
    assert 'id="transition-form"' not in page
    client.post(reverse("vouchers:claim-transition", args=[claim.pk]), {"to": "city_approved"})
    assert VoucherClaim.objects.get(pk=claim.pk).status == ClaimStatus.COUNTY_APPROVED
    assert client.get(reverse("vouchers:publicity")).status_code == 200
    assert client.post(reverse("vouchers:publicity"), {"to": "paid", "claim": [claim.pk]}).status_code == 403


def test_publicity_bulk_steps_and_export(client, voucher_world, actors):
    world = voucher_world
    approved = _claims(world, actors, ClaimStatus.CITY_APPROVED, 3)
    client.force_login(world["city"])
    client.post(reverse("vouchers:publicity"), {"to": "publicity", "claim": [c.pk for c in approved]})
    assert set(VoucherClaim.objects.values_list("status", flat=True)) == {ClaimStatus.PUBLICITY}
    response = client.get(reverse("vouchers:publicity"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]]
    assert sorted(row[1] for row in rows) == sorted(c.reference for c in approved)
    assert {row[3] for row in rows} == {world["firm"].credit_code}
    client.post(reverse("vouchers:publicity"), {"to": "paid", "claim": [c.pk for c in approved[:2]]})
    assert sorted(VoucherClaim.objects.values_list("status", flat=True)) == ["paid", "paid", "publicity"]


def test_policy_pages_are_edited_by_the_city_admin_only(client, voucher_world):
    world = voucher_world
    url = reverse("vouchers:policy", args=[world["policy"].year])
    client.force_login(world["city"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"annual_cap": "1"}).status_code == 403
    client.force_login(world["admin"])
    response = client.post(url, {
        "eligible_qualifications": ["tech_sme", "high_tech"], "annual_cap": "400000", "city_budget": "2000000",
        "claims_open_on": f"{vf.YEAR}-01-01", "claims_close_on": f"{vf.YEAR}-12-31", "notes": "",
        "required_documents": ["contract", "invoice"],
    })  # fmt: skip
    assert response.status_code == 302
    policy = VoucherPolicy.objects.get()
    assert policy.annual_cap == 400000 and policy.eligible_qualifications == ["tech_sme", "high_tech"]
    assert policy.required_documents == ["contract", "invoice"]
    client.post(reverse("vouchers:kind-create", args=[policy.year]),
                {"code": "testing", "name": "检验检测", "subsidy_ratio": "0.4", "active": "on"})  # fmt: skip
    assert policy.kinds.get(code="testing").subsidy_ratio == Decimal("0.4")
    client.post(reverse("vouchers:policies"), {"year": vf.YEAR + 1})
    assert VoucherPolicy.objects.get(year=vf.YEAR + 1).kinds.count() == 2


def test_provider_registry_pages(client, voucher_world):
    vf.ProviderFactory(name="郑州大学")
    client.force_login(voucher_world["enterprise"])
    assert "郑州大学" in client.get(reverse("vouchers:providers"), {"q": "郑州"}).content.decode()
    assert client.get(reverse("vouchers:provider-create")).status_code == 403
    client.force_login(voucher_world["city"])
    response = client.post(reverse("vouchers:provider-create"), {
        "credit_code": "12410000415800451R", "name": "河南省科学院", "kind": "institute", "status": "active",
        "fields": ["new_materials"],
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Provider.objects.get(name="河南省科学院").fields == ["new_materials"]
    response = client.post(reverse("vouchers:provider-create"), {
        "credit_code": "12410000415800451X", "name": "坏代码", "kind": "institute", "status": "active",
    })  # fmt: skip
    assert response.status_code == 200 and not Provider.objects.filter(name="坏代码").exists()


# Session, user, count, page of claims (firm, county, kind, provider, policy joined), invoice duplicates,
# eligibility, the counties of the filter: the same whatever the number of rows.
QUEUE_QUERIES = 7
# Session, user, count, page of claims.
LIST_QUERIES = 4


@pytest.mark.parametrize("rows", [1, 6])
def test_queue_and_lists_have_fixed_query_counts(client, voucher_world, actors, django_assert_num_queries, rows):
    world = voucher_world
    _claims(world, actors, ClaimStatus.SUBMITTED, rows)
    client.force_login(world["county"])
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("vouchers:queue"))
    assert response.content.decode().count("data-claim=") == rows
    with django_assert_num_queries(LIST_QUERIES + 1):  # + the counties of the filter
        client.get(reverse("vouchers:claims"))
    client.force_login(world["enterprise"])
    with django_assert_num_queries(LIST_QUERIES + 2):  # + the open policies and their quota rows
        client.get(reverse("vouchers:my-claims"))


def test_admin_saves_policies_through_the_services(client, voucher_world, actors):
    world = voucher_world
    vf.move(vf.draft(world["policy"], world["enterprise"], expense="1000000", subsidy="200000"),
            vf.PATHS[ClaimStatus.SUBMITTED], actors)  # fmt: skip
    client.force_login(world["admin"])
    url = reverse("admin:vouchers_voucherpolicy_change", args=[world["policy"].pk])
    assert client.get(url).status_code == 200
    form = {
        "eligible_qualifications": '["tech_sme"]', "annual_cap": "300000", "city_budget": "",
        "claims_open_on": f"{vf.YEAR}-01-01", "claims_close_on": f"{vf.YEAR}-12-31",
        "required_documents": '["contract"]', "notes": "", "kinds-TOTAL_FORMS": "0", "kinds-INITIAL_FORMS": "0",
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    assert VoucherQuota.objects.get(enterprise=world["firm"]).cap == Decimal("300000")
    client.post(url, {**form, "annual_cap": "100000"})
    assert VoucherPolicy.objects.get().annual_cap == Decimal("300000")
    assert client.get(reverse("admin:vouchers_voucherclaim_changelist")).status_code == 200


def test_a_returned_claim_is_edited_and_resubmitted_by_the_firm(client, voucher_world, actors):
    world = voucher_world
    claim = vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.RETURNED], actors)
    client.force_login(world["enterprise"])
    edit = reverse("vouchers:claim-edit", args=[claim.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {
        "kind": claim.kind_id, "supplier_name": claim.supplier_name, "contract_number": "HT-NEW",
        "contract_date": claim.contract_date.isoformat(), "eligible_expense": "100000", "subsidy_requested": "25000",
    })  # fmt: skip
    assert response.status_code == 302
    client.post(reverse("vouchers:claim-transition", args=[claim.pk]), {"to": "submitted"})
    claim.refresh_from_db()
    assert (claim.status, claim.contract_number, claim.subsidy_requested) == ("submitted", "HT-NEW", Decimal("25000"))
    assert VoucherQuota.objects.get(enterprise=world["firm"]).committed == Decimal("25000")
    assert client.get(edit).status_code == 403  # under review: no more changes
    client.force_login(world["other_enterprise"])
    assert client.get(edit).status_code == 404
