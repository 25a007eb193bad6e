"""Attachment downloads and removal in the portal: thin views over campaigns.attachments.

Every attachment is found through the requester's scope: another unit's return attachment, or the attachment of a
notice not addressed to the unit, is "not found" (404) like one that does not exist. Files go out only as downloads
(safetyportal.uploads.attachment_response). Office staff download through the same views (the admin links to them).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyportal.accounts.services import is_verified
from safetyportal.scoping import is_office_staff, is_officer
from safetyportal.uploads import attachment_response
from safetyportal.views import officer_required

from . import attachments


def officer_or_staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in (with the second factor) officers and office staff."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_authenticated and is_verified(request.user)):
            return redirect_to_login(request.get_full_path())
        if not (is_officer(request.user) or is_office_staff(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@officer_or_staff_required
def return_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = attachments.return_attachment_for(request.user, pk, attachment_id)
    return attachment_response(
        attachment.stored_name, display_name=attachment.display_name, content_type=attachment.content_type
    )


@require_POST
@officer_required
def return_attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = attachments.return_attachment_for(request.user, pk, attachment_id)
    try:
        attachments.delete_return_attachment(attachment=attachment, by=request.user)
    except PermissionDenied:  # seen but not the unit's own return (an office and its community's): not found
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("附件已删除。"))
    return redirect("portal:return_detail", pk=pk)


@require_GET
@officer_or_staff_required
def notice_attachment(request: HttpRequest, notice_pk: int, attachment_id: int) -> HttpResponse:
    attachment = attachments.notice_attachment_for(request.user, notice_pk, attachment_id)
    return attachment_response(
        attachment.stored_name, display_name=attachment.display_name, content_type=attachment.content_type
    )
