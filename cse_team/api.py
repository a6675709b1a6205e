"""The project's API under /api/: one router that every installed app
registers its viewsets into, and the OpenAPI document with its Swagger UI.

An app registers from `<app>/api/routes.py`, which is imported when the URLs
are first loaded (as the admin's autodiscovery does), so the project names no
app and an app that is not installed adds no routes:

    from cse_team.api import router
    router.register("referrals", views.ReferralViewSet, basename="referral")

The site's Content-Security-Policy allows scripts and styles from this service
only, with nothing inline: Swagger UI's files come from drf-spectacular-sidecar
(served as static files), and the split view delivers the page's start-up
script as a separate request instead of an inline <script>."""

import logging
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils.module_loading import autodiscover_modules
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, routers
from rest_framework.views import exception_handler as drf_exception_handler

ROUTES_MODULE = "api.routes"
throttle_log = logging.getLogger("cse_team.throttle")

router = routers.SimpleRouter()


def urlpatterns():
    """Every installed app's routes (importing each app's `api/routes.py` once)."""
    autodiscover_modules(ROUTES_MODULE)
    return router.urls


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "cse_team/swagger_ui.html"
    url_name = "api_schema"
    title = "CSE case management API"


def signed_in_or_token(view):
    """LoginRequiredMiddleware's rule for a view that API clients also call:
    a request with an Authorization header is left to DRF's authentication
    (401 for a bad token); any other anonymous request is sent to sign in.
    (DRF marks its views login_required = False, so the middleware skips them.)"""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    checked.login_required = False
    return checked


def sign_in_required(view):
    """A page for people, not API clients: LoginRequiredMiddleware sends an
    anonymous visitor to sign in, as for every other page."""
    view.login_required = True
    return view


schema_view = signed_in_or_token(SpectacularAPIView.as_view())
docs_view = sign_in_required(ApiDocsView.as_view())


def api_fields_take_json_types() -> None:
    """DRF's CharField turns a JSON number into text (`"what_happened": 12`
    is stored as "12") and its BooleanField takes "yes", "on" or 1 for true,
    so the API accepted what its OpenAPI document says is refused. Every API
    text field, in every app, takes a JSON string only, and every yes/no field
    a JSON true or false; anything else is a 400 with the field's message.
    Applied once at start-up (CseTeamConfig.ready) rather than in each app's
    serializers, so a new serializer cannot forget it."""
    from rest_framework import fields

    if getattr(fields.CharField.to_internal_value, "takes_json_types", False):
        return
    lenient_text = fields.CharField.to_internal_value
    lenient_boolean = fields.BooleanField.to_internal_value

    def text(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return lenient_text(self, data)

    def boolean(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return lenient_boolean(self, data)

    text.takes_json_types = boolean.takes_json_types = True
    fields.CharField.to_internal_value = text
    fields.BooleanField.to_internal_value = boolean
    # Dates in the range the forms take (cse_team.validators.EARLIEST_YEAR).
    for field_class in (fields.DateField, fields.DateTimeField):
        field_class.to_internal_value = _in_form_range(field_class.to_internal_value)


def _in_form_range(lenient):
    from rest_framework.exceptions import ValidationError

    from cse_team.validators import before_earliest_message, too_early

    def dated(self, data):
        value = lenient(self, data)
        if too_early(value):
            raise ValidationError(before_earliest_message("The date"), code="too_early")
        return value

    return dated


def not_found(request, exception):
    """handler404: JSON under /api/ (an API client reads `detail`, as from
    DRF's own 404s), the service's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def exception_handler(exc, context):
    """DRF's answers, and a log line for every throttled call (429 with
    Retry-After, which DRF adds from the throttle's wait)."""
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.Throttled):
        from audit.services import client_address

        request = context["request"]
        token = getattr(request, "auth", None)
        throttle_log.warning(
            "API throttled: user=%s token=%s address=%s %s %s retry_after=%s",
            request.user.get_username() if request.user.is_authenticated else "-",
            getattr(token, "name", "-"),
            client_address(request),
            request.method,
            request.path,
            response.get("Retry-After", "-"),
        )
    return response
