"""The registry's entries in the access log (core.access): a firm's contact person and phone shown to someone
other than the firm, on its page, its edit form or the API."""

from django.utils.translation import gettext_lazy as _

from core.access import AccessKind, record_access
from enterprises.models import Enterprise
from enterprises.permissions import contact_view_is_recorded

CONTACT_WHERE = {
    "page": _("A firm's contact details, on its page"),
    "edit": _("A firm's contact details, in the edit form"),
    "api": _("A firm's contact details, through the API"),
}


def firm_subject(enterprise: Enterprise) -> str:
    return f"{enterprise.name}（{enterprise.credit_code}）"


def record_contact_view(*, request, enterprise: Enterprise, where: str) -> None:
    """One log row when the firm has a contact person or phone and `request.user` is not the firm itself."""
    if not (enterprise.contact_person or enterprise.contact_phone):
        return
    if not contact_view_is_recorded(request.user, enterprise):
        return
    record_access(
        request=request, kind=AccessKind.CONTACT_VIEW, what=CONTACT_WHERE[where], subject=firm_subject(enterprise)
    )
