"""The rate limiter's counter table, used when the cache cannot count atomically (see safetyportal/throttle.py)."""

from __future__ import annotations

from django.db import models


class ThrottleCounter(models.Model):
    """One row per client, limit and time window; rows whose window has passed are purged by the limiter."""

    key = models.CharField(primary_key=True, max_length=160)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True, help_text="Unix time after which the window is over")

    class Meta:
        app_label = "safetyportal"
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
