"""The one signal the apps send when they change a fact the newsroom counts.

The services that accept a claim, finish or retry a provider's job, record a review's step,
stamp its stage time or freeze a published version call `facts_changed` after writing,
inside their transaction. Whoever keeps figures per day (the newsroom's tallies,
newsroom/rollup.py) listens, and recounts those days in the same transaction: so the
figures change with the facts, or neither does. The apps never import the newsroom; this
module imports neither app.
"""

from datetime import datetime

from django.db.models import Model
from django.dispatch import Signal

# sender: the model whose rows changed; moments: the times whose days they count on.
fact_days_changed = Signal()


def facts_changed(model: type[Model], *moments: datetime | None) -> None:
    """Say that rows of `model` counted on the days of `moments` changed (None: no day)."""
    days = [moment for moment in moments if moment is not None]
    if days:
        fact_days_changed.send(sender=model, moments=days)
