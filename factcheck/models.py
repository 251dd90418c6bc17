"""The plumbing's one table: task messages a broker refused, kept until it takes them."""

from django.db import models


class UnsentMessage(models.Model):
    """A task message the broker refused (Redis down) after the action it follows committed.

    The sweep sends it once the broker is back (factcheck/celery.py, `unsent_messages_send`):
    work saved during a broker outage starts within seconds of the broker's return, instead
    of waiting until the sweep presumes its message lost (STUCK_AFTER, factcheck/limits.py).
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
