"""The register's IP counts for the scoring frame (scoring.frames): one grouped query per chunk of firms.

A right counts on day d when it is valid, granted (or registered) by d, and not transferred out by d. A firm with
any register row takes its counts from here, even zero: the register, once kept, is the firm's IP."""

from ip.models import CLASS1_KINDS, CLASS2_KINDS, LegalStatus, Patent


def _kinds(kinds) -> str:
    return ", ".join(f"'{kind.value}'" for kind in kinds)


def register_counts_sql() -> str:
    """Template with {first}, {last} (firm ids) and {on} (ISO date), as scoring.frames formats its queries."""
    held = (
        f"legal_status = '{LegalStatus.VALID.value}' AND (granted_on IS NULL OR granted_on <= '{{on}}') "
        "AND (transferred_out_on IS NULL OR transferred_out_on > '{on}')"
    )
    return (
        f"SELECT enterprise_id, "
        f"COUNT(*) FILTER (WHERE kind IN ({_kinds(CLASS1_KINDS)}) AND {held}), "
        f"COUNT(*) FILTER (WHERE kind IN ({_kinds(CLASS2_KINDS)}) AND {held}) "
        f"FROM {Patent._meta.db_table} WHERE enterprise_id BETWEEN {{first}} AND {{last}} GROUP BY enterprise_id"
    )
