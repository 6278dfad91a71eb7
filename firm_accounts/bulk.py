"""Enterprise accounts created in bulk by staff: one account per firm of a list, each with a one-time password,
handed out as an xlsx generated once (only the password hashes are kept).

The list is checked row by row first (credit code, registry, scope, existing accounts, duplicates); one bad row
and nothing is created. Firms outside the staff member's scope are reported as such (accounts.scoping decides).
"""

import io
from dataclasses import dataclass, field

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.hashers import hash_one_time_password, one_time_password
from accounts.models import Role, User
from accounts.scoping import scope_to_user
from enterprises.credit_codes import normalize_credit_code, passes_check, validate_credit_code
from enterprises.importing.columns import CREDIT_CODE
from enterprises.importing.reading import ImportFileError, read_table
from enterprises.models import Enterprise
from firm_accounts.models import AccountBatch
from firm_accounts.permissions import may_create_accounts


@dataclass
class ListedCode:
    row: int  # as the staff member sees it: line of the pasted text, or row of the sheet
    value: str


@dataclass
class RowProblem:
    row: int
    value: str
    problem: str


@dataclass
class BulkCheck:
    enterprises: list[Enterprise] = field(default_factory=list)  # in list order, when there are no problems
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.enterprises) and not self.problems


@dataclass(frozen=True)
class CreatedAccount:
    enterprise: Enterprise
    user: User
    one_time_password: str


# ---------------------------------------------------------------------------------------------------------------
# Reading the list


def codes_from_text(text: str) -> list[ListedCode]:
    """One credit code per line (a pasted column); anything after a comma, tab or space on the line is ignored."""
    listed = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        value = line.strip().replace("\t", ",").replace("，", ",").split(",")[0].strip()
        if value:
            listed.append(ListedCode(number, value))
    return listed


def codes_from_file(content: bytes, *, file_name: str) -> list[ListedCode]:
    """The credit-code column (header 统一社会信用代码 or an alias) of an xlsx or csv file, e.g. a registry export."""
    try:
        table = read_table(content, file_name=file_name, columns=(CREDIT_CODE,))
    except ImportFileError as error:
        raise ValidationError({"file": error.message}) from None
    return [
        ListedCode(number, str(value if value is not None else "").strip())
        for number, value in zip(table.row_numbers, table.cells[CREDIT_CODE.key], strict=True)
    ]


def codes_from_selection(values: list[str]) -> list[ListedCode]:
    """Credit codes ticked in the registry list, numbered in the order they came."""
    return [ListedCode(number, value) for number, value in enumerate(values, start=1) if str(value).strip()]


# ---------------------------------------------------------------------------------------------------------------
# Checking


def _with_accounts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(has_account=Exists(User.objects.filter(enterprise_id=OuterRef("pk"))))


def bulk_check(*, user, listed: list[ListedCode]) -> BulkCheck:
    """Every row's problem, or the firms to create accounts for (three queries, whatever the list's length)."""
    if not may_create_accounts(user):
        raise PermissionDenied
    check = BulkCheck()
    if not listed:
        check.problems.append(RowProblem(0, "", _("The list is empty: give at least one credit code.")))
        return check
    limit = settings.ACCOUNT_BULK_MAX
    if len(listed) > limit:
        check.problems.append(
            RowProblem(0, "", _("%(count)d firms listed; at most %(limit)d at once.") % {"count": len(listed),
                                                                                         "limit": limit})
        )  # fmt: skip
        return check
    codes: dict[int, str] = {}
    first_row: dict[str, int] = {}
    for item in listed:
        try:
            # Early pilot codes with a failing check character exist in the registry: the registry decides below.
            code = validate_credit_code(item.value, allow_bad_check_character=True)
        except ValidationError as error:
            check.problems.append(RowProblem(item.row, item.value, " ".join(error.messages)))
            continue
        if code in first_row:
            check.problems.append(
                RowProblem(item.row, item.value, _("Listed twice: already on row %(row)d.") % {"row": first_row[code]})
            )
            continue
        first_row[code] = item.row
        codes[item.row] = code
    registry = {e.credit_code: e for e in _with_accounts(Enterprise.objects.filter(credit_code__in=codes.values()))
                .select_related("county")}  # fmt: skip
    in_scope = set(scope_to_user(Enterprise.objects.filter(credit_code__in=registry), user=user).values_list(
        "credit_code", flat=True))  # fmt: skip
    enterprises = []
    for item in listed:
        code = codes.get(item.row)
        if code is None:
            continue
        enterprise = registry.get(code)
        if enterprise is None:
            if passes_check(code):
                problem = _("No firm with the credit code %(code)s in the registry.") % {"code": code}
            else:
                problem = " ".join(_check_messages(code))
        elif code not in in_scope:
            problem = _("%(name)s is outside your county.") % {"name": enterprise.name}
        elif enterprise.has_account:
            problem = _("%(name)s already has an account.") % {"name": enterprise.name}
        else:
            enterprises.append(enterprise)
            continue
        check.problems.append(RowProblem(item.row, item.value, problem))
    check.problems.sort(key=lambda problem: problem.row)
    if not check.problems:
        check.enterprises = enterprises
    return check


