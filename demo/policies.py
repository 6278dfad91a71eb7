"""Demo policies, notices and events (seeded by demo.city.seed_city); matched by the demo's first scoring run.

Data, not interface text: titles and bodies are Chinese as the bureau writes them.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from enterprises.models import County
from policies.conditions import clean_conditions
from policies.models import Event, EventKind, Notice, Policy, PolicyKind

DEMO_POLICIES = (
    {
        "title": "科技型中小企业研发费用税前加计扣除",
        "issuer": "财政部 税务总局 科技部",
        "document_number": "财政部 税务总局 科技部公告2022年第16号",
        "kind": PolicyKind.TAX,
        "amount_note": "研发费用按实际发生额的100%在税前加计扣除",
        "summary": "登记入库的科技型中小企业开展研发活动中实际发生的研发费用，未形成无形资产计入当期损益的，"
        "在按规定据实扣除的基础上，再按照实际发生额的100%在税前加计扣除。",
        "conditions": [
            {"field": "tech_sme_registered", "op": "is", "value": True},
            {"field": "rd_expense", "op": "gt", "value": "0"},
        ],
        "window_days": 150,
    },
    {
        "title": "首次入库科技型中小企业奖励",
        "issuer": "平顶山市科学技术局",
        "document_number": "平科〔2026〕12号",
        "kind": PolicyKind.QUALIFICATION,
        "max_amount": Decimal("10000"),
        "amount_note": "每家奖励1万元",
        "summary": "对当年首次通过评价并登记入库的科技型中小企业给予一次性奖励。",
        "conditions": [
            {"field": "sme_passes", "op": "is", "value": True},
            {"field": "tech_sme_registered", "op": "is", "value": True},
        ],
        "window_days": 90,
    },
    {
        "title": "高新技术企业认定奖励",
        "issuer": "平顶山市科学技术局 平顶山市财政局",
        "document_number": "平科〔2026〕15号",
        "kind": PolicyKind.QUALIFICATION,
        "max_amount": Decimal("200000"),
        "amount_note": "首次认定奖励20万元，重新认定奖励10万元",
        "summary": "对首次认定和重新认定的高新技术企业给予奖励，奖励资金用于企业研发活动。",
        "conditions": [
            {"field": "high_tech_valid", "op": "is", "value": True},
            {"field": "class1_ip", "op": "gte", "value": 1},
            {"field": "st_ratio", "op": "gte", "value": "0.10"},
        ],
        "window_days": 120,
    },
    {
        "title": "科技创新券",
        "issuer": "平顶山市科学技术局",
        "document_number": "平科〔2026〕8号",
        "kind": PolicyKind.VOUCHER,
        "max_amount": Decimal("500000"),
        "amount_note": "每家企业每年最高50万元",
        "summary": "支持科技型中小企业购置仪器设备、购买或转化高校院所科技成果，按合同金额的一定比例给予补助。",
        "conditions": [
            {"field": "tech_sme_registered", "op": "is", "value": True},
            {"field": "revenue", "op": "lte", "value": "200000000"},
            {"field": "rd_ratio", "op": "gte", "value": "0.03"},
        ],
        "window_days": 200,
    },
    {
        "title": "企业科技人才引进补贴",
        "issuer": "平顶山市人才工作领导小组办公室",
        "document_number": "平人才办〔2026〕3号",
        "kind": PolicyKind.TALENT,
        "max_amount": Decimal("100000"),
        "amount_note": "每引进1名硕士以上人才补贴2万元，每家最高10万元",
        "summary": "鼓励创新型企业引进高层次科技人才，按引进人数给予用人单位补贴。",
        "conditions": [
            {"field": "innovative", "op": "is", "value": True},
            {"field": "employees", "op": "gte", "value": 20},
            {"field": "st_ratio", "op": "gte", "value": "0.15"},
        ],
        "window_days": 60,
    },
    {
        "title": "汝州市企业研发投入后补助",
        "issuer": "汝州市科学技术和工业信息化局",
        "document_number": "汝科〔2026〕5号",
        "kind": PolicyKind.SUBSIDY,
        "max_amount": Decimal("300000"),
        "amount_note": "按上年度研发投入增量的10%补助",
        "summary": "对汝州市研发投入强度达到3%且研发费用超过100万元的企业，按研发投入增量给予后补助。",
        "conditions": [
            {"field": "county", "op": "in", "value": ["410482"]},
            {"field": "rd_ratio", "op": "gte", "value": "0.03"},
            {"field": "rd_expense", "op": "gte", "value": "1000000"},
        ],
        "window_days": 45,
    },
)


def clear_policy_data() -> None:
    """Everything of this app (registrations and matches go with their policies, events and firms)."""
    Event.objects.all().delete()
    Notice.objects.all().delete()
    Policy.objects.all().delete()


def seed_policies(*, as_of: datetime.date | None = None) -> dict:
    as_of = as_of or timezone.localdate()
    policies = []
    for spec in DEMO_POLICIES:
        data = {key: value for key, value in spec.items() if key != "window_days"}
        data["conditions"] = clean_conditions(data["conditions"])
        policies.append(
            Policy.objects.create(
                **data,
                published_on=as_of - datetime.timedelta(days=30),
                applies_from=as_of - datetime.timedelta(days=10),
                applies_until=as_of + datetime.timedelta(days=spec["window_days"]),
            )
        )
    high_tech_reward = policies[2]
    xinhua = County.objects.filter(code="410402").first()
    ruzhou = County.objects.filter(code="410482").first()
    notices = [
        Notice.objects.create(
            title="关于组织申报2026年度高新技术企业认定的通知",
            body="各县（市、区）科技主管部门、各有关企业：\n\n2026年度高新技术企业认定工作即将开始，请符合条件的企业"
            "对照认定条件做好准备，按时在线提交申报材料。",
            tier="t2",
        ),
        Notice.objects.create(
            title="新华区关于开展科技型中小企业评价入库工作的通知",
            body="请辖区内企业于本月底前完成科技型中小企业评价信息填报，区科技局将组织政策辅导。",
            county=xinhua,
        ),
    ]
    start = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=14), datetime.time(9, 30)))
    events = [
        Event.objects.create(
            kind=EventKind.BRIEFING,
            title="2026年研发费用加计扣除与高企认定政策宣讲会",
            topic="研发费用归集、加计扣除申报、高新技术企业认定条件",
            place="平顶山市科技大厦三楼报告厅",
            starts_at=start,
            capacity=120,
        ),
        Event.objects.create(
            kind=EventKind.TRAINING,
            title="汝州市科技型中小企业评价填报培训班",
            topic="评价系统填报与常见问题",
            place="汝州市科学技术和工业信息化局二楼会议室",
            starts_at=start + datetime.timedelta(days=7),
            capacity=40,
            county=ruzhou,
        ),
        Event.objects.create(
            kind=EventKind.EXCHANGE,
            title="高新技术企业知识产权技术交流会",
            topic="高价值专利培育与成果转化",
            place="平顶山学院科技园",
            starts_at=start + datetime.timedelta(days=21),
            capacity=60,
            policy=high_tech_reward,
            include_nearly=True,
        ),
    ]
    return {"policies": len(policies), "notices": len(notices), "events": len(events)}
