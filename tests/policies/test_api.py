from accounts.models import Role


def codes(response) -> set[str]:
    return {row["credit_code"] for row in response.json()["results"]}


def test_matches_api_is_scoped_to_the_county(client, make_user, matched):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410482"))
    response = client.get(f"/api/v1/policy-matches/?policy={matched['policy'].pk}")
    assert codes(response) == {firm.credit_code for firm in matched["away"]}


def test_matches_api_gives_a_firm_only_its_own_with_the_gap(client, make_user, matched):
    firm = matched["home"][2]
    client.force_login(make_user(Role.ENTERPRISE, enterprise=firm))
    rows = client.get("/api/v1/policy-matches/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [(row["credit_code"], row["status"]) for row in rows] == [(firm.credit_code, "nearly")]
    assert rows[0]["missing_actual"] == 0.02 and rows[0]["gap"]


def test_policy_api_lists_conditions_in_words(client, make_user, matched):
    client.force_login(make_user(Role.LEADER))
    policy = client.get(f"/api/v1/policies/{matched['policy'].pk}/").json()
    assert [c["field"] for c in policy["conditions"]] == ["rd_ratio", "invention_patents"]
    assert all(c["text"] for c in policy["conditions"])
    assert client.get("/api/v1/policies/999999/").status_code == 404


def test_api_needs_authentication(client, db):
    assert client.get("/api/v1/policies/").status_code in (401, 403)
