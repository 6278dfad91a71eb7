"""The public-notice list (公示名单) as xlsx: what the public may see of each award, nothing more."""

import io

import xlsxwriter
from django.utils.translation import gettext as _


def _safe(value) -> str:
    """Text starting with a formula character is prefixed with ' (formula injection), as in the registry exports."""
    text = str(value or "")
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def publicity_workbook(claims, *, year: int | None) -> io.BytesIO:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Public notice"))
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    title = _("Innovation vouchers: public notice") + (f" {year}" if year else "")
    sheet.write(0, 0, title, bold)
    headers = [_("No."), _("Claim"), _("Enterprise"), _("Unified social credit code"), _("County"), _("Kind"),
               _("Provider or supplier"), _("Subsidy (yuan)")]  # fmt: skip
    for column, header in enumerate(headers):
        sheet.write(2, column, header, bold)
    total = 0
    row = 3
    for number, claim in enumerate(claims, start=1):
        provider = claim.provider.name if claim.provider_id else claim.supplier_name
        values = [number, claim.reference, _safe(claim.enterprise.name), claim.enterprise.credit_code,
                  claim.enterprise.county.name, _safe(claim.kind.name), _safe(provider)]  # fmt: skip
        for column, value in enumerate(values):
            sheet.write(row, column, value)
        sheet.write_number(row, 7, float(claim.subsidy_requested), money)
        total += claim.subsidy_requested
        row += 1
    sheet.write(row, 6, _("Total"), bold)
    sheet.write_number(row, 7, float(total), money)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 36)
    sheet.set_column(3, 6, 22)
    sheet.set_column(7, 7, 16)
    workbook.close()
    output.seek(0)
    return output
