# The vouchers' fixtures, for the reminder of a claim returned through the workflow itself.
from tests.vouchers.conftest import actors, voucher_world  # noqa: F401
