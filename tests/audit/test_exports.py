"""Every export and download writes exactly one row of the access log, with who, what, the filters in plain words
(in the portal's language, whatever the user's) and the number of rows."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.models import AccessEvent
from enterprises.models import ImportJob
from ip.services import evaluate_patents
from policies.models import Policy
from quality.snapshots import quality_snapshot_compute
from tests.cultivation.conftest import make_portrait, make_run  # noqa: F401 - fixtures of build_board
from tests.cultivation.test_board import build_board  # noqa: F401 - fixture
from tests.dashboards.conftest import refreshed, small_city  # noqa: F401 - fixtures
from tests.ip.factories import PatentFactory
from tests.quality.conftest import ON, quality_city  # noqa: F401 - fixture
from tests.vouchers import factories as vf
from tests.vouchers.conftest import actors, voucher_world  # noqa: F401 - fixtures
from vouchers.models import ClaimStatus

Kind = AccessEvent.Kind


def _words(text) -> str:
    """`text` as the log keeps it: in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(_(text))


def _download(response) -> bytes:
    assert response.status_code == 200, response.content[:300] if not response.streaming else ""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _only_event() -> AccessEvent:
    [event] = AccessEvent.objects.all()
    return event


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_registry_export_writes_one_row_with_filters_and_rows(client, make_user, two_counties, file_format):
    user = make_user(Role.CITY_STAFF)
    client.force_login(user)
    with translation.override("en"):  # the user reads English; the log keeps the portal's language
        _download(client.get(reverse("enterprises:export"), {"county": "410402", "file_format": file_format}))

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (user, Kind.EXPORT, 3)
    assert event.what == _words("Enterprise registry")
    assert event.filters == [
        [_words("County"), "新华区"],
        [_words("Year"), _words("each firm's latest year")],
        [_words("File format"), file_format],
    ]
    assert event.client_address == "127.0.0.1"


def test_registry_export_through_the_api_is_logged_with_its_filters(client, make_user, two_counties):
    user = make_user(Role.CITY_STAFF)
    client.force_login(user)
    params = {"q": "平顶山", "county": "410482", "ordering": "-revenue", "year": "all"}
    _download(client.get("/api/v1/enterprises/export/", params))

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (user, Kind.EXPORT, 4)
    with translation.override(settings.LANGUAGE_CODE):
        descending = str(_("%s (descending)") % _("Revenue"))
    assert event.filters == [
        [_words("Name or credit code"), "平顶山"],
        [_words("County"), "汝州市"],
        [_words("Sort by"), descending],
        [_words("Year"), _words("all years")],
        [_words("File format"), "xlsx"],
    ]


def test_a_refused_export_writes_nothing(client, make_user, two_counties):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get(reverse("enterprises:export"), {"year": "soon"}).status_code == 400
    assert not AccessEvent.objects.exists()


def test_import_template_download_is_logged(client, make_user):
    user = make_user(Role.CITY_STAFF)
    client.force_login(user)
    _download(client.get(reverse("enterprises:import-template", args=["qualifications"])))

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (user, Kind.DOWNLOAD, None)
    assert event.what == _words("Import template")
    with translation.override(settings.LANGUAGE_CODE):
        assert event.filters == [[_words("What the file holds"), str(ImportJob.Kind.QUALIFICATIONS.label)]]


def test_import_problem_report_download_is_logged(client, make_user, run_import):
    user = make_user(Role.CITY_STAFF)
    job = run_import("negative_amount.csv", user=user)
    client.force_login(user)
    _download(client.get(reverse("enterprises:import-report", args=[job.pk])))

    event = _only_event()
    assert (event.actor, event.kind, event.subject) == (user, Kind.DOWNLOAD, "negative_amount.csv")
    assert event.rows == job.error_count + job.warning_count == 1
    assert event.what == _words("Import problem report")


def test_dashboard_workbook_is_logged(client, refreshed, make_user):  # noqa: F811
    leader = make_user(Role.LEADER)
    client.force_login(leader)
    _download(client.get(reverse("dashboards:export")))

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (leader, Kind.EXPORT, 12)  # the twelve counties compared
    assert event.filters == [[_words("Scope"), _words("Whole city")]]


def test_dashboard_drill_down_export_is_logged(client, refreshed, make_user):  # noqa: F811
    user = make_user(Role.CITY_STAFF)
    client.force_login(user)
    _download(client.get(reverse("dashboards:firms", args=["uncovered"]), {"county": "410402", "format": "xlsx"}))
    client.get(reverse("dashboards:firms", args=["uncovered"]))  # the page itself is not an export

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (user, Kind.EXPORT, 1)
    assert event.what == _words("Firms behind a dashboard figure")
    assert [label for label, _value in event.filters] == [_words("Figure"), _words("Scope")]
    assert event.filters[1][1] == "新华区"


def test_data_quality_exports_are_logged(client, make_user, quality_city):  # noqa: F811
    quality_snapshot_compute(on=ON)
    user = make_user(Role.COUNTY_STAFF, county_code="410402")
    client.force_login(user)
    _download(client.get(reverse("quality:export")))
    client.get(reverse("quality:firms", args=["unmatched"]))  # the page itself is not an export
    _download(client.get(reverse("quality:firms", args=["unmatched"]), {"format": "xlsx"}))

    figures, firms = AccessEvent.objects.order_by("pk")
    assert (figures.actor, figures.kind, figures.rows) == (user, Kind.EXPORT, 1)  # one county's row
    assert figures.what == _words("Data-quality figures")
    assert figures.filters == [[_words("Scope"), "新华区"]]
    assert (firms.kind, firms.rows, firms.what) == (Kind.EXPORT, 2, _words("Firms behind a data-quality figure"))
    assert [label for label, _value in firms.filters] == [_words("Figure"), _words("Scope")]
    assert firms.filters[0][1] == _words("Firms in business found on no department's list")


