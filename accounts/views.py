from django.contrib.auth.views import PasswordChangeView

from accounts.forms import PortalPasswordChangeForm


class PortalPasswordChangeView(PasswordChangeView):
    form_class = PortalPasswordChangeForm
