from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class PortalModelBackend(ModelBackend):
    """Loads the signed-in user with the county and firm every page header and scope check reads."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("county", "enterprise").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
