"""Every write of the training app: certificates issued, reviewed, voided; statuses moved by date; published lists;
fake-certificate reports; bulk import jobs."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.documents.services import request_document
from safetyportal.models import Enterprise, Person
from safetyportal.services import diff, record_history, snapshot, void_record

from .models import (
    ENDED_STATUSES,
    EXTENDED_REVIEW_YEARS,
    ITEM_CATEGORY,
    REVIEW_NOTICE_DAYS,
    REVIEW_YEARS,
    VALIDITY_YEARS,
    VOIDED_STATUSES,
    BatchKind,
    Certificate,
    CertificateReview,
    CertificateSource,
    CertificateStatus,
    Enrolment,
    EnrolmentResult,
    FakeCertificateReport,
    ImportJob,
    ImportStatus,
    PublicationBatch,
    PublicationEntry,
    ReviewResult,
    SessionCategory,
    TrainingInstitution,
    TrainingSession,
    add_years,
)

if TYPE_CHECKING:
    from safetyportal.models import Jurisdiction
    from safetyportal.types import User

logger = logging.getLogger(__name__)

# Files with more data rows than this are validated and imported by the worker, with a progress bar.
INLINE_IMPORT_MAX_ROWS = 2_000


def new_verify_token() -> str:
    return secrets.token_urlsafe(12)  # 96 bits, 16 characters


def certificate_number(id_number: str) -> str:
    return "T" + id_number


def certificate_dates(issued_on: dt.date, *, extended: bool = False) -> tuple[dt.date, dt.date, dt.date]:
    """(valid_from, valid_until, review_due_on) of a certificate issued on ``issued_on``: valid six years, reviewed
    every three (every six when extended)."""
    valid_until = add_years(issued_on, VALIDITY_YEARS) - dt.timedelta(days=1)
    review_due_on = add_years(issued_on, EXTENDED_REVIEW_YEARS if extended else REVIEW_YEARS)
    return issued_on, valid_until, review_due_on


def status_on(*, valid_until: dt.date, review_due_on: dt.date, today: dt.date) -> str:
    """The date-driven status of a certificate that is neither cancelled nor revoked."""
    if valid_until < today:
        return CertificateStatus.EXPIRED
    if review_due_on < today:
        return CertificateStatus.REVIEW_OVERDUE
    if review_due_on <= today + dt.timedelta(days=REVIEW_NOTICE_DAYS):
        return CertificateStatus.REVIEW_DUE
    return CertificateStatus.VALID


def _in_force(person: Person, operation_item: str) -> Certificate | None:
    return (
        Certificate.objects.select_for_update()
        .filter(holder=person, operation_item=operation_item)
        .exclude(status__in=ENDED_STATUSES)
        .first()
    )


def issue_certificate(
    *,
    person: Person,
    operation_item: str,
    issued_on: dt.date,
    by: User | None = None,
    employer: Enterprise | None = None,
    institution: TrainingInstitution | None = None,
    source: str = CertificateSource.LOCAL,
    authority: str | None = None,
    today: dt.date | None = None,
) -> Certificate:
    """Issue a new certificate. A holder keeps at most one certificate in force per operation item."""
    if operation_item not in ITEM_CATEGORY:
        raise ValidationError(_("未知的操作项目。"))
    today = today or timezone.localdate()
    if issued_on > today:
        raise ValidationError(_("发证日期不能晚于今天。"))
    with transaction.atomic():
        if _in_force(person, operation_item) is not None:
            raise ValidationError(_("该人员已持有此操作项目的有效证书，请办理复审而不是重新发证。"))
        valid_from, valid_until, review_due_on = certificate_dates(issued_on)
        certificate = Certificate(
            number=certificate_number(person.id_number),
            holder=person,
            category=ITEM_CATEGORY[operation_item],
            operation_item=operation_item,
            first_issued_on=issued_on,
            valid_from=valid_from,
            valid_until=valid_until,
            review_due_on=review_due_on,
            status=status_on(valid_until=valid_until, review_due_on=review_due_on, today=today),
            employer=employer,
            institution=institution,
            source=source,
            verify_token=new_verify_token(),
        )
        if authority:
            certificate.authority = authority
        certificate.full_clean(exclude=["verify_token"])
        certificate.save()
    logger.info("certificate %s issued by %s", certificate.pk, getattr(by, "pk", None))
    return certificate


def record_review(
    *,
    certificate: Certificate,
    reviewed_on: dt.date,
    result: str,
    by: User | None = None,
    enrolment: Enrolment | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> CertificateReview:
    """Record a re-examination (复审). A pass moves the next due date on by three years (six when extended) and,
    at the end of the six-year validity, renews the certificate for another six years."""
    today = today or timezone.localdate()
    if reviewed_on > today:
        raise ValidationError(_("复审日期不能晚于今天。"))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status in VOIDED_STATUSES:
            raise ValidationError(_("证书已注销或吊销，不能复审。"))
        if certificate.status == CertificateStatus.EXPIRED:
            raise ValidationError(_("证书已过期，需重新参加培训考核取证。"))
        if reviewed_on < certificate.valid_from:
            raise ValidationError(_("复审日期不能早于证书有效期起始日期。"))
        review = CertificateReview(
            certificate=certificate,
            reviewed_on=reviewed_on,
            result=result,
            due_before=certificate.review_due_on,
            enrolment=enrolment,
            notes=notes,
            recorded_by=by if getattr(by, "pk", None) else None,
        )
        if result == ReviewResult.PASSED:
            step = EXTENDED_REVIEW_YEARS if certificate.extended_review else REVIEW_YEARS
            next_due = add_years(certificate.review_due_on, step)
            while next_due <= reviewed_on:  # a late review: the next one falls due three years on from now
                next_due = add_years(next_due, step)
            while next_due > certificate.valid_until + dt.timedelta(days=1):
                certificate.valid_until = add_years(certificate.valid_until, VALIDITY_YEARS)
            certificate.review_due_on = next_due
            certificate.last_reviewed_on = reviewed_on
            certificate.status = status_on(valid_until=certificate.valid_until, review_due_on=next_due, today=today)
            certificate.save(update_fields=["review_due_on", "last_reviewed_on", "valid_until", "status", "updated_at"])
            review.next_due_on = next_due
        review.save()
    return review


def apply_enrolment_result(
    *, enrolment: Enrolment, by: User | None = None, today: dt.date | None = None
) -> Certificate:
    """A passed special-operation enrolment issues a certificate (初训) or renews one (复审)."""
    session = enrolment.session
    if enrolment.result != EnrolmentResult.PASSED:
        raise ValidationError(_("只有考核合格的学员才能发证或复审。"))
    if not session.is_special_operation or not session.operation_item:
        raise ValidationError(_("只有特种作业培训班（已填写操作项目）才能发证或复审。"))
    if enrolment.certificate is not None:
        return enrolment.certificate
    with transaction.atomic():
        if session.category == SessionCategory.SPECIAL_INITIAL:
            certificate = issue_certificate(
                person=enrolment.person,
                operation_item=session.operation_item,
                issued_on=session.ends_on,
                by=by,
                employer=enrolment.enterprise,
                institution=session.institution,
                source=CertificateSource.TRAINING,
                today=today,
            )
        else:
            in_force = _in_force(enrolment.person, session.operation_item)
            if in_force is None:
                raise ValidationError(_("该学员没有此操作项目的有效证书，无法复审。"))
            certificate = in_force
            record_review(
                certificate=certificate,
                reviewed_on=session.ends_on,
                result=ReviewResult.PASSED,
                by=by,
                enrolment=enrolment,
                today=today,
            )
        enrolment.certificate = certificate
        enrolment.save(update_fields=["certificate", "updated_at"])
    return certificate


def apply_session_results(*, session: TrainingSession, by: User | None = None) -> tuple[int, list[str]]:
    """Issue or renew certificates for every passed enrolment of a session that has none yet. Each enrolment is its
    own transaction: one holder's problem (already certified, nothing to renew) does not block the others."""
    done, problems = 0, []
    pending = session.enrolments.filter(result=EnrolmentResult.PASSED, certificate__isnull=True).select_related(
        "person", "enterprise", "session__institution"
    )
    for enrolment in pending:
        try:
            apply_enrolment_result(enrolment=enrolment, by=by)
            done += 1
        except ValidationError as error:
            problems.append(f"{enrolment.person.name}：{'；'.join(error.messages)}")
    return done, problems


