"""Realistic department lists, as the departments issue them: Chinese headers (with the variants departments use
from one year to the next), a title line above the header now and then, units in the headers or not, csv in UTF-8 or
GBK, or xlsx. Each function takes rows as dicts and returns the file's bytes; `variant` picks a layout.

Used by tests/departments/ and bench/department_bench.py.
"""

import csv
import io

import xlsxwriter

from enterprises.credit_codes import make_credit_code


def credit_code(number: int, county_code: str = "410402") -> str:
    return make_credit_code(f"91{county_code}{number:09d}")


def table(headers: list[str], rows: list[list], *, fmt: str = "csv", title: str = "", encoding: str = "utf-8-sig"):
    """A list as a file: csv (UTF-8 with BOM by default, or GBK as many departments' systems write) or xlsx."""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
        sheet = workbook.add_worksheet("Sheet1")
        first = 0
        if title:
            sheet.write_string(0, 0, title)
            first = 1
        sheet.write_row(first, 0, headers)
        for offset, row in enumerate(rows, start=first + 1):
            for position, value in enumerate(row):
                if isinstance(value, int | float):
                    sheet.write_number(offset, position, value)
                elif value not in ("", None):
                    sheet.write_string(offset, position, str(value))
        workbook.close()
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    if title:
        writer.writerow([title])
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def _pick(row: dict, keys: list[str]) -> list:
    return [row.get(key, "") for key in keys]


# 市场监管: the registration extract. Keys: code, name, founded, status, address, legal, capital (万元), industry,
# authority, county.
REGISTRATION_LAYOUTS = (
    (["统一社会信用代码", "企业名称", "成立日期", "登记状态", "住所", "法定代表人", "注册资本(万元)", "行业代码",
      "登记机关", "企业类型"],
     ["code", "name", "founded", "status", "address", "legal", "capital", "industry", "authority", "type"]),
    (["社会信用代码", "市场主体名称", "成立日期", "经营状态", "经营场所", "法定代表人(负责人)", "注册资金",
      "国民经济行业代码", "登记机关", "所属县区"],
     ["code", "name", "founded", "status", "address", "legal", "capital", "industry", "authority", "county"]),
)  # fmt: skip


def registration_extract(rows: list[dict], *, variant: int = 0, fmt: str = "csv") -> bytes:
    headers, keys = REGISTRATION_LAYOUTS[variant]
    rows = [{"type": "有限责任公司", **row} for row in rows]
    return table(headers, [_pick(row, keys) for row in rows], fmt=fmt, title="市场主体登记信息（导出）")


# 统计: above-scale firms with the 107-1 R&D survey. Keys: code, name, year, employees, revenue, main_revenue,
# assets, liabilities, rd, rd_staff (not used), rd_internal (not used), patents. Money in 千元 unless `unit` says.
STATISTICS_LAYOUTS = (
    (["统一社会信用代码", "单位详细名称", "统计年度", "从业人员期末人数", "营业收入", "主营业务收入", "资产总计",
      "负债合计", "研究开发人员合计", "研究开发费用合计", "研发经费内部支出", "期末有效发明专利数"],
     ["code", "name", "year", "employees", "revenue", "main_revenue", "assets", "liabilities", "rd_staff", "rd",
      "rd_internal", "patents"]),
    (["组织机构代码(统一社会信用代码)", "单位名称", "从业人员平均人数", "营业收入（千元）", "资产总额",
      "负债总额", "研发费用合计", "工业总产值"],
     ["code", "name", "employees", "revenue", "assets", "liabilities", "rd", "output"]),
)  # fmt: skip


def statistics_list(rows: list[dict], *, variant: int = 0, fmt: str = "csv", revenue_header: str = "") -> bytes:
    headers, keys = STATISTICS_LAYOUTS[variant]
    headers = list(headers)
    if revenue_header:
        headers[keys.index("revenue")] = revenue_header
    return table(headers, [_pick(row, keys) for row in rows], fmt=fmt, title="规模以上工业企业主要指标及研发活动情况")


# 税务 A107012 totals (元). Keys: code, name, year, rd, deduction (not used).
def tax_rd_list(rows: list[dict], *, fmt: str = "csv") -> bytes:
    headers = ["纳税人识别号", "纳税人名称", "所属年度", "研发活动费用合计", "本年研发费用加计扣除总额"]
    keys = ["code", "name", "year", "rd", "deduction"]
    return table(headers, [_pick(row, keys) for row in rows], fmt=fmt, encoding="gbk")


# 税务 A107041 (元). Keys: code, name, year, ht_revenue, employees, st, rd, rd_domestic, income (not used), rd3.
def tax_high_tech_list(rows: list[dict], *, fmt: str = "csv") -> bytes:
    headers = ["纳税人识别号", "纳税人名称", "所属年度", "高新技术产品（服务）收入", "职工总数", "科技人员数",
               "本年研发费用金额", "其中：境内研发费用", "收入总额", "近三年研发费用合计"]  # fmt: skip
    keys = ["code", "name", "year", "ht_revenue", "employees", "st", "rd", "rd_domestic", "income", "rd3"]
    return table(headers, [_pick(row, keys) for row in rows], fmt=fmt)


# 科技: tech-based SME registrations. Keys: seq, code, name, number, year, region.
def tech_sme_announcement(rows: list[dict], *, fmt: str = "csv", with_year: bool = True) -> bytes:
    headers = ["序号", "统一社会信用代码", "企业名称", "入库登记编号", "年度", "所在地区"]
    keys = ["seq", "code", "name", "number", "year", "region"]
    if not with_year:
        headers, keys = headers[:4], keys[:4]
    return table(headers, [_pick(row, keys) for row in rows], fmt=fmt, title="科技型中小企业入库登记名单公告")


# 科技: high-tech certifications. Keys: seq, code, name, number, issued, field.
def high_tech_list(rows: list[dict], *, fmt: str = "csv") -> bytes:
    headers = ["序号", "企业名称", "统一社会信用代码", "证书编号", "发证日期", "技术领域"]
    keys = ["seq", "name", "code", "number", "issued", "field"]
    return table(headers, [_pick(row, keys) for row in rows], fmt=fmt, title="高新技术企业认定名单")


# 知识产权: the patent office's export. Keys: number, kind, title, filed, granted, status, holder, code, agency.
def patent_export(rows: list[dict], *, fmt: str = "csv") -> bytes:
    headers = ["申请号", "专利类型", "发明名称", "申请日", "授权公告日", "法律状态", "专利权人",
               "专利权人统一社会信用代码", "代理机构"]  # fmt: skip
    keys = ["number", "kind", "title", "filed", "granted", "status", "holder", "code", "agency"]
    return table(headers, [_pick(row, keys) for row in rows], fmt=fmt)