def _check_messages(code: str) -> list[str]:
    try:
        validate_credit_code(code)
    except ValidationError as error:
        return error.messages
    return []


# ---------------------------------------------------------------------------------------------------------------
# Creating


def bulk_create_accounts(*, user, listed: list[ListedCode]) -> tuple[AccountBatch, list[CreatedAccount]]:
    """Check `listed` and, if every row is good, create one enterprise account per firm, each with a one-time
    password (returned once, hashed in the database), and the batch's audit row; all or nothing.

    Raises ValidationError carrying the BulkCheck (`error.check`) when a row is wrong."""
    check = bulk_check(user=user, listed=listed)
    if not check.ok:
        error = ValidationError(_("Nothing was created: %(count)d row(s) have a problem.") % {"count": len(
            check.problems)})  # fmt: skip
        error.check = check
        raise error
    ids = [enterprise.pk for enterprise in check.enterprises]
    created = []
    with transaction.atomic():
        # Locked in id order (no deadlock between two batches), then checked again: another batch or an approved
        # request may have given one of these firms an account since the check.
        list(Enterprise.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        taken = dict(User.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", "username"))
        usernames = {enterprise.credit_code for enterprise in check.enterprises}
        username_taken = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        problems = [
            RowProblem(row, enterprise.credit_code, _("%(name)s already has an account.") % {"name": enterprise.name})
            for row, enterprise in _rows(listed, check.enterprises)
            if enterprise.pk in taken
        ] + [
            RowProblem(row, enterprise.credit_code,
                       _("The username %(name)s is taken by another account.") % {"name": enterprise.credit_code})
            for row, enterprise in _rows(listed, check.enterprises)
            if enterprise.pk not in taken and enterprise.credit_code in username_taken
        ]  # fmt: skip
        if problems:
            error = ValidationError(_("Nothing was created: %(count)d row(s) have a problem.") % {"count": len(
                problems)})  # fmt: skip
            error.check = BulkCheck(problems=sorted(problems, key=lambda problem: problem.row))
            raise error
        users = []
        for enterprise in check.enterprises:
            password = one_time_password()
            account = User(
                username=enterprise.credit_code,
                role=Role.ENTERPRISE,
                enterprise=enterprise,
                first_name=enterprise.contact_person[:150],
                phone=enterprise.contact_phone,
                must_change_password=True,
                password=hash_one_time_password(password),
            )
            users.append(account)
            created.append(CreatedAccount(enterprise=enterprise, user=account, one_time_password=password))
        User.objects.bulk_create(users)
        batch = AccountBatch.objects.create(
            created_by=user,
            account_count=len(users),
            accounts=[
                {"credit_code": item.enterprise.credit_code, "username": item.user.username, "user": item.user.pk}
                for item in created
            ],
        )
    return batch, created


def _rows(listed: list[ListedCode], enterprises: list[Enterprise]):
    """(row, enterprise) pairs: the good rows are exactly the enterprises, in list order."""
    by_code = {enterprise.credit_code: enterprise for enterprise in enterprises}
    for item in listed:
        code = normalize_credit_code(item.value)
        if code in by_code:
            yield item.row, by_code.pop(code)


def accounts_workbook(created: list[CreatedAccount]) -> bytes:
    """The one copy of the one-time passwords: firm, credit code, county, username, password."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Accounts"))
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    headers = [_("Firm"), _("Credit code"), _("County"), _("Username"), _("One-time password")]
    sheet.write_row(0, 0, headers, bold)
    for index, item in enumerate(created, start=1):
        sheet.write_string(index, 0, item.enterprise.name)
        sheet.write_string(index, 1, item.enterprise.credit_code, text)
        sheet.write_string(index, 2, item.enterprise.county.name)
        sheet.write_string(index, 3, item.user.username, text)
        sheet.write_string(index, 4, item.one_time_password, text)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 4, 22)
    note_row = len(created) + 2
    sheet.write(note_row, 0, _("Each password works once: the firm must choose its own at first login."))
    workbook.close()
    return output.getvalue()


def firms_for_accounts(*, user, q: str = "", county: str = "", without_account: bool = True) -> QuerySet:
    """The registry list to pick firms from: firms in scope, with whether each has an account (one query)."""
    if not may_create_accounts(user):
        return Enterprise.objects.none()
    queryset = scope_to_user(Enterprise.objects.all(), user=user)
    q = (q or "").strip()
    if q:
        code = normalize_credit_code(q)
        queryset = queryset.filter(Q(name__icontains=q) | Q(credit_code__startswith=code) if code else
                                   Q(name__icontains=q))  # fmt: skip
    if county:
        queryset = queryset.filter(county__code=county)
    queryset = _with_accounts(queryset)
    if without_account:
        queryset = queryset.filter(has_account=False)
    return (
        queryset.select_related("county")
        .only("id", "name", "credit_code", "county__id", "county__code", "county__name")
        .order_by("county__code", "name", "id")
    )
