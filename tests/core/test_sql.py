import pytest

from core.sql import name_literal, name_literals
from enterprises.models import LEFT_POOL_STATUSES


def test_name_literal_quotes_names():
    assert name_literal("rd_expense") == "'rd_expense'"
    assert name_literals(LEFT_POOL_STATUSES) == "'moved_out', 'revoked', 'deregistered'"


@pytest.mark.parametrize("text", ["a'b", "x; DROP TABLE y", "", "a b"])
def test_name_literal_refuses_anything_but_a_name(text):
    with pytest.raises(ValueError):
        name_literal(text)
