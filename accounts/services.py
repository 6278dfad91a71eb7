from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import User
from accounts.permissions import opens_admin_site


@transaction.atomic
def user_create(*, username: str, password: str, role: str, county=None, enterprise=None, **fields) -> User:
    """Create an account. Only city administrators get the Django admin."""
    user = User(username=username, role=role, county=county, enterprise=enterprise, **fields)
    user.is_staff = user.is_superuser = opens_admin_site(user)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
