import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.vouchers import factories as vf
from vouchers.models import ClaimDocument, ClaimStatus, VoucherClaim
from vouchers.workflows import CLAIM_TRANSITIONS

# Session, user, count, page (firm, county, kind, provider and policy joined).
LIST_QUERIES = 4


def _claims(world, actors, status, count=1):
    return [vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[status], actors) for _ in range(count)]


def test_the_firm_creates_uploads_and_submits_through_the_api(client, voucher_world):
    world = voucher_world
    client.force_login(world["enterprise"])
    response = client.post("/api/v1/voucher-claims/", {
        "year": vf.YEAR, "kind": "equipment", "supplier_name": "仪器公司", "contract_number": "HT-9",
        "contract_date": f"{vf.YEAR}-02-01", "eligible_expense": "100000.00", "subsidy_requested": "30000.00",
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.json()
    claim_id = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["allowed_moves"] == ["submitted", "withdrawn"]
    refused = client.post(f"/api/v1/voucher-claims/{claim_id}/submit/", {}, content_type="application/json")
    assert refused.status_code == 400 and "documents" in refused.json()
    for kind, content, number in (
        ("contract", vf.PDF, ""),
        ("invoice", vf.PDF, "FP0001"),
        ("payment_proof", vf.PNG, ""),
    ):
        body = {"kind": kind, "invoice_number": number, "file": SimpleUploadedFile("f", content)}
        response = client.post(f"/api/v1/voucher-claims/{claim_id}/documents/", body)
        assert response.status_code == 201, response.json()
    forged = client.post(f"/api/v1/voucher-claims/{claim_id}/documents/",
                         {"kind": "other", "file": SimpleUploadedFile("a.pdf", vf.EXE)})  # fmt: skip
    assert forged.status_code == 400 and "file" in forged.json()
    response = client.post(f"/api/v1/voucher-claims/{claim_id}/submit/", {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    quota = client.get("/api/v1/voucher-quota/", {"year": vf.YEAR}).json()
    assert (quota["committed"], quota["remaining"]) == ("30000.00", "470000.00")
    detail = client.get(f"/api/v1/voucher-claims/{claim_id}/").json()
    assert len(detail["documents"]) == 3 and [e["to_status"] for e in detail["events"]] == ["draft", "submitted"]
    assert detail["checks"] == []


def test_the_api_is_scoped_and_moves_follow_the_table(client, voucher_world, actors):
    world = voucher_world
    claim = _claims(world, actors, ClaimStatus.SUBMITTED)[0]
    url = f"/api/v1/voucher-claims/{claim.pk}/"
    client.force_login(world["other_county"])
    assert client.get(url).status_code == 404
    assert client.post(f"{url}transition/", {"to": "county_approved"}).status_code == 404
    assert client.get("/api/v1/voucher-claims/").json()["count"] == 0
    client.force_login(world["other_enterprise"])
    assert client.get(url).status_code == 404
    assert client.post(f"{url}submit/").status_code == 404
    client.force_login(world["city"])
    assert client.post(f"{url}transition/", {"to": "county_approved"}).status_code == 403  # wrong role
    assert client.post(f"{url}transition/", {"to": "paid"}).status_code == 400  # wrong state
    # A city step from a status the claim had before it was returned and submitted again: it has moved on.
    assert client.post(f"{url}transition/", {"to": "city_approved"}).status_code == 409
    client.force_login(world["county"])
    queue = client.get("/api/v1/voucher-claims/queue/").json()
    assert [row["id"] for row in queue["results"]] == [claim.pk] and queue["results"][0]["checks"] == []
    assert client.post(f"{url}transition/", {"to": "returned"}).status_code == 400  # a return says why
    response = client.post(f"{url}transition/", {"to": "county_approved"})
    assert response.status_code == 200 and response.json()["status"] == "county_approved"
    # A second reviewer (or a second click) on the step already taken: 409, saying where the claim went.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    late = client.post(f"{url}transition/", {"to": "county_approved"})
    assert late.status_code == 409
    assert f"{claim.reference} has already moved to “County approved, awaiting city review”" in late.json()["detail"]
    assert VoucherClaim.objects.get(pk=claim.pk).status == ClaimStatus.COUNTY_APPROVED
    client.force_login(world["enterprise"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(url).json()["status_label"] == "Under city review"


# Session, user, the claims in scope, the same locked, their status, events, notifications, the savepoint (2):
# the same for any number of claims.
BULK_QUERIES = 9


def test_bulk_transition_for_city_staff(client, voucher_world, actors, django_assert_num_queries):
    world = voucher_world
    claims = _claims(world, actors, ClaimStatus.PUBLICITY, 2)
    client.force_login(world["county"])
    body = {"ids": [c.pk for c in claims], "to": "paid"}
    assert (
        client.post("/api/v1/voucher-claims/bulk-transition/", body, content_type="application/json").status_code == 403
    )
    client.force_login(world["city"])
    with django_assert_num_queries(BULK_QUERIES):
        response = client.post("/api/v1/voucher-claims/bulk-transition/", body, content_type="application/json")
    assert response.status_code == 200 and {row["status"] for row in response.json()} == {"paid"}


@pytest.mark.parametrize("rows", [1, 5])
def test_claim_list_has_a_fixed_query_count(client, voucher_world, actors, django_assert_num_queries, rows):
    _claims(voucher_world, actors, ClaimStatus.SUBMITTED, rows)
    client.force_login(voucher_world["county"])
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/api/v1/voucher-claims/").json()["count"] == rows
    with django_assert_num_queries(LIST_QUERIES + 2):  # + invoice duplicates, eligibility
        assert len(client.get("/api/v1/voucher-claims/queue/").json()["results"]) == rows


def test_policies_and_providers(client, voucher_world):
    client.force_login(voucher_world["enterprise"])
    policy = client.get(f"/api/v1/voucher-policies/{vf.YEAR}/").json()
    assert policy["annual_cap"] == "500000.00" and [k["code"] for k in policy["kinds"]] == [
        "equipment",
        "result_transfer",
    ]
    body = {
        "credit_code": "12410000415800451R",
        "name": "河南省科学院",
        "kind": "institute",
        "fields": ["new_materials"],
    }
    assert client.post("/api/v1/voucher-providers/", body, content_type="application/json").status_code == 403
    client.force_login(voucher_world["city"])
    response = client.post("/api/v1/voucher-providers/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    bad = client.post("/api/v1/voucher-providers/", {**body, "credit_code": "12410000415800451X"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "credit_code" in bad.json()
    provider_id = response.json()["id"]
    response = client.patch(f"/api/v1/voucher-providers/{provider_id}/", {"status": "suspended"},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert client.get("/api/v1/voucher-providers/", {"q": "科学院"}).json()["count"] == 1
    assert ClaimDocument.objects.count() == 0


# Session, user; the claim found in scope and locked; its documents; the firm's quota row locked, then moved; the
# claim's status; its event; the notification; the savepoint around them (2). The bench's hot path.
SUBMIT_QUERIES = 11


def test_submit_has_a_fixed_query_count(client, voucher_world, actors, django_assert_num_queries):
    world = voucher_world
    vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.SUBMITTED], actors)  # quota row
    claim = vf.draft(world["policy"], world["enterprise"])
    client.force_login(world["enterprise"])
    with django_assert_num_queries(SUBMIT_QUERIES):
        response = client.post(f"/api/v1/voucher-claims/{claim.pk}/submit/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"


ALLOWED_MOVES = sorted((start, to) for start, moves in CLAIM_TRANSITIONS.items() for to in moves)


@pytest.mark.parametrize(("start", "to"), ALLOWED_MOVES)
def test_every_move_is_not_found_outside_the_scope(client, voucher_world, actors, start, to):
    """For every allowed move, users of another county or another firm do not even find the claim (404)."""
    claim = vf.move(vf.draft(voucher_world["policy"], voucher_world["enterprise"]), vf.PATHS[start], actors)
    for outsider in ("other_county", "other_enterprise"):
        client.force_login(voucher_world[outsider])
        response = client.post(f"/api/v1/voucher-claims/{claim.pk}/transition/", {"to": to, "comment": "x"})
        assert response.status_code == 404, outsider
    assert VoucherClaim.objects.get(pk=claim.pk).status == start