def void_certificate(*, certificate: Certificate, by: User, reason: str, status: str) -> Certificate:
    """Cancel (注销) or revoke (吊销) a certificate: the row stays, with who, when and why, and a history row (the
    legal-record kit's ``void_record``)."""
    if status not in VOIDED_STATUSES:
        raise ValidationError(_("只能注销或吊销证书。"))
    if not by.has_perm("training.revoke_certificate"):
        raise PermissionDenied
    return void_record(record=certificate, by=by, reason=reason, status=status)


# What the office may change on an issued certificate (in the admin); everything else is fixed at issue or review.
CERTIFICATE_CHANGEABLE = ("extended_review", "employer")


def change_certificate(*, certificate: Certificate, by: User) -> Certificate:
    """Save the changeable fields of ``certificate`` (an edited instance), with a history row of what changed."""
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate.pk)
        before = snapshot(current)
        for name in CERTIFICATE_CHANGEABLE:
            setattr(current, name, getattr(certificate, name))
        changes = diff(before, snapshot(current))
        if changes:
            current.save(update_fields=[*CERTIFICATE_CHANGEABLE, "updated_at"])
            record_history(current, action="change", by=by, changes=changes)
    return current


def refresh_certificate_statuses(*, today: dt.date | None = None) -> dict[str, int]:
    """Move statuses as dates pass (the daily beat job). Cancelled, revoked and expired certificates never move
    here; four UPDATE statements whatever the number of certificates."""
    today = today or timezone.localdate()
    notice = today + dt.timedelta(days=REVIEW_NOTICE_DAYS)
    live = Certificate.objects.filter(
        status__in=[CertificateStatus.VALID, CertificateStatus.REVIEW_DUE, CertificateStatus.REVIEW_OVERDUE]
    )
    now = timezone.now()
    with transaction.atomic():
        expired = live.filter(valid_until__lt=today).update(status=CertificateStatus.EXPIRED, updated_at=now)
        live_now = live.filter(valid_until__gte=today)
        overdue = (
            live_now.filter(review_due_on__lt=today)
            .exclude(status=CertificateStatus.REVIEW_OVERDUE)
            .update(status=CertificateStatus.REVIEW_OVERDUE, updated_at=now)
        )
        due = (
            live_now.filter(review_due_on__gte=today, review_due_on__lte=notice)
            .exclude(status=CertificateStatus.REVIEW_DUE)
            .update(status=CertificateStatus.REVIEW_DUE, updated_at=now)
        )
        valid = (
            live_now.filter(review_due_on__gt=notice)
            .exclude(status=CertificateStatus.VALID)
            .update(status=CertificateStatus.VALID, updated_at=now)
        )
    return {"expired": expired, "review_overdue": overdue, "review_due": due, "valid": valid}


