"""Who may do what with the patent register (DESIGN §6): staff in scope edit, firms and leaders read."""

from accounts.permissions import is_active_user, is_enterprise_user, is_staff_of_county


def can_edit_patents(user, enterprise) -> bool:
    """Staff in scope (city, or the firm's county) edit a firm's register; firms, officers and leaders read it."""
    return is_staff_of_county(user, enterprise.county_id)


def may_see_patent_overview(user) -> bool:
    """The county overview and the strongest patents: everyone signed in but firms, who read their own register."""
    return is_active_user(user) and not is_enterprise_user(user)
