"""The safety portal project package, also the shared core app (organisation model, scoping, roles)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
