"""docker-compose.yml runs the documented commands, each service with a health check.

No Docker engine runs here, so the file is checked by reading it."""

from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from factcheck.celery import app as celery_app

ROOT = Path(settings.BASE_DIR)


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))


def command(service: dict[str, Any]) -> str:
    value = service["command"]
    return value if isinstance(value, str) else " ".join(value)


def test_every_service_is_there_with_a_health_check() -> None:
    services = compose()["services"]
    assert set(services) == {
        *("web", "worker", "worker-interactive", "worker-bulk", "beat"),
        *("postgres", "redis", "flower"),
    }
    for name, service in services.items():
        assert service["healthcheck"]["test"], name


def test_app_services_run_the_documented_commands_on_postgres_and_redis() -> None:
    services = compose()["services"]
    readme = (ROOT / "docs" / "operations.md").read_text()
    assert "gunicorn factcheck.wsgi" in command(services["web"])
    assert "manage.py migrate" in command(services["web"])
    assert command(services["worker"]).startswith("celery -A factcheck worker")
    assert command(services["beat"]).startswith("celery -A factcheck beat")
    for name in ("web", "worker", "worker-interactive", "worker-bulk", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")
        assert "SECRET_KEY" in environment
    for documented in ("celery -A factcheck worker", "celery -A factcheck beat", "gunicorn"):
        assert documented in readme


def test_every_queue_has_a_worker() -> None:
    """A queue nobody consumes holds its tasks for ever: each latency class has its worker."""
    services = compose()["services"]
    consumed = set()
    for service in services.values():
        words = command(service).split() if "command" in service else []
        if words[:4] == ["celery", "-A", "factcheck", "worker"]:
            consumed |= set(words[words.index("-Q") + 1].split(","))
    queues = set(celery_app.amqp.queues)
    assert queues == {"interactive", "default", "bulk"}
    assert consumed == queues
    routed = {route["queue"] for route in celery_app.conf.task_routes.values()}
    assert routed | {celery_app.conf.task_default_queue} <= queues


def test_the_image_is_built_from_the_pinned_dependencies() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "-c constraints.txt" in dockerfile
    assert compose()["services"]["web"]["build"] == "."


def test_the_web_and_each_worker_are_checked_by_their_health_checks() -> None:
    """The web by its liveness probe; each worker by its own heartbeat (factcheck/heartbeat.py)."""
    services = compose()["services"]
    assert "/health/live" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("worker", "worker-interactive", "worker-bulk"):
        words = command(services[name]).split()
        node = words[words.index("-n") + 1].replace("%h", "$$HOSTNAME")
        check = " ".join(services[name]["healthcheck"]["test"])
        assert f"python manage.py worker_health {node}" in check, name


def test_the_workers_keep_their_match_index_on_a_volume() -> None:
    """A worker started again, after a restart or on a new image, reads its match index back
    instead of building it (claims/matching/snapshot.py)."""
    file = compose()
    for name in ("worker", "worker-interactive", "worker-bulk"):
        service = file["services"][name]
        folder = Path(service["environment"]["MATCH_INDEX_SNAPSHOT"]).parent
        assert f"match-index:{folder}" in service["volumes"]
    assert "match-index" in file["volumes"]
    assert "install -d -o factcheck" in (ROOT / "Dockerfile").read_text()  # it may write there
