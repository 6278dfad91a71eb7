import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from accounts.models import Role
from enterprises.models import ImportJob
from tests import factories
from tests.departments import samples

pytestmark = pytest.mark.django_db


def test_city_staff_upload_a_department_list_with_its_as_of_day(client, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user(Role.CITY_STAFF))
    listed = factories.EnterpriseFactory(credit_code=samples.credit_code(1))
    content = samples.statistics_list([{"code": listed.credit_code, "name": listed.name, "revenue": "100"}])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:import"),
            {
                "kind": ImportJob.Kind.DEPT_STATISTICS,
                "as_of": "2025-12-31",
                "file": SimpleUploadedFile("a.csv", content),
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.kind, job.as_of, job.status) == (ImportJob.Kind.DEPT_STATISTICS, datetime.date(2025, 12, 31), "ready")
    page = client.get(response["Location"]).content.decode()
    assert "2025-12-31" in page


def test_county_staff_are_not_offered_department_lists(client, make_user):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    page = client.get(reverse("enterprises:import")).content.decode()
    assert 'value="dept_statistics"' not in page
    assert 'value="enterprises"' in page
    template = client.get(reverse("enterprises:import-template", args=[ImportJob.Kind.DEPT_STATISTICS]))
    assert template.status_code == 404
    response = client.post(
        reverse("enterprises:import"),
        {"kind": ImportJob.Kind.DEPT_STATISTICS, "file": SimpleUploadedFile("a.csv", samples.statistics_list([]))},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not ImportJob.objects.exists()


def test_department_template_carries_the_profile_headers(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    page = client.get(reverse("enterprises:import")).content.decode()
    assert 'value="dept_registration"' in page
    response = client.get(reverse("enterprises:import-template", args=[ImportJob.Kind.DEPT_REGISTRATION]))
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    headers = workbook.get_sheet_by_index(0).to_python()[0]
    assert headers[:4] == ["统一社会信用代码", "企业名称", "成立日期", "登记状态"]
