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
