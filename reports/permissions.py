"""Who may do what with yearly reports: report (a firm's own account), review (county staff of the firm's county),
open the windows (city staff and the administrator), and which party of a report's workflow a user is. Which
reports a user finds at all is accounts.scoping's (through reports.selectors)."""

from accounts.permissions import is_city_staff, is_county_staff, is_enterprise_user, is_staff_of_county

FIRM = "firm"
COUNTY = "county"


def may_report(user) -> bool:
    """A firm's own account reports for its firm."""
    return is_enterprise_user(user)


def reviews_reports(user) -> bool:
    """County staff review their county's reports."""
    return is_county_staff(user)


def may_read_reports(user) -> bool:
    """County staff (their county's) and city staff (every county's) read the submitted reports; only county staff
    act on them."""
    return is_county_staff(user) or is_city_staff(user)


def may_open_windows(user) -> bool:
    """City staff and the city administrator open each year's reporting window."""
    return is_city_staff(user)


def may_see_progress(user) -> bool:
    return is_county_staff(user) or is_city_staff(user)


def parties_of(user, report) -> set[str]:
    """The parties of the report's workflow `user` is (the report comes from a scoped selector)."""
    parties = set()
    if is_enterprise_user(user) and user.enterprise_id == report.enterprise_id:
        parties.add(FIRM)
    if is_county_staff(user) and is_staff_of_county(user, report.enterprise.county_id):
        parties.add(COUNTY)
    return parties
