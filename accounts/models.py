from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    CITY_STAFF = "city_staff", _("City staff")
    COUNTY_STAFF = "county_staff", _("County staff")
    OFFICER = "officer", _("Chief tech service officer")
    ENTERPRISE = "enterprise", _("Enterprise user")
    LEADER = "leader", _("Leader")


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.CITY_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    # No default: every account is created for a role on purpose.
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    county = models.ForeignKey(
        "enterprises.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("county"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("enterprise"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Set on accounts created with a one-time password; AccountSetupMiddleware holds the user on the
    # password-change page until it is changed.
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_known"),
            models.CheckConstraint(
                condition=~Q(role=Role.COUNTY_STAFF) | Q(county__isnull=False),
                name="user_county_staff_has_county",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE) | Q(enterprise__isnull=False),
                name="user_enterprise_user_has_enterprise",
            ),
        ]

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username
