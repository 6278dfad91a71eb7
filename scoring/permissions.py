"""Who may see the scoring runs (DESIGN §6); portraits themselves follow the firm's scope (accounts.scoping)."""

from accounts.scoping import sees_whole_city


def may_see_runs(user) -> bool:
    """City administrators, staff and leaders: the runs are city-wide."""
    return sees_whole_city(user)
