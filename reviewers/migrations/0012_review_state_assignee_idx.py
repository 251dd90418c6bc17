from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviewers", "0011_review_stage_times")]

    operations = [
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["state", "assignee"], name="review_state_assignee_idx"),
        ),
    ]
