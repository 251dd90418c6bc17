"""Each review keeps the time each stage of its check ended, back-filled from the events."""

from itertools import pairwise
from typing import Any

from django.db import migrations, models
from django.db.models import Func, Min, OuterRef, Subquery
from django.db.models.functions import Round

# The state whose first event ends each stage (Review.STAGE_TIMES when this was written).
STAGE_TIMES = {
    "assigned": "assigned_at",
    "awaiting_approval": "drafted_at",
    "approved": "approved_at",
    "published": "published_at",
}


def stage_times_from_events(apps: Any, schema_editor: Any) -> None:
    """Fill every review's stage times in one UPDATE: the claim's acceptance, and for each
    stage the first event that moved the review to its end; then how long each stage took,
    in whole seconds."""
    Review = apps.get_model("reviewers", "Review")
    ReviewEvent = apps.get_model("reviewers", "ReviewEvent")
    Claim = apps.get_model("claims", "Claim")
    accepted = Claim.objects.filter(pk=OuterRef("claim_id")).values("accepted_at")
    firsts = {
        field: Subquery(
            ReviewEvent.objects.filter(review_id=OuterRef("pk"), to_state=state)
            .order_by()
            .values("review_id")
            .annotate(first=Min("created_at"))
            .values("first")
        )
        for state, field in STAGE_TIMES.items()
    }
    Review.objects.update(accepted_at=Subquery(accepted), **firsts)
    ends = ["accepted_at", *STAGE_TIMES.values()]
    for before, after in pairwise(ends):
        took = Round(EpochSeconds(after) - EpochSeconds(before))
        seconds = after.replace("_at", "_seconds")
        Review.objects.exclude(**{f"{after}__isnull": True}).update(**{seconds: took})


class EpochSeconds(Func):
    """A timestamp as seconds since 1970 (a migration keeps its own functions, and
    reviewers never imports the newsroom)."""

    output_field = models.FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        days = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=days, **extra)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0023_article_source_corrections"),
        ("reviewers", "0010_published_check_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="accepted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="approved_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="assigned_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="drafted_at",
            field=models.DateTimeField(
                blank=True, editable=False, help_text="First sent for approval.", null=True
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="approved_seconds",
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="assigned_seconds",
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="drafted_seconds",
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="published_seconds",
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(stage_times_from_events, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                fields=[
                    "accepted_at",
                    "assigned_seconds",
                    "drafted_seconds",
                    "approved_seconds",
                    "published_seconds",
                ],
                name="review_stage_times_idx",
            ),
        ),
    ]
