from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviewers", "0012_language_primary")]

    operations = [
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["state", "assignee"], name="review_state_assignee_idx"),
        ),
    ]
