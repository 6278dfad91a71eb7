import datetime
from decimal import Decimal

import factory

from ip.models import IpKind, LegalStatus, Patent
from tests.factories import EnterpriseFactory


class PatentFactory(factory.django.DjangoModelFactory):
    """A plain valid invention patent meeting none of the five high-value conditions."""

    class Meta:
        model = Patent

    enterprise = factory.SubFactory(EnterpriseFactory)
    number = factory.Sequence(lambda n: f"2020{n:08d}.1")
    kind = IpKind.INVENTION
    title = factory.Sequence(lambda n: f"一种测试装置{n}")
    filed_on = datetime.date(2020, 3, 1)
    granted_on = datetime.date(2022, 5, 1)
    legal_status = LegalStatus.VALID
    claims = 6
    pledged_amount = Decimal("0")