# Fake certificate reports ------------------------------------------------------------------------------------------


def report_suspected_fake(
    *, certificate: Certificate, description: str, where_seen: str = "", contact: str = ""
) -> FakeCertificateReport:
    report = FakeCertificateReport(
        certificate=certificate,
        description=description.strip(),
        where_seen=where_seen.strip(),
        contact=contact.strip(),
    )
    report.full_clean()
    report.save()
    logger.info("suspected fake certificate reported: report %s", report.pk)
    return report


# Published lists ---------------------------------------------------------------------------------------------------


def create_batch(
    *,
    code: str,
    title: str,
    kind: str,
    issued_on: dt.date,
    date_from: dt.date,
    date_to: dt.date,
    **publicity: Any,
) -> PublicationBatch:
    """A list of the people newly certified (first issued) or re-examined (passed) in a period. ``publicity``: the
    公示期 and objection contact fields of PublicationBatch (publicity_from/to, objection_unit/phone/address/email)."""
    if date_to < date_from:
        raise ValidationError(_("截止日期不能早于起始日期。"))
    unknown = set(publicity) - set(PUBLICITY_FIELDS)
    if unknown:
        raise TypeError(f"create_batch: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        batch = PublicationBatch(code=code, title=title, kind=kind, issued_on=issued_on, **publicity)
        batch.full_clean()
        batch.save()
        if kind == BatchKind.NEW:
            listed = Certificate.objects.filter(first_issued_on__range=(date_from, date_to)).exclude(
                status__in=VOIDED_STATUSES
            )
        else:
            listed = Certificate.objects.filter(
                reviews__result=ReviewResult.PASSED, reviews__reviewed_on__range=(date_from, date_to)
            ).exclude(status__in=VOIDED_STATUSES)
        ids = list(listed.order_by("operation_item", "holder__name", "pk").values_list("pk", flat=True).distinct())
        PublicationEntry.objects.bulk_create(
            [PublicationEntry(batch=batch, certificate_id=pk, position=i) for i, pk in enumerate(ids, 1)],
            batch_size=1000,
        )
    return batch


PUBLICITY_FIELDS = (
    "publicity_from",
    "publicity_to",
    "objection_unit",
    "objection_phone",
    "objection_address",
    "objection_email",
)


def publish_batch(*, batch: PublicationBatch, by: User | None = None) -> PublicationBatch:
    """Publish a list on the public site and have the worker render its PDF."""
    with transaction.atomic():
        batch = PublicationBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.entries.exists():
            raise ValidationError(_("名单为空，不能公示。"))
        problems = batch.publication_problems()  # a 公示 states its period and where objections go
        if problems:
            raise ValidationError(problems)
        batch.is_published = True
        batch.published_at = batch.published_at or timezone.now()
        batch.document = request_document(
            kind="certificate_list", title=batch.title, source=batch, requested_by=by, issued_on=batch.issued_on
        )
        batch.save(update_fields=["is_published", "published_at", "document", "updated_at"])
    return batch


def withdraw_batch(*, batch: PublicationBatch) -> PublicationBatch:
    PublicationBatch.objects.filter(pk=batch.pk).update(is_published=False, updated_at=timezone.now())
    batch.refresh_from_db()
    return batch


# Bulk imports ------------------------------------------------------------------------------------------------------


def create_import_job(
    *,
    kind: str,
    uploaded_file: Any,
    by: User,
    default_jurisdiction: Jurisdiction | None,
    session: TrainingSession | None = None,
    institution: TrainingInstitution | None = None,
) -> ImportJob:
    """Store the file and validate it: at once when it is small, in the worker when it is large."""
    from .importing import estimated_rows

    job = ImportJob(
        kind=kind,
        original_name=str(getattr(uploaded_file, "name", "upload.xlsx"))[:255],
        session=session,
        institution=institution,
        default_jurisdiction=default_jurisdiction,
        created_by=by,
    )
    job.file.save("import.xlsx", uploaded_file, save=False)
    job.save()
    rows = estimated_rows(job.file.path)
    if rows is not None and rows <= INLINE_IMPORT_MAX_ROWS:
        return validate_import(job_id=job.pk)
    transaction.on_commit(lambda: _enqueue("validate", job.pk))
    return job


def _enqueue(step: str, job_id: int) -> None:
    from . import tasks

    task = tasks.validate_import_job if step == "validate" else tasks.run_import_job
    try:
        task.apply_async(args=(job_id,), retry=False)
    except Exception:
        logger.warning("import job %s: broker unavailable", job_id, exc_info=True)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, message=_("任务队列暂不可用，请稍后重新上传。")
        )


