"""The layouts the departments issue today, as data (departments.profiles.DEFAULT_PROFILES when this was written).
Later changes are made in the admin site."""

import json

from django.db import migrations

PROFILES = json.loads(
    r"""{
 "market_registration": {
  "source_name": "市场监管登记信息",
  "columns": {
   "credit_code": [
    "统一社会信用代码",
    "信用代码",
    "社会信用代码"
   ],
   "name": [
    "企业名称",
    "名称",
    "市场主体名称"
   ],
   "founded_on": [
    "成立日期",
    "注册日期"
   ],
   "registration_status": [
    "登记状态",
    "经营状态",
    "企业状态"
   ],
   "address": [
    "住所",
    "地址",
    "经营场所"
   ],
   "legal_representative": [
    "法定代表人",
    "法定代表人(负责人)",
    "负责人"
   ],
   "registered_capital": [
    "注册资本",
    "注册资金"
   ],
   "industry_code": [
    "行业代码",
    "国民经济行业代码"
   ],
   "registration_authority": [
    "登记机关"
   ],
   "county_name": [
    "所属县区",
    "县区",
    "行政区划"
   ]
  },
  "units": {
   "registered_capital": "万元"
  },
  "values": {
   "registration_status": {
    "在册": "active",
    "已迁出": "moved_out",
    "已吊销": "revoked",
    "已注销": "deregistered"
   }
  },
  "not_used": [
   "企业类型",
   "经营范围",
   "核准日期",
   "营业期限自",
   "营业期限至"
  ]
 },
 "statistics": {
  "source_name": "统计部门规上企业及107-1表",
  "columns": {
   "credit_code": [
    "统一社会信用代码",
    "社会信用代码",
    "组织机构代码(统一社会信用代码)"
   ],
   "name": [
    "单位详细名称",
    "单位名称",
    "企业名称"
   ],
   "year": [
    "统计年度",
    "报告期",
    "年度"
   ],
   "employees": [
    "从业人员期末人数",
    "从业人员平均人数",
    "从业人员"
   ],
   "revenue": [
    "营业收入"
   ],
   "main_business_revenue": [
    "主营业务收入"
   ],
   "total_assets": [
    "资产总计",
    "资产总额"
   ],
   "total_liabilities": [
    "负债合计",
    "负债总额"
   ],
   "rd_expense": [
    "研究开发费用合计",
    "研发费用合计"
   ],
   "invention_patents": [
    "期末有效发明专利数",
    "有效发明专利数"
   ]
  },
  "units": {
   "revenue": "千元",
   "main_business_revenue": "千元",
   "total_assets": "千元",
   "total_liabilities": "千元",
   "rd_expense": "千元"
  },
  "values": {},
  "not_used": [
   "研究开发人员合计",
   "研发经费内部支出",
   "新产品销售收入",
   "工业总产值",
   "利润总额",
   "行业代码",
   "规模"
  ]
 },
 "tax_rd_deduction": {
  "source_name": "税务研发费用加计扣除(A107012)",
  "columns": {
   "credit_code": [
    "纳税人识别号",
    "统一社会信用代码",
    "纳税人识别号(统一社会信用代码)"
   ],
   "name": [
    "纳税人名称",
    "企业名称"
   ],
   "year": [
    "所属年度",
    "税款所属期",
    "年度"
   ],
   "rd_expense": [
    "研发活动费用合计",
    "研发费用合计",
    "自主研发、合作研发、集中研发费用合计"
   ]
  },
  "units": {
   "rd_expense": "元"
  },
  "values": {},
  "not_used": [
   "可加计扣除的研发费用合计",
   "本年研发费用加计扣除总额",
   "加计扣除比例",
   "委托境外研发费用"
  ]
 },
 "tax_high_tech": {
  "source_name": "税务高新技术企业优惠明细(A107041)",
  "columns": {
   "credit_code": [
    "纳税人识别号",
    "统一社会信用代码"
   ],
   "name": [
    "纳税人名称",
    "企业名称"
   ],
   "year": [
    "所属年度",
    "年度"
   ],
   "high_tech_revenue": [
    "高新技术产品(服务)收入",
    "高新技术产品收入"
   ],
   "employees": [
    "职工总数",
    "本年职工总数"
   ],
   "st_personnel": [
    "科技人员数",
    "从事研发和相关技术创新活动的科技人员数"
   ],
   "rd_expense": [
    "本年研发费用金额",
    "本年研发费用"
   ],
   "rd_expense_domestic": [
    "其中:境内研发费用",
    "境内研发费用"
   ]
  },
  "units": {
   "high_tech_revenue": "元",
   "rd_expense": "元",
   "rd_expense_domestic": "元"
  },
  "values": {},
  "not_used": [
   "收入总额",
   "近三年研发费用合计",
   "近三年收入总额",
   "减免税额",
   "高新技术企业证书编号"
  ]
 },
 "science_tech_sme": {
  "source_name": "科技型中小企业入库登记公告",
  "columns": {
   "credit_code": [
    "统一社会信用代码",
    "信用代码"
   ],
   "name": [
    "企业名称"
   ],
   "number": [
    "入库登记编号",
    "登记编号"
   ],
   "year": [
    "年度",
    "入库年度"
   ],
   "valid_from": [
    "入库日期",
    "公告日期"
   ]
  },
  "units": {},
  "values": {},
  "not_used": [
   "序号",
   "所在地区",
   "批次"
  ]
 },
 "science_high_tech": {
  "source_name": "高新技术企业认定名单",
  "columns": {
   "credit_code": [
    "统一社会信用代码",
    "信用代码"
   ],
   "name": [
    "企业名称"
   ],
   "number": [
    "证书编号",
    "高新技术企业证书编号"
   ],
   "valid_from": [
    "发证日期",
    "认定日期",
    "发证时间"
   ]
  },
  "units": {},
  "values": {},
  "not_used": [
   "序号",
   "所在地区",
   "批次",
   "技术领域"
  ]
 },
 "patent_office": {
  "source_name": "知识产权部门专利清单",
  "columns": {
   "credit_code": [
    "专利权人统一社会信用代码",
    "权利人统一社会信用代码",
    "统一社会信用代码"
   ],
   "name": [
    "专利权人",
    "申请(专利权)人",
    "权利人"
   ],
   "number": [
    "申请号",
    "专利号"
   ],
   "kind": [
    "专利类型",
    "类型"
   ],
   "title": [
    "发明名称",
    "专利名称",
    "名称"
   ],
   "filed_on": [
    "申请日"
   ],
   "granted_on": [
    "授权公告日",
    "授权日"
   ],
   "legal_status": [
    "法律状态",
    "当前法律状态"
   ],
   "status_on": [
    "法律状态公告日",
    "失效日期"
   ],
   "ipc": [
    "主分类号",
    "IPC主分类号"
   ]
  },
  "units": {},
  "values": {
   "legal_status": {
    "有权": "valid",
    "专利权维持": "valid",
    "授权": "valid",
    "未缴年费专利权终止": "lapsed",
    "无权": "lapsed",
    "专利权终止": "lapsed",
    "期限届满": "expired",
    "全部无效": "invalidated"
   }
  },
  "not_used": [
   "序号",
   "公开(公告)号",
   "代理机构",
   "发明人"
  ]
 }
}"""
)


def seed(apps, schema_editor):
    MappingProfile = apps.get_model("departments", "MappingProfile")
    for department_list, profile in PROFILES.items():
        MappingProfile.objects.get_or_create(department_list=department_list, defaults=profile)


class Migration(migrations.Migration):
    dependencies = [("departments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