def test_key_list_export_is_logged(client, build_board, make_user):  # noqa: F811
    build_board({"410402": [("t1", 90), ("t2", 80)], "410482": [("t1", 99)]})
    user = make_user(Role.COUNTY_STAFF, county_code="410402")
    client.force_login(user)
    _download(client.get(reverse("cultivation:key-list-export")))

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (user, Kind.EXPORT, 2)
    assert event.what == _words("Key cultivation list")
    assert event.filters == [[_words("County"), "新华区"]]


def test_patent_exports_are_logged(client, make_user, two_counties):
    firm = two_counties["home"][0]
    PatentFactory.create_batch(3, enterprise=firm)
    PatentFactory.create_batch(2, enterprise=two_counties["away"][0])
    evaluate_patents()
    user = make_user(Role.CITY_STAFF)
    client.force_login(user)

    _download(client.get(reverse("ip:firm", args=[firm.credit_code]), {"format": "xlsx"}))
    register = _only_event()
    assert (register.actor, register.kind, register.rows) == (user, Kind.EXPORT, 3)
    assert register.subject == f"{firm.name}（{firm.credit_code}）"

    county = two_counties["away"][0].county
    _download(client.get(reverse("ip:strongest"), {"format": "xlsx", "county": county.pk}))
    strongest = AccessEvent.objects.exclude(pk=register.pk).get()
    assert (strongest.kind, strongest.rows) == (Kind.EXPORT, 2)
    assert strongest.filters == [[_words("County"), "汝州市"]]


def test_voucher_document_download_is_logged_for_every_reader(client, voucher_world):  # noqa: F811
    claim = vf.draft(voucher_world["policy"], voucher_world["enterprise"])
    document = claim.documents.first()
    for reader in ("enterprise", "city"):
        client.force_login(voucher_world[reader])
        _download(client.get(reverse("vouchers:document", args=[document.pk])))
    client.force_login(voucher_world["other_enterprise"])
    assert client.get(reverse("vouchers:document", args=[document.pk])).status_code == 404  # not logged

    events = list(AccessEvent.objects.order_by("id"))
    assert [e.actor for e in events] == [voucher_world["enterprise"], voucher_world["city"]]
    assert {e.kind for e in events} == {Kind.DOWNLOAD}
    assert claim.reference in events[0].subject and document.original_name in events[0].subject


def test_voucher_public_notice_export_is_logged(client, voucher_world, actors):  # noqa: F811
    claim = vf.draft(voucher_world["policy"], voucher_world["enterprise"])
    vf.move(claim, vf.PATHS[ClaimStatus.PUBLICITY], actors)
    user = voucher_world["city"]
    client.force_login(user)
    _download(client.get(reverse("vouchers:publicity"), {"format": "xlsx", "year": claim.policy.year}))

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (user, Kind.EXPORT, 1)
    assert event.filters == [[_words("Year"), str(claim.policy.year)]]


def test_policy_attachment_download_is_logged(client, make_user, two_counties):
    policy = Policy(title="附件政策", issuer="市科技局", kind="subsidy", summary="摘要")
    policy.attachment.save("通知.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    policy.save()
    user = make_user(Role.ENTERPRISE, enterprise=two_counties["home"][0])
    client.force_login(user)
    _download(client.get(reverse("policies:attachment", args=[policy.pk])))

    event = _only_event()
    assert (event.actor, event.kind, event.subject) == (user, Kind.DOWNLOAD, "附件政策")


def test_bulk_account_sheet_is_logged(client, make_user, two_counties):
    user = make_user(Role.COUNTY_STAFF, county_code="410402")
    client.force_login(user)
    codes = "\n".join(f.credit_code for f in two_counties["home"])
    _download(client.post(reverse("firm_accounts:bulk"), {"source": "list", "codes": codes}))

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (user, Kind.EXPORT, 3)
    assert event.filters == [[_words("Firms from"), _words("credit codes typed in")]]


def test_admin_site_export_is_logged(client, make_user, two_counties):
    admin = make_user(Role.CITY_ADMIN)
    client.force_login(admin)
    url = reverse("admin:enterprises_enterprise_export")
    form = client.get(url).context["form"]
    data = {"format": "0", "resource": "0"}
    data |= {name: "on" for name, field in form.fields.items() if name.startswith("enterpriseresource_")}
    response = client.post(url + "?q=平顶山", data)
    _download(response)

    event = _only_event()
    assert (event.actor, event.kind, event.rows) == (admin, Kind.EXPORT, 7)
    assert event.filters == [[_words("Search"), "平顶山"]]


def test_yearly_report_attachment_download_is_logged(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import ReportValue
    from reports.services import ReportInput, report_save
    from tests.reports.conftest import PDF, make_report_world, portal_texts

    world = make_report_world()
    report_save(
        window=world["window"],
        data=ReportInput(
            entered=portal_texts(world["firm"]) | {"revenue": "3500"},
            reasons={"revenue": "audited"},
            attachments={"revenue": SimpleUploadedFile("审计报告.pdf", PDF)},
            confirmed=True,
        ),
        submit=True,
        actor=world["firm_user"],
    )
    value = ReportValue.objects.get(field="revenue")
    client.force_login(world["other_county"])
    assert client.get(reverse("reports:attachment", args=[value.pk])).status_code == 404  # not logged
    client.force_login(world["county"])
    _download(client.get(reverse("reports:attachment", args=[value.pk])))

    event = _only_event()
    assert (event.actor, event.kind) == (world["county"], Kind.DOWNLOAD)
    assert "审计报告.pdf" in event.subject
