"""How each department's list is read: its mapping profile, stored as data so that a new layout of the same list
is a change of configuration (the admin site), not of code."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import DepartmentList


class MappingProfile(models.Model):
    """One department list's layout: for each registry field it supplies, the headers the department writes (the
    first is the one a template shows); the unit of each money column (元, 千元 or 万元; a unit written in the header,
    such as 营业收入(千元), wins); extra spellings of coded values (登记状态, 法律状态); and headers known to carry
    nothing the registry keeps (shown in the preview as not used, as is any other unknown column)."""

    department_list = models.CharField(_("list"), max_length=24, choices=DepartmentList.choices, unique=True)
    source_name = models.CharField(
        _("name of the list"), max_length=100, help_text=_("How the list is named where its values are shown.")
    )
    columns = models.JSONField(
        _("columns"), default=dict, help_text=_("For each field the list supplies, the headers it may carry.")
    )
    units = models.JSONField(_("units"), default=dict, blank=True, help_text=_("元, 千元 or 万元 per money field."))
    values = models.JSONField(
        _("value spellings"), default=dict, blank=True, help_text=_("Per field, a spelling and the value it means.")
    )
    not_used = models.JSONField(
        _("columns not used"),
        default=list,
        blank=True,
        help_text=_("Headers the list carries that have no registry field with the same meaning."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["department_list"]
        verbose_name = _("mapping profile")
        verbose_name_plural = _("mapping profiles")

    def __str__(self):
        return str(self.get_department_list_display())

    def clean(self):
        from departments.profiles import profile_problems

        problems = profile_problems(self)
        if problems:
            from django.core.exceptions import ValidationError

            raise ValidationError(problems)
