"""(Re)generate the import test corpus in tests/data/import_corpus/: `.venv/bin/python tests/data/make_corpus.py`.

The generated files are committed: they are the corpus. The script only makes them reproducible (same bytes on every
run: csv is hand-written text, xlsx comes from XlsxWriter with a fixed creation date, binaries from fixed bytes).

Each bad file carries exactly one kind of error, on a known row and column; every other cell is valid (in particular
every credit code passes its check, except in the files about credit codes). The registry the files are checked
against is REGISTRY below: tests create those firms before uploading.
"""

import datetime
import io
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS_DIR = HERE / "import_corpus"

if __name__ == "__main__":  # run as a script from anywhere: make the project importable
    sys.path.insert(0, str(HERE.parents[1]))

import xlsxwriter  # noqa: E402

from enterprises.credit_codes import make_credit_code  # noqa: E402

# Figures belong to this year: inside the importer's accepted range (1949 to the current year) whenever tests run.
YEAR = 2024
XLSX_CREATED = datetime.datetime(2026, 1, 1)


def firm_code(county_code: str, number: int) -> str:
    """A valid credit code. "MA" in the serial part keeps corpus codes apart from the factories' all-digit codes."""
    return make_credit_code(f"91{county_code}MA{number:07d}")


def firm_name(number: int) -> str:
    return f"平顶山语料{number:03d}科技有限公司"


# Firms already in the registry when a corpus file is checked (tests create them, see REGISTRY_INDICATORS too).
REGISTRY = [
    {"credit_code": firm_code("410402", 901), "name": "平顶山既有一号科技有限公司", "county": "410402"},
    {"credit_code": firm_code("410402", 902), "name": "平顶山既有二号科技有限公司", "county": "410402"},
    {"credit_code": firm_code("410403", 903), "name": "卫东既有三号科技有限公司", "county": "410403"},
]
R1, R2, R3 = REGISTRY

ENTERPRISE_HEADER = [
    "统一社会信用代码",
    "企业名称",
    "县区",
    "成立日期",
    "年度",
    "从业人员",
    "科技人员",
    "营业收入(万元)",
    "研发费用(万元)",
    "境内研发费用(万元)",
]
QUALIFICATION_HEADER = ["统一社会信用代码", "企业名称", "资质类型", "证书编号", "有效期起", "有效期止"]


def enterprise_row(number: int, county: str = "新华区", county_code: str = "410402") -> list[str]:
    """A valid row of ENTERPRISE_HEADER for a firm new to the registry."""
    return [
        firm_code(county_code, number),
        firm_name(number),
        county,
        f"2016-04-{number % 28 + 1:02d}",
        str(YEAR),
        "120",
        "20",
        "3000",
        "120",
        "100",
    ]


def enterprise_rows(count: int = 3, first: int = 1) -> list[list[str]]:
    return [enterprise_row(n) for n in range(first, first + count)]


def qualification_rows() -> list[list[str]]:
    return [
        [R1["credit_code"], R1["name"], "高新技术企业", "GR202441000001", "2024-12-01", "2027-11-30"],
        [R1["credit_code"], R1["name"], "科技型中小企业", "202441040200001", "2025-04-01", "2025-12-31"],
        [R2["credit_code"], R2["name"], "瞪羚企业", "", "2025-01-01", "2025-12-31"],
    ]


def column(header: list[str], name: str) -> int:
    return header.index(name)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """Hand-written csv: a cell is quoted only when it holds a comma or a quote."""

    def cell(text: str) -> str:
        if "," in text or '"' in text:
            return '"' + text.replace('"', '""') + '"'
        return text

    return "".join(",".join(cell(c) for c in line) + "\r\n" for line in [header, *rows])


