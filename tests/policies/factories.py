import datetime

import factory
from django.utils import timezone

from policies.models import Event, EventKind, Notice, Policy, PolicyKind


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    title = factory.Sequence(lambda n: f"测试政策{n:03d}")
    issuer = "平顶山市科学技术局"
    kind = PolicyKind.SUBSIDY
    summary = "测试用政策。"
    applies_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    conditions = factory.LazyFunction(list)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"测试通知{n:03d}")
    body = "通知正文。"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.BRIEFING
    title = factory.Sequence(lambda n: f"政策宣讲会{n:03d}")
    place = "科技大厦报告厅"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    capacity = 10
