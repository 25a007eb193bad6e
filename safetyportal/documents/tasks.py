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
    # The row is the truth, nobody reads this task's result. With a result, every publish first subscribes to the
    # Redis result backend, which retries 20 times (about 19 s) when Redis is down: the request would hang.
    ignore_result=True,
)
def render_document(document_id: int) -> None:
    try:
        services.render(document_id=document_id)
    except SoftTimeLimitExceeded:
        services.mark_failed(document_id=document_id, message=_("文书生成超时，请精简内容后重试。"))


@shared_task(name="documents.sweep")
def sweep_documents() -> int:
    return len(services.sweep_stale_documents())
