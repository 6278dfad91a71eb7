"""Our own names (field names, choice values, rung keys: constants of the code, never user input) written into SQL
as literals, for statements whose shape depends on them (a CASE per figure, an IN list of statuses)."""

from collections.abc import Iterable


def name_literal(name: str) -> str:
    """`name` as an SQL string literal; refuses anything but letters, digits and underscores."""
    text = str(name)
    if not text.replace("_", "").isalnum():
        raise ValueError(f"not a name: {text!r}")
    return f"'{text}'"


def name_literals(names: Iterable[str]) -> str:
    """Names as a comma-separated list of literals, for `IN (…)`."""
    return ", ".join(name_literal(name) for name in names)
