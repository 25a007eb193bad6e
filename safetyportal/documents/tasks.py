from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.utils.translation import gettext as _

from . import services


@shared_task(
    name="documents.render",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_jitter=True,
    max_retries=5,
)
def render_document(document_id: int) -> None:
    try:
        services.render(document_id=document_id)
    except SoftTimeLimitExceeded:
        services.mark_failed(document_id=document_id, message=_("文书生成超时，请精简内容后重试。"))


@shared_task(name="documents.sweep")
def sweep_documents() -> int:
    return len(services.sweep_stale_documents())
