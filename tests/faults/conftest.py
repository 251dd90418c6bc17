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
    """The web-facing scenarios' fixtures (tests/faults/web.py)."""
    from tests.faults import web

    config.pluginmanager.register(web, "tests.faults.web")


# The figures the scenarios measure travel in their tests' reports (user_properties), so
# that they reach the summary also when the scenarios run side by side in several
# processes (pytest-xdist, Makefile).
RECOVERY = "fault scenarios: recovery"  # the worker scenarios' (workers.record_recovery)
MEASURED = "fault scenarios: measured"  # the web-facing ones' (web.report_figure)
_figures: dict[str, list[str]] = {RECOVERY: [], MEASURED: []}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "teardown":  # its properties are the whole test's
        return
    for name, value in report.user_properties:
        if name in _figures:
            _figures[name].append(str(value))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for section, lines in _figures.items():
        if lines:
            terminalreporter.section(section)
            for line in lines:
                terminalreporter.write_line(line)
