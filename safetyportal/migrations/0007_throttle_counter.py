"""The rate limiter's counter table (safetyportal/throttle.py), used when the cache cannot count atomically."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0006_role_audit"),
    ]

    operations = [
        migrations.CreateModel(
            name="ThrottleCounter",
            fields=[
                ("key", models.CharField(max_length=160, primary_key=True, serialize=False)),
                ("count", models.PositiveIntegerField(default=0)),
                (
                    "expires_at",
                    models.BigIntegerField(db_index=True, help_text="Unix time after which the window is over"),
                ),
            ],
            options={
                "verbose_name": "限流计数",
                "verbose_name_plural": "限流计数",
            },
        ),
    ]
