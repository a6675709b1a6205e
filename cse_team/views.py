"""Project-level pages: the home page and the health check."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """Each person's work: the queues the installed apps register for their
    roles (cse_team/home.py), counted in one query."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        from cse_team.home import home_for

        return super().get_context_data(home=home_for(self.request.user), **kwargs)


def _database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unreachable: %s", error)
        return {"ok": False, "error": "unreachable"}
    return {"ok": True}


def _broker_state() -> dict:
    from cse_team.celery import app, broker_connection

    if app.conf.task_always_eager:
        return {"ok": True, "mode": "eager"}
    try:
        # Bounded like the outbox's publish: a hung Redis answers within the
        # load balancer's health-check timeout, as degraded, not a timeout.
        with broker_connection(settings.OUTBOX_PUBLISH_TIMEOUT) as broker:
            broker.ensure_connection(max_retries=0)
    except Exception as error:  # kombu raises transport-specific errors
        logger.error("Health check: broker unreachable: %s", error)
        return {"ok": False, "mode": "broker", "error": "unreachable"}
    return {"ok": True, "mode": "broker"}


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 503 only when the database is down.

    A broker outage is reported but keeps 200: pages still work without
    background jobs, and taking every web node out of service because Redis
    is down would turn a degraded service into no service."""
    database = _database_state()
    broker = _broker_state()
    if not database["ok"]:
        status = "unavailable"
    elif not broker["ok"]:
        status = "degraded"
    else:
        status = "ok"
    body = {"status": status, "database": database, "broker": broker}
    return JsonResponse(body, status=503 if status == "unavailable" else 200)