def xlsx_bytes(rows: list[list], *, formulas: dict[tuple[int, int], tuple[str, object]] | None = None) -> bytes:
    """A one-sheet workbook. `rows` are written from A1 (numbers as numbers, dates as dates); `formulas` maps a
    0-based (row, column) to (formula, cached value)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"created": XLSX_CREATED, "author": "tests/data/make_corpus.py"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("企业年度数据")
    for r, line in enumerate(rows):
        for c, value in enumerate(line):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date_format)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value not in ("", None):
                sheet.write_string(r, c, value)
    for (r, c), (formula, cached) in (formulas or {}).items():
        sheet.write_formula(r, c, formula, None, cached)
    workbook.close()
    return buffer.getvalue()


def numeric(row: list[str]) -> list:
    """A row of ENTERPRISE_HEADER with its figures as numbers, for xlsx."""
    out: list = list(row)
    for position in range(column(ENTERPRISE_HEADER, "年度"), len(ENTERPRISE_HEADER)):
        out[position] = float(row[position]) if "." in row[position] else int(row[position])
    return out


def png_bytes() -> bytes:
    """A valid 1x1 PNG: not a spreadsheet at all."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("说明.txt", date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(info, "这不是电子表格。\n".encode())
    return buffer.getvalue()


def build() -> dict[str, bytes]:
    """File name -> content. The comment on each says where its one error is (row as the sheet numbers it)."""
    files: dict[str, bytes] = {}
    h = ENTERPRISE_HEADER

    def enterprise_csv(rows, encoding="utf-8", header=h) -> bytes:
        return csv_text(header, rows).encode(encoding)

    # --- credit codes -------------------------------------------------------------------------------------------
    rows = enterprise_rows()
    good = rows[1][0]
    rows[1][0] = good[:-1] + ("1" if good[-1] != "1" else "2")  # row 3: wrong check character
    files["credit_code_checksum.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[0][0] = rows[0][0][:17]  # row 2: 17 characters
    files["credit_code_length.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[2][0] = rows[2][0][:9] + "I" + rows[2][0][10:]  # row 4: "I" is not in the alphabet
    files["credit_code_format.csv"] = enterprise_csv(rows)

    # --- counties -----------------------------------------------------------------------------------------------
    rows = enterprise_rows()
    rows[1][2] = "东城区"  # row 3: not a county of the city
    files["county_unknown.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[2] = enterprise_row(3, county="卫东区", county_code="410403")  # row 4: uploaded by 新华区 staff
    files["county_out_of_scope.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[1] = [R3["credit_code"], R3["name"], "", *enterprise_row(2)[3:]]  # row 3: a 卫东区 firm, county left empty
    files["firm_out_of_scope.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[1][2] = ""  # row 3: a new firm without a county (uploaded by city staff, who have no default county)
    files["county_required.csv"] = enterprise_csv(rows)

    # --- numbers ------------------------------------------------------------------------------------------------
    rows = enterprise_rows()
    rows[1][column(h, "研发费用(万元)")] = "-12.5"  # row 3
    rows[1][column(h, "境内研发费用(万元)")] = "0"
    files["negative_amount.csv"] = enterprise_csv(rows)

    lines = [h, *(numeric(r) for r in enterprise_rows())]
    lines[3][column(h, "从业人员")] = -5  # row 4
    lines[3][column(h, "科技人员")] = 0
    files["negative_count.xlsx"] = xlsx_bytes(lines)

    rows = enterprise_rows()
    rows[0][column(h, "营业收入(万元)")] = "约3000"  # row 2
    files["number_invalid.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[2][column(h, "营业收入(万元)")] = "30000000元"  # row 4: yuan in a 万元 column
    files["money_in_yuan.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[0][column(h, "科技人员")] = "150"  # row 2: more S&T personnel (150) than employees (120)
    files["st_above_employees.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[2][column(h, "境内研发费用(万元)")] = "130"  # row 4: more than the R&D expense (120)
    files["domestic_above_rd.csv"] = enterprise_csv(rows)

    # --- years and dates ----------------------------------------------------------------------------------------
    rows = enterprise_rows()
    rows[1][column(h, "年度")] = "1948"  # row 3
    files["year_out_of_range.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[2][column(h, "年度")] = "二〇二四"  # row 4
    files["year_invalid.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[1][column(h, "年度")] = ""  # row 3: figures without a year
    files["year_required.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[0][column(h, "成立日期")] = "2021-02-30"  # row 2
    files["date_invalid.csv"] = enterprise_csv(rows)

    rows = enterprise_rows()
    rows[2][column(h, "成立日期")] = "2999-01-01"  # row 4
    files["date_future.csv"] = enterprise_csv(rows)

    # --- repeats, choices, required cells, headers -------------------------------------------------------------
    rows = enterprise_rows(4)
    rows[3] = enterprise_row(1)  # row 5 repeats row 2 (same firm, same year)
    files["duplicate_firm_year.csv"] = enterprise_csv(rows)

    header = [*h, "高新技术领域"]
    rows = [[*r, "电子信息"] for r in enterprise_rows()]
    rows[1][-1] = "量子计算"  # row 3: not one of the eight fields
    files["choice_unknown.csv"] = enterprise_csv(rows, header=header)

    rows = enterprise_rows()
    rows[1][1] = ""  # row 3: the name is required
    files["required_name_empty.csv"] = enterprise_csv(rows)

    header = [*h, "名称"]  # an alias of 企业名称: the same column twice
    rows = [[*r, r[1]] for r in enterprise_rows()]
    files["header_duplicate.csv"] = enterprise_csv(rows, header=header)

    lines = [h, *(numeric(r) for r in enterprise_rows())]
    files["formulas.xlsx"] = xlsx_bytes(lines, formulas={(2, column(h, "营业收入(万元)")): ("=1000*3", 3000)})  # row 3

    # --- encodings ----------------------------------------------------------------------------------------------
    rows = enterprise_rows()
    rows[2][2] = "东城区"  # row 4: unknown county, written in GBK
    files["gbk_county_unknown.csv"] = enterprise_csv(rows, encoding="gbk")

    rows = enterprise_rows()
    rows[0][1] = "平顶山𠮷祥科技有限公司"  # 𠮷 exists in GB18030 but not in GBK
    rows[1][column(h, "成立日期")] = "2021-13-01"  # row 3
    files["gb18030_date_invalid.csv"] = enterprise_csv(rows, encoding="gb18030")

    rows = enterprise_rows()
    rows[2][column(h, "年度")] = "2999"  # row 4
    files["utf8_bom_year_out_of_range.csv"] = enterprise_csv(rows, encoding="utf-8-sig")

    # --- files that are not a readable table --------------------------------------------------------------------
    files["wrong_header.csv"] = csv_text(["序号", "单位", "地区", "数值"], [["1", "某公司", "新华区", "3"]]).encode()
    files["missing_required_column.csv"] = csv_text(
        [c for c in h if c != "企业名称"], [r[:1] + r[2:] for r in enterprise_rows()]
    ).encode()
    files["header_only.csv"] = csv_text(h, []).encode()
    files["empty_sheet.xlsx"] = xlsx_bytes([])
    files["zero_bytes.xlsx"] = b""
    files["not_a_spreadsheet.xlsx"] = png_bytes()
    files["random_binary.xlsx"] = random.Random(20260101).randbytes(600)
    files["zip_not_xlsx.xlsx"] = plain_zip_bytes()
    files["old_excel.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    files["document.pdf"] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

    # --- qualifications -----------------------------------------------------------------------------------------
    q = QUALIFICATION_HEADER
    rows = qualification_rows()
    rows[1][column(q, "有效期止")] = "2025-03-31"  # row 3: before its start, 2025-04-01
    files["qualification_dates_reversed.csv"] = csv_text(q, rows).encode()

    rows = qualification_rows()
    rows[2][0] = firm_code("410402", 999)  # row 4: valid, but no such firm in the registry
    rows[2][1] = ""
    files["qualification_unknown_firm.csv"] = csv_text(q, rows).encode()

    rows = qualification_rows()
    rows[0][column(q, "资质类型")] = "独角兽企业"  # row 2
    files["qualification_kind_unknown.csv"] = csv_text(q, rows).encode()

    rows = qualification_rows()
    rows.append(list(rows[0]))  # row 5 repeats row 2 (same firm, kind and start)
    files["qualification_duplicate.csv"] = csv_text(q, rows).encode()

    rows = qualification_rows()
    rows[2][column(q, "有效期起")] = "2025/02/30"  # row 4
    files["qualification_date_invalid.csv"] = csv_text(q, rows).encode()

    files.update(hostile())

    # --- good files ---------------------------------------------------------------------------------------------
    files["good_enterprises.csv"] = csv_text(GOOD_CSV_HEADER, GOOD_CSV_ROWS).encode()
    files["good_enterprises.xlsx"] = good_xlsx()
    files["good_qualifications.csv"] = csv_text(q, qualification_rows()).encode()
    rows = [[R1["credit_code"], "平顶山既有一号科技股份有限公司", "新华区", *enterprise_row(1)[3:]]]  # row 2
    files["name_differs.csv"] = enterprise_csv(rows)
    return files


# --- hostile files ------------------------------------------------------------------------------------------------
# Files built to cost memory or time, or to change the meaning of figures unseen. Each is either refused with a
# message naming what is wrong (and where), or read with a warning that says what was done.

ZIP_DATE = (2026, 1, 1, 0, 0, 0)
SHEET_PART = "xl/worksheets/sheet1.xml"
SHARED_STRINGS_PART = "xl/sharedStrings.xml"


def xlsx_book(sheets: list[dict]) -> bytes:
    """A workbook of several sheets: each {"name", "rows", "hidden": bool, "merge": [(range, value)],
    "cells": {(row, column): value}} (0-based row and column for "cells")."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"created": XLSX_CREATED, "author": "tests/data/make_corpus.py"})
    for spec in sheets:
        sheet = workbook.add_worksheet(spec["name"])
        for r, line in enumerate(spec.get("rows", [])):
            for c, value in enumerate(line):
                if isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                elif value not in ("", None):
                    sheet.write_string(r, c, value)
        for (r, c), value in spec.get("cells", {}).items():
            sheet.write(r, c, value)
        for cells, value in spec.get("merge", []):
            sheet.merge_range(cells, value)
        if spec.get("hidden"):
            sheet.hide()
    workbook.close()
    return buffer.getvalue()


def rewrite_zip(content: bytes, parts: dict[str, object], *, level: int = 9) -> bytes:
    """`content` (a zip) with some parts replaced: bytes, or a function writing into the part's stream (so a part
    of a gigabyte never exists in memory)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            fresh = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fresh.compress_type = zipfile.ZIP_DEFLATED
            replacement = parts.get(info.filename, source.read(info.filename))
            if callable(replacement):
                with target.open(fresh, "w", force_zip64=True) as stream:
                    replacement(stream)
            else:
                target.writestr(fresh, replacement)
    return buffer.getvalue()


def zip_bomb_bytes(padding_mb: int) -> bytes:
    """A valid one-sheet workbook whose sheet XML carries `padding_mb` MB of blanks inside <sheetData>: legal XML,
    1,000 times smaller packed than unpacked."""
    base = xlsx_bytes([ENTERPRISE_HEADER, *(numeric(r) for r in enterprise_rows())])
    sheet = zipfile.ZipFile(io.BytesIO(base)).read(SHEET_PART)
    before, after = sheet.split(b"<sheetData>", 1)

    def write(stream):
        stream.write(before + b"<sheetData>")
        block = b" " * 2**20
        for _ in range(padding_mb):
            stream.write(block)
        stream.write(after)

    return rewrite_zip(base, {SHEET_PART: write})


def lying_zip_bytes() -> bytes:
    """A workbook whose sheet part declares 100 bytes unpacked but holds more (its headers lie; a reader that
    trusted them would unpack without bound): the check stops at the declared size and the CRC fails."""
    content = bytearray(xlsx_bytes([ENTERPRISE_HEADER, *(numeric(r) for r in enterprise_rows())]))
    archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
    info = archive.getinfo(SHEET_PART)
    size = struct.pack("<I", 100)
    # The local header's uncompressed size sits at offset 22; the central directory entry's at offset 24.
    content[info.header_offset + 22 : info.header_offset + 26] = size
    name = SHEET_PART.encode()
    central = content.rfind(b"PK\x01\x02", 0, content.rfind(name))
    content[central + 24 : central + 28] = size
    return bytes(content)


def dense_sheet_bytes(rows: int, *, full: bool = False) -> bytes:
    """An xlsx of `rows` valid data rows written straight as XML (inline strings): far faster than a writer library,
    for the bench's 300,000- and million-row cases. Five columns, or every template column when `full`."""
    from xml.sax.saxutils import escape

    if full:
        header = [h for _key, h in TEMPLATE_COLUMNS]
    else:
        header = ["统一社会信用代码", "企业名称", "县区", "年度", "营业收入(万元)"]
    letters = [_letters(i) for i in range(len(header))]

    def values(index: int) -> tuple:
        code, name = firm_code("410402", index % 9_000_000 + 1), f"平顶山压测{index:07d}科技有限公司"
        if not full:
            return code, name, "新华区", YEAR, index % 5000
        return (
            code, name, "新华区", "3511", "", "电子信息", "2015-03-18", f"新华区建设路{index % 999}号", "张三",
            "0375-1234567", YEAR, 120, 20, 3000.5, 2800, 2500, 120, 100, 1500, 8000, 3000, 3, 0, 12, 1, 6, 2,
        )  # fmt: skip

    def cell(letter, number, value):
        if isinstance(value, str):
            return f'<c r="{letter}{number}" t="inlineStr"><is><t>{escape(value)}</t></is></c>' if value else ""
        return f'<c r="{letter}{number}"><v>{value}</v></c>'

    def write(stream):
        stream.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        )
        line = "".join(cell(letter, 1, text) for letter, text in zip(letters, header, strict=True))
        stream.write(f'<row r="1">{line}</row>'.encode())
        batch = []
        for index in range(rows):
            number = index + 2
            cells = "".join(cell(letter, number, v) for letter, v in zip(letters, values(index), strict=True))
            batch.append(f'<row r="{number}">{cells}</row>')
            if len(batch) == 10000:
                stream.write("".join(batch).encode())
                batch = []
        stream.write("".join(batch).encode() + b"</sheetData></worksheet>")

    return rewrite_zip(xlsx_bytes([header]), {SHEET_PART: write}, level=6)


def distinct_values(index: int) -> tuple:
    """Row `index` of every template column with every free cell its own (names, codes, addresses, contacts, phones,
    dates, figures): nothing repeats for a reader to keep once. Counties and industries stay valid choices."""
    day = datetime.date(2000, 1, 1) + datetime.timedelta(days=index % 9000)
    rd = round(120 + index * 0.013, 2)
    return (
        firm_code("410402", index % 9_000_000 + 1), f"平顶山全异{index:07d}科技有限公司", "新华区", "3511", "",
        "电子信息", day.isoformat(), f"新华区建设路{index}号{index % 37 + 1}栋", f"联系人{index:07d}",
        f"0375-{index % 10_000_000:07d}", YEAR, 200 + index, 20 + index // 2, round(3000 + index * 0.37, 2),
        round(2999 + index * 0.37, 2), round(2500 + index * 0.31, 2), rd, round(rd - 0.5, 2),
        round(1500 + index * 0.21, 2), round(8000 + index * 0.53, 2), round(3000 + index * 0.29, 2), index % 97,
        index % 89, index % 83, index % 79, index % 73, index % 71,
    )  # fmt: skip


def distinct_csv_bytes(max_bytes: int, max_rows: int) -> tuple[bytes, int]:
    """A GB18030 csv (no BOM) of every template column whose every row differs (`distinct_values`), rows added
    while the file stays within `max_bytes` and `max_rows`. Returns (content, data rows)."""
    header = ",".join(h for _key, h in TEMPLATE_COLUMNS) + "\r\n"
    parts, size, rows = [header.encode("gb18030")], len(header.encode("gb18030")), 0
    while rows < max_rows:
        line = (",".join(str(v) for v in distinct_values(rows)) + "\r\n").encode("gb18030")
        if size + len(line) > max_bytes:
            break
        parts.append(line)
        size += len(line)
        rows += 1
    return b"".join(parts), rows


def _distinct_shared_xlsx(rows: int) -> bytes:
    from xml.sax.saxutils import escape

    header = [h for _key, h in TEMPLATE_COLUMNS]
    letters = [_letters(i) for i in range(len(header))]
    strings: dict[str, int] = {}

    def index_of(text: str) -> int:
        found = strings.get(text)
        if found is None:
            found = strings[text] = len(strings)
        return found

    def cell(letter, number, value):
        if isinstance(value, str):
            return f'<c r="{letter}{number}" t="s"><v>{index_of(value)}</v></c>' if value else ""
        return f'<c r="{letter}{number}"><v>{value}</v></c>'

    cells_count = [0]

    def write_sheet(stream):
        stream.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        )
        line = "".join(cell(letter, 1, text) for letter, text in zip(letters, header, strict=True))
        batch = [f'<row r="1">{line}</row>']
        for index in range(rows):
            number = index + 2
            values = distinct_values(index)
            cells_count[0] += sum(1 for v in values if isinstance(v, str) and v)
            cells = "".join(cell(letter, number, v) for letter, v in zip(letters, values, strict=True))
            batch.append(f'<row r="{number}">{cells}</row>')
            if len(batch) >= 10000:
                stream.write("".join(batch).encode())
                batch = []
        stream.write("".join(batch).encode() + b"</sheetData></worksheet>")

    def write_strings(stream):
        stream.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            + f'count="{cells_count[0] + len(header)}" uniqueCount="{len(strings)}">'.encode()
        )
        batch = []
        for text in strings:
            batch.append(f"<si><t>{escape(text)}</t></si>")
            if len(batch) >= 10000:
                stream.write("".join(batch).encode())
                batch = []
        stream.write("".join(batch).encode() + b"</sst>")

    # The sheet is written before the shared strings (zip order of XlsxWriter's parts), so the table is complete.
    base = xlsx_bytes([header])
    order = [info.filename for info in zipfile.ZipFile(io.BytesIO(base)).infolist()]
    assert order.index(SHEET_PART) < order.index(SHARED_STRINGS_PART), order
    return rewrite_zip(base, {SHEET_PART: write_sheet, SHARED_STRINGS_PART: write_strings}, level=6)


def distinct_xlsx_bytes(max_bytes: int, max_rows: int) -> tuple[bytes, int]:
    """An xlsx as Excel saves it (every text in the shared strings table) of every template column, every row
    different (`distinct_values`): as many rows as stay within `max_bytes` and `max_rows`. Returns (content, rows)."""
    sample = 5000
    per_row = len(_distinct_shared_xlsx(sample)) / sample
    rows = min(max_rows, int(max_bytes / per_row))
    while True:
        content = _distinct_shared_xlsx(rows)
        if len(content) <= max_bytes or rows <= 1:
            return content, rows
        rows = int(rows * max_bytes / len(content) * 0.998)


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def sparse_sheet_bytes() -> bytes:
    """Three good rows and one stray cell at AA1048576: 2 KB packed, a 1,048,576 × 27 grid to a naive reader."""
    return xlsx_book(
        [
            {
                "name": "企业年度数据",
                "rows": [ENTERPRISE_HEADER, *(numeric(r) for r in enterprise_rows())],
                "cells": {(1048575, 26): "x"},
            }
        ]
    )


def hostile() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    h = ENTERPRISE_HEADER
    good = [h, *(numeric(r) for r in enterprise_rows())]

    # --- size and shape: refused before the sheet is loaded -----------------------------------------------------
    files["zip_bomb.xlsx"] = zip_bomb_bytes(48)  # 48 MB of XML in about 50 KB
    files["lying_zip_sizes.xlsx"] = lying_zip_bytes()
    files["sparse_stray_cell.xlsx"] = sparse_sheet_bytes()
    files["far_right_cell.xlsx"] = xlsx_book([{"name": "企业年度数据", "rows": good, "cells": {(2, 16383): "x"}}])
    # More rows than IMPORT_MAX_ROWS (the tests lower it to 5): refused by the scan (xlsx) or while reading (csv).
    files["too_many_rows.xlsx"] = xlsx_bytes([h, *(numeric(r) for r in enterprise_rows(20))])
    files["too_many_rows.csv"] = csv_text(h, enterprise_rows(8)).encode()

    # --- not a spreadsheet, whatever the name says --------------------------------------------------------------
    files["web_page.xlsx"] = (
        "<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'><title>登录</title></head>"
        "<body><form>用户名</form></body></html>\n"
    ).encode()
    files["program.xlsx"] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(118) + b"PE\x00\x00" + bytes(128)
    files["word_document.xlsx"] = _docx_bytes()
    files["excel_2003_xml.xlsx"] = (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"><Table>'
        '<Row><Cell><Data ss:Type="String">统一社会信用代码</Data></Cell></Row></Table></Worksheet></Workbook>\n'
    ).encode()

    # --- meaning changed unseen ---------------------------------------------------------------------------------
    rows = enterprise_rows()
    rows[1][column(h, "营业收入(万元)")] = "12,34"  # row 3: a decimal comma? not 1234
    files["separator_decimal_comma.csv"] = csv_text(h, rows).encode()

    rows = enterprise_rows()
    rows[2][column(h, "营业收入(万元)")] = "1.234,5"  # row 4: a European number, not 12345
    files["separator_european.csv"] = csv_text(h, rows).encode()

    rows = enterprise_rows(3)
    rows.append([*enterprise_row(1)[:2], "卫东区", *enterprise_row(1)[3:]])  # row 5: the firm of row 2, in 卫东区
    rows[3][column(h, "年度")] = str(YEAR - 1)
    files["firm_conflict.csv"] = csv_text(h, rows).encode()

    rows = enterprise_rows()
    rows[1][1] = '=HYPERLINK("http://example.com","点击查看")'  # row 3
    files["formula_like_name.csv"] = csv_text(h, rows).encode()

    lines = [list(line) for line in good]
    lines[3][1] = "@SUM(A1:A2)"  # row 4, a text cell of an xlsx
    files["formula_like_name.xlsx"] = xlsx_book([{"name": "企业年度数据", "rows": lines}])

    rows = enterprise_rows()
    rows[1][1] = "平顶山\x00语料科技有限公司"  # row 3: a NUL inside the name
    files["nul_in_name.csv"] = csv_text(h, rows).encode()

    rows = enterprise_rows()
    rows[2][1] = firm_name(3) + "\u200b"  # row 4: a zero-width space after the name
    files["zero_width_in_name.csv"] = csv_text(h, rows).encode()

    # Read, with a warning saying what was done:
    rows = enterprise_rows()
    rows[0][0] = "\u200b" + rows[0][0]  # row 2: looks like 18 characters, is 19
    rows[2][0] = "\ufeff" + rows[2][0] + "\u200b"  # row 4: a BOM pasted in front
    files["invisible_in_credit_code.csv"] = csv_text(h, rows).encode()

    rows = enterprise_rows()
    rows[1][column(h, "营业收入(万元)")] = ""  # row 3
    rows[2][column(h, "营业收入(万元)")] = ""  # row 4
    files["empty_figure.csv"] = csv_text(h, rows).encode()

    lines = [list(line) for line in good]
    revenue = column(h, "营业收入(万元)")
    for line in lines[2:4]:
        line[revenue] = ""
    letter = chr(65 + revenue)
    files["merged_revenue.xlsx"] = xlsx_book(
        [{"name": "企业年度数据", "rows": lines, "merge": [(f"{letter}2:{letter}4", 3000)]}]
    )

    other = [h, *(numeric(r) for r in enterprise_rows(2, first=50))]
    files["hidden_sheet.xlsx"] = xlsx_book(
        [{"name": "企业年度数据", "rows": good}, {"name": "旧数据", "rows": other, "hidden": True}]
    )
    files["hidden_sheet_only.xlsx"] = xlsx_book(
        [{"name": "说明", "rows": [["数据见另一张表"]]}, {"name": "企业年度数据", "rows": good, "hidden": True}]
    )
    return files


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
            ("word/document.xml", '<?xml version="1.0"?><w:document/>'),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_DATE), text)
    return buffer.getvalue()


# A good csv written the way people write: thousands separators, full-width digits, a 万元 suffix, a county code,
# a Chinese date, a qualification alias. GOOD_CSV_VALUES says what must be stored (money in yuan).
GOOD_CSV_HEADER = [
    "统一社会信用代码",
    "企业名称",
    "县区",
    "行业代码",
    "高新技术领域",
    "成立日期",
    "地址",
    "联系人",
    "联系电话",
    "年度",
    "从业人员",
    "科技人员",
    "营业收入",
    "研发费用(万元)",
    "境内研发费用",
    "发明专利",
]
GOOD_CSV_ROWS = [
    [
        firm_code("410402", 1),
        firm_name(1),
        "新华区",
        "3511",
        "先进制造与自动化",
        "2015年3月18日",
        "新华区建设路1号",
        "张三",
        "0375-1234567",
        str(YEAR),
        "1,200",
        "１２０",
        "1,234.5 万元",
        "１２０．５",
        "100",
        "3",
    ],
    [
        firm_code("410403", 2),
        firm_name(2),
        "410403",
        "C3912",
        "电子信息",
        "2018/07/01",
        "卫东区东环路8号",
        "李四",
        "13800000000",
        str(YEAR),
        "85",
        "30",
        "3,000万",
        "250",
        "250",
        "0",
    ],
    [
        firm_code("410482", 3),
        firm_name(3),
        "汝州市",
        "",
        "",
        "20200115",
        "",
        "",
        "",
        str(YEAR),
        "12",
        "",
        "80.25",
        "",
        "",
        "",
    ],
]
GOOD_CSV_VALUES = {
    firm_code("410402", 1): {
        "county": "410402",
        "industry_code": "3511",
        "high_tech_field": "advanced_manufacturing",
        "founded_on": datetime.date(2015, 3, 18),
        "employees": 1200,
        "st_personnel": 120,
        "revenue": "12345000.00",
        "rd_expense": "1205000.00",
        "rd_expense_domestic": "1000000.00",
        "invention_patents": 3,
    },
    firm_code("410403", 2): {
        "county": "410403",
        "industry_code": "3912",
        "high_tech_field": "electronic_information",
        "founded_on": datetime.date(2018, 7, 1),
        "employees": 85,
        "st_personnel": 30,
        "revenue": "30000000.00",
        "rd_expense": "2500000.00",
        "rd_expense_domestic": "2500000.00",
        "invention_patents": 0,
    },
    firm_code("410482", 3): {
        "county": "410482",
        "industry_code": "",
        "high_tech_field": "",
        "founded_on": datetime.date(2020, 1, 15),
        "employees": 12,
        "st_personnel": 0,
        "revenue": "802500.00",
        "rd_expense": "0.00",
        "rd_expense_domestic": "0.00",
        "invention_patents": 0,
    },
}


# The enterprise template's columns (key, header), as enterprises/importing/columns.py has them; a test checks they
# still agree.
TEMPLATE_COLUMNS = [
    ("credit_code", "统一社会信用代码"),
    ("name", "企业名称"),
    ("county", "县区"),
    ("industry_code", "行业代码"),
    ("industry_name", "行业名称"),
    ("high_tech_field", "高新技术领域"),
    ("founded_on", "成立日期"),
    ("address", "地址"),
    ("contact_person", "联系人"),
    ("contact_phone", "联系电话"),
    ("year", "年度"),
    ("employees", "从业人员"),
    ("st_personnel", "科技人员"),
    ("revenue", "营业收入"),
    ("main_business_revenue", "主营业务收入"),
    ("total_costs", "成本费用总额"),
    ("rd_expense", "研发费用"),
    ("rd_expense_domestic", "境内研发费用"),
    ("high_tech_revenue", "高新技术产品收入"),
    ("total_assets", "资产总额"),
    ("total_liabilities", "负债总额"),
    ("invention_patents", "发明专利"),
    ("other_class1_ip", "其他I类知识产权"),
    ("utility_models", "实用新型专利"),
    ("designs", "外观设计专利"),
    ("software_copyrights", "软件著作权"),
    ("results_converted", "成果转化数"),
]


def good_xlsx() -> bytes:
    """Every template column, numbers as numbers, a title row above the header and a column the template lacks."""
    headers = [header for _key, header in TEMPLATE_COLUMNS] + ["备注"]
    figures = {
        "employees": 300,
        "st_personnel": 45,
        "revenue": 12345.67,
        "main_business_revenue": 12000,
        "total_costs": 11000.5,
        "rd_expense": 600,
        "rd_expense_domestic": 550.25,
        "high_tech_revenue": 8000,
        "total_assets": 20000,
        "total_liabilities": 9000,
        "invention_patents": 4,
        "other_class1_ip": 0,
        "utility_models": 12,
        "designs": 1,
        "software_copyrights": 6,
        "results_converted": 2,
    }
    lines: list[list] = [[f"{YEAR}年度企业数据（金额单位：万元）"], headers]
    for number, (county, code) in enumerate([("新华区", "410402"), ("叶县", "410422")], start=11):
        values = {
            "credit_code": firm_code(code, number),
            "name": firm_name(number),
            "county": county,
            "industry_code": "2710",
            "industry_name": "",
            "high_tech_field": "生物与新医药",
            "founded_on": datetime.date(2012, 9, number),
            "address": f"{county}人民路{number}号",
            "contact_person": "王五",
            "contact_phone": "0375-7654321",
            "year": YEAR,
            **figures,
        }
        lines.append([values[key] for key, _header in TEMPLATE_COLUMNS] + ["已核对"])
    return xlsx_bytes(lines)


def main() -> None:
    CORPUS_DIR.mkdir(exist_ok=True)
    files = build()
    for stale in CORPUS_DIR.iterdir():
        if stale.name not in files:
            stale.unlink()
    for name, content in sorted(files.items()):
        (CORPUS_DIR / name).write_bytes(content)
    print(f"{len(files)} files in {CORPUS_DIR}")


if __name__ == "__main__":
    main()
