"""Receivers that keep API tokens from outliving the session or the password they were issued under, and start the
idle clock at login."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.middleware import LAST_SEEN_KEY
from accounts.models import User
from accounts.tokens import api_tokens_revoke


@receiver(user_logged_out, dispatch_uid="accounts-revoke-tokens-on-logout")
def revoke_tokens_on_logout(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:
        api_tokens_revoke(user_id=user.pk)


@receiver(pre_save, sender=User, dispatch_uid="accounts-note-password-change")
def note_password_change(sender, instance, update_fields=None, raw=False, **kwargs):
    """Every path that changes a password (the change page, the admin, a one-time password, `changepassword`)
    saves the user: compare the stored hash once, unless the save names its fields and the password is not one."""
    instance._password_changed = False
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=User, dispatch_uid="accounts-revoke-tokens-on-password-change")
def revoke_tokens_on_password_change(sender, instance, created=False, **kwargs):
    if not created and getattr(instance, "_password_changed", False):
        api_tokens_revoke(user_id=instance.pk)
        instance._password_changed = False


@receiver(user_logged_in, dispatch_uid="accounts-start-idle-clock")
def start_idle_clock(sender, request, user, **kwargs):
    """The login itself is activity: the idle timeout counts from here (and the first page writes no session)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN_KEY] = int(time.time())
