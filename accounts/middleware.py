import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from accounts.permissions import has_idle_timeout, needs_second_factor

PASSWORD_CHANGE_REQUIRED = _("Your account was given a one-time password: choose your own password to continue.")
SECOND_FACTOR_REQUIRED = _("Give the code from your authenticator app to continue.")
IDLE_LOGGED_OUT = _("You were logged out after %(minutes)d minutes without activity. Log in again to continue.")
# Requests the page makes by itself (the header bell's count each minute) are not activity.
BACKGROUND_HEADER = "HTTP_X_PORTAL_BACKGROUND"
LAST_SEEN_KEY = "portal_last_seen"


class ChosenLanguageMiddleware:
    """The interface language is the one the user chose in the header switch, else Simplified Chinese.

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored: the portal is a Chinese
    government service, and a workstation with an English browser should still open in Chinese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PasswordChangeRequiredMiddleware:
    """A user still holding a one-time password may only change it (or log out, switch language, load static
    files) until it is changed: every other page sends them to the password-change page, the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(exact paths, path prefixes) such a user may still reach; resolved once, on the first request."""
        if self._open_paths is None:
            names = ("password_change", "password_change_done", "logout", "second_factor", "second_factor_setup")
            exact = tuple(reverse(name) for name in names)
            prefixes = (reverse("set_language"), reverse("javascript-catalog"), settings.STATIC_URL)
            self._open_paths = (exact, tuple("/" + p.lstrip("/") for p in prefixes))
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            exact, prefixes = self.open_paths()
            path = request.path
            if path not in exact and not path.startswith(prefixes):
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": str(PASSWORD_CHANGE_REQUIRED)}, status=403)
                messages.warning(request, PASSWORD_CHANGE_REQUIRED)
                return redirect("password_change")
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A user whose role needs the second factor (settings.OTP_REQUIRED_ROLES) and whose session has not given a
    code yet may only give one, set the app up, or log out: pages send them to the code page (or to the set-up page
    until an app is enrolled), the API answers 403. API tokens are only issued against a code (accounts/api)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self._open_paths is None:
            exact = tuple(reverse(name) for name in ("second_factor", "second_factor_setup", "logout"))
            prefixes = (reverse("set_language"), reverse("javascript-catalog"), settings.STATIC_URL)
            self._open_paths = (exact, tuple("/" + p.lstrip("/") for p in prefixes))
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and needs_second_factor(user) and not user.is_verified():
            exact, prefixes = self.open_paths()
            path = request.path
            if path not in exact and not path.startswith(prefixes):
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": str(SECOND_FACTOR_REQUIRED)}, status=403)
                return redirect_to_login(request.get_full_path(), reverse("second_factor"))
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Staff sessions (settings.SESSION_IDLE_TIMEOUT_ROLES) end after SESSION_IDLE_TIMEOUT_MINUTES without a
    request of the user's own (the header bell's polling, marked X-Portal-Background, is not one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and has_idle_timeout(user):
            now = int(time.time())
            limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                if request.path_info.startswith("/api/") or request.META.get(BACKGROUND_HEADER):
                    return JsonResponse({"detail": str(IDLE_LOGGED_OUT % {"minutes": limit // 60})}, status=401)
                messages.info(request, IDLE_LOGGED_OUT % {"minutes": limit // 60})
                return redirect_to_login(request.get_full_path())
            # The session notes the time again only after a tenth of the timeout (3 minutes of 30): most requests
            # write nothing, and the user is logged out between 27 and 30 quiet minutes.
            if not request.META.get(BACKGROUND_HEADER) and (last_seen is None or now - last_seen >= limit // 10):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
