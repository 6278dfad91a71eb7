"""The embedded default used by `make run`: debug on, SQLite unless DATABASE_URL says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from config.settings.base import *  # noqa: F403
from config.settings.base import env

# The demo's accounts log in with their password alone (README, "Demo logins"); set OTP_REQUIRED_ROLES to try the
# second factor locally.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[])

WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# SQLite keeps the observations' covering index without its included columns (PostgreSQL reads them off the index);
# the reconciliation's SQLite path reads the table anyway, so the warning says nothing worth acting on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
