from __future__ import annotations

from typing import Any

from .models import DocumentStatus, GeneratedDocument


def verifiable_document(token: str) -> GeneratedDocument | None:
    """An issued, finished document by its public verification token."""
    if not token or len(token) > 32:
        return None
    return (
        GeneratedDocument.objects.select_related("authority")
        .filter(verify_token=token, status=DocumentStatus.DONE, is_preview=False)
        .first()
    )


def documents_for(source: Any) -> list[GeneratedDocument]:
    from django.contrib.contenttypes.models import ContentType

    return list(
        GeneratedDocument.objects.filter(
            source_type=ContentType.objects.get_for_model(source), source_id=source.pk
        ).order_by("-created_at")[:20]
    )


def status_payload(document: GeneratedDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "status": document.status,
        "status_label": str(document.get_status_display()),
        "progress": document.progress,
        "error": document.error,
        "done": document.status == DocumentStatus.DONE,
        "finished": document.status in (DocumentStatus.DONE, DocumentStatus.FAILED),
    }
