"""Faults injected for real: a broker or a cache at an address where nothing listens."""

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from factcheck.celery import app as celery_app


def closed_port() -> int:
    """A local port that nothing listens on (taken from the OS, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Send every message to a Redis broker that is down (a port nothing listens on)."""
    names = ("broker_url", "broker_transport", "broker_transport_options")
    configured = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(
        broker_url=f"redis://127.0.0.1:{closed_port()}/0",
        broker_transport=None,
        broker_transport_options={},
    )
    _forget_connections()
    yield
    celery_app.conf.update(configured)
    _forget_connections()


def _forget_connections() -> None:
    # The app keeps its broker connections and producers: drop them, so the next message
    # connects to the broker configured now (and, after the test, to the real one again).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def cache_down(settings: Any) -> None:
    """Keep the throttles' counts in a Redis that is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


def pytest_configure(config: pytest.Config) -> None:
    """The web-facing scenarios' fixtures and the figures they report (tests/faults/web.py)."""
    from tests.faults import web

    config.pluginmanager.register(web, "tests.faults.web")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The recovery figures of the worker scenarios (tests/faults/workers.py)."""
    from tests.faults.workers import report_figures

    report_figures(terminalreporter)
