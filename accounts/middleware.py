from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

PASSWORD_CHANGE_REQUIRED = _("Your account was given a one-time password: choose your own password to continue.")


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
            exact = tuple(reverse(name) for name in ("password_change", "password_change_done", "logout"))
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