def _progress(job_id: int) -> Any:
    def report(percent: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=percent, updated_at=timezone.now())

    return report


def _finish(job: ImportJob, result: Any, *, committed: bool) -> ImportJob:
    job.total_rows = result.total_rows
    job.error_count = len(result.problems)
    job.errors = [str(p) for p in result.problems[:1000]]
    job.summary = result.summary
    job.progress = 100
    if result.problems:
        job.status = ImportStatus.INVALID
        job.message = _("校验未通过，未导入任何数据。共%(count)s处错误，请修改后重新上传。") % {
            "count": job.error_count
        }
    elif committed:
        job.status = ImportStatus.DONE
        job.message = _("导入完成。")
        job.finished_at = timezone.now()
    else:
        job.status = ImportStatus.READY
        job.message = _("校验通过，请核对后确认导入。")
    if job.status != ImportStatus.READY:
        _drop_file(job)  # the upload holds full ID numbers: keep it no longer than the job needs it
    job.save()
    return job


def _drop_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)


def purge_stale_import_files(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Uploads of jobs nobody confirmed (or that a dead worker left) are deleted after a day."""
    stale = ImportJob.objects.filter(updated_at__lt=timezone.now() - older_than).exclude(file="")
    count = 0
    for job in stale:
        _drop_file(job)
        job.save(update_fields=["file", "updated_at"])
        count += 1
    return count


def validate_import(*, job_id: int) -> ImportJob:
    """The preview: every row validated against the file and the database, nothing written."""
    from .importing import run_importer

    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.VALIDATING:
        return job
    result = run_importer(job, commit=False, progress=_progress(job.pk))
    return _finish(job, result, committed=False)


def confirm_import(*, job: ImportJob, by: User) -> ImportJob:
    if (
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(status=ImportStatus.QUEUED, progress=0)
        != 1
    ):
        raise ValidationError(_("该导入任务不是待确认状态。"))
    job.refresh_from_db()
    if job.total_rows <= INLINE_IMPORT_MAX_ROWS:
        return run_import(job_id=job.pk)
    transaction.on_commit(lambda: _enqueue("run", job.pk))
    return job


def run_import(*, job_id: int) -> ImportJob:
    """The import itself: the file is validated again (the database may have changed since the preview) and written
    in one transaction, all or nothing."""
    from .importing import run_importer

    if ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING) != 1:
        return ImportJob.objects.get(pk=job_id)  # a duplicate delivery, or not confirmed
    job = ImportJob.objects.get(pk=job_id)
    try:
        result = run_importer(job, commit=True, progress=_progress(job.pk))
    except Exception as error:
        logger.exception("import job %s failed", job_id)
        job.status = ImportStatus.FAILED
        job.message = _("导入失败，未导入任何数据：%(error)s") % {"error": type(error).__name__}
        job.finished_at = timezone.now()
        _drop_file(job)
        job.save()
        return job
    return _finish(job, result, committed=True)
