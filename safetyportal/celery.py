"""The Celery app. Tasks live in each app's tasks.py and are discovered automatically."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyportal.settings")

app = Celery("safetyportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def warm_up_renderer(**_kwargs: object) -> None:
    """Load WeasyPrint and the CJK fonts once in the parent, so every forked child's first document renders warm."""
    import django

    django.setup()
    from safetyportal.documents.rendering import warm_up

    try:
        warm_up()
    except Exception:  # a broken font setup must not stop the worker; documents will report the error
        import logging

        logging.getLogger(__name__).exception("renderer warm-up failed")
