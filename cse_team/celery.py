"""The Celery application: configured from Django settings (CELERY_*), tasks
discovered in each app's tasks.py."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_team.settings")

logger = logging.getLogger(__name__)

app = Celery("cse_team")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_eager_mode_announced = False


def broker_connection(timeout: float):
    """A connection for a web request, which must not wait on a broken broker:
    `timeout` seconds to connect and to each read or write, and no retries
    (kombu's connection retries would otherwise pause between attempts). Its
    own connection, not the shared pool, so these timeouts apply to it alone."""
    options = {
        **app.conf.broker_transport_options,
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "max_retries": 0,
    }
    return app.connection_for_write(connect_timeout=timeout, transport_options=options)


def announce_eager_mode() -> None:
    """Say once per process that background work runs in-process."""
    global _eager_mode_announced
    if app.conf.task_always_eager and not _eager_mode_announced:
        _eager_mode_announced = True
        logger.warning(
            "CELERY_BROKER_URL is not set: background tasks run eagerly in the web process. "
            "Set CELERY_BROKER_URL (and run a worker) in production."
        )


@worker_ready.connect
def _log_worker_ready(sender, **kwargs):
    logger.info("Celery worker ready on %s", app.conf.broker_url)
