"""Request checks that every page and endpoint needs."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control

NUL_REFUSED = "The address contains a character that is not allowed."


class RejectNullCharactersMiddleware:
    """A NUL character in the query string can be stored nowhere (PostgreSQL
    text refuses it) and is never typed by a person: answer 400 at once,
    rather than a 500 from the search or the access log further in. Forms
    already refuse it in posted fields (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer the application makes (pages,
    API JSON, CSV, PDF, redirects): they carry personal data or the session,
    and a shared computer's browser cache or a proxy must keep none of it.
    Static files are answered earlier, by WhiteNoise, with their own long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
