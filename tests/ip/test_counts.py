"""The register's IP counts (ip/counts.py), registered with the scoring frames when the app is ready."""

import datetime

from ip.counts import register_counts_sql
from ip.models import IpKind, LegalStatus
from scoring import frames
from scoring.frames import load_frame
from tests import factories
from tests.ip.factories import PatentFactory

ON = datetime.date(2026, 6, 1)


def test_ip_registers_its_counts_as_the_scoring_frames_source(db):
    assert frames._ip_counts_sql is register_counts_sql
    firm, without_register = factories.EnterpriseFactory.create_batch(2)
    PatentFactory(enterprise=firm)
    PatentFactory(enterprise=firm, kind=IpKind.UTILITY_MODEL, number="202020000001.1")
    PatentFactory(enterprise=firm, legal_status=LegalStatus.LAPSED, status_on=ON - datetime.timedelta(days=10))
    PatentFactory(enterprise=firm, transferred_out_on=ON + datetime.timedelta(days=1))  # still held on the day
    first, last = sorted((firm.pk, without_register.pk))
    frame = load_frame(first_id=first, last_id=last, on=ON)
    assert frame.loc[firm.pk, "ip_from_register"]
    assert (frame.loc[firm.pk, "ip_register_class1"], frame.loc[firm.pk, "ip_register_class2"]) == (2, 1)
    assert not frame.loc[without_register.pk, "ip_from_register"]
