"""Which test covers the cross-unit (IDOR) behaviour of each non-admin route that takes an object argument (T12).

Key: the route's namespaced URL name (e.g. ``"portal:return_detail"``). Value: the covering test as a pytest node
id, ``"tests/<path>.py::test_name"`` (or ``"…::TestClass::test_name"``). ``test_route_inventory.py`` fails when a
route with object arguments is missing here, when an entry names a route that no longer exists, and when the named
test cannot be found. Admin routes are not listed: the admin is staff-only and scoped by its own permissions (T15).

When you add a portal or public route such as ``<int:pk>/``, add a probe for it to the IDOR matrix (T11/T13: an
officer of another unit gets 404, the database is unchanged) and register it here.
"""

from __future__ import annotations

COVERED_OBJECT_ROUTES: dict[str, str] = {
    "verify": "tests/core/test_documents.py::test_verify_token_reveals_only_its_own_document",
    "certificates:token": (
        "tests/training/test_verify.py::test_token_shows_only_its_certificate_and_altered_tokens_get_the_same_404"
    ),
    "certificates:report": "tests/training/test_verify.py::test_report_for_an_altered_token_is_the_same_404",
    "certificates:list_detail": "tests/training/test_lists.py::test_unpublished_and_missing_lists_are_the_same_404",
    "certificates:list_pdf": "tests/training/test_lists.py::test_unpublished_and_missing_lists_are_the_same_404",
    "notices:detail": (
        "tests/campaigns/test_public_notices.py::test_a_draft_non_public_or_superseded_notice_answers_404"
    ),
    "notices:pdf": "tests/campaigns/test_public_notices.py::test_a_draft_non_public_or_superseded_notice_answers_404",
    "publicity:campaign": "tests/publicity/test_public.py::test_unpublished_items_campaign_page_is_404",
    "publicity:cover": "tests/publicity/test_public.py::test_unpublished_items_cover_is_404",
    # Activity returns (campaigns): the cross-unit matrix probes every one of them, GET and POST.
    **dict.fromkeys(
        (
            "portal:return_create",
            "portal:return_detail",
            "portal:return_edit",
            "portal:return_submit",
            "portal:return_delete",
            "portal:return_photo",
            "portal:return_photo_thumbnail",
            "portal:return_photo_delete",
        ),
        "tests/campaigns/test_idor.py::test_officer_gets_404_on_every_route_of_other_units_returns",
    ),
    # Attachments (issue 12): another unit's return attachment (download, removal) and the attachment of a notice not
    # addressed to the unit (or of a draft) are 404, nothing is removed.
    **dict.fromkeys(
        ("portal:return_attachment", "portal:return_attachment_delete"),
        "tests/campaigns/test_return_attachments.py::test_officer_cannot_touch_another_units_attachments",
    ),
    "portal:notice_attachment": "tests/core/test_uploads_attachments.py::test_notice_attachment_only_for_addressees",
    # Hazards (inspections): another unit's hazard, its transition and its photos are 404, nothing changes.
    **dict.fromkeys(
        ("hazards:detail", "hazards:transition", "hazards:photo"),
        "tests/inspections/test_portal.py::test_officer_cannot_reach_another_units_hazard",
    ),
    # Towns' exposure submissions (package E): another unit's submission is 404 on GET and POST, nothing changes.
    "hazards:exposure_submission_detail": (
        "tests/inspections/test_exposure_submissions.py::test_another_units_submission_is_not_found_and_unchanged"
    ),
    # Notice inbox (收文/签收): another unit's receipt (subdistrict, community, member unit, either way) is 404 on every
    # route, GET and POST, and nothing is recorded.
    **dict.fromkeys(
        ("portal:inbox_detail", "portal:inbox_pdf", "portal:inbox_sign"),
        "tests/campaigns/test_inbox.py::test_another_units_receipt_is_not_found_and_unchanged",
    ),
    "inspections:exposure_detail": "tests/inspections/test_exposure.py::test_detail_shows_only_public_cases",
    # Interview commitments (committee, issue 15): every other unit (office, community, member unit) gets 404 on the
    # report-done POST and nothing changes.
    "committee:commitment_done": (
        "tests/committee/test_interviews.py::test_reporting_another_units_commitment_is_404_and_changes_nothing"
    ),
    # 挂牌督办 (committee, issue 15, package A): another town and a member unit get 404 on every route (GET and POST),
    # no progress report, extension request or event is added; the office above reads but cannot write.
    **dict.fromkeys(
        (
            "committee:supervision_detail",
            "committee:supervision_progress",
            "committee:supervision_extension",
            "committee:supervision_attachment",
            "committee:supervision_evidence",
        ),
        "tests/committee/test_supervision.py::test_another_unit_gets_404_and_nothing_changes",
    ),
    # 通报 (committee, issue 15, package B): a circular not addressed to the unit (another town, a community of the
    # addressed town, a member unit) is 404 on its page and PDF, and its receipt records no opening.
    **dict.fromkeys(
        ("committee:circular_detail", "committee:circular_pdf"),
        "tests/committee/test_circulars.py::test_only_addressed_units_see_a_circular_and_its_pdf",
    ),
    # An office's own campaigns, tasks, reviews, boards and notices (cascade, issue 12): another office, its own
    # communities and member units, a city member unit get 404 on every route, GET and POST, nothing changes.
    **dict.fromkeys(
        (
            "portal:campaign_derive",
            "portal:campaign_detail",
            "portal:campaign_edit",
            "portal:campaign_task_create",
            "portal:campaign_task_edit",
            "portal:campaign_review",
            "portal:campaign_board",
            "portal:campaign_review_detail",
            "portal:office_notice_issue",
            "portal:office_notice_edit",
            "portal:office_notice_preview",
            "portal:office_notice_remind",
            "portal:office_notice_document",
        ),
        "tests/campaigns/test_cascade_idor.py::test_every_route_of_an_offices_campaign_is_404_for_other_units",
    ),
    # Portal messages: another account's message (another unit's or a colleague's) is 404 and stays unread.
    "portal:message_read": "tests/core/test_messaging.py::test_another_accounts_message_is_not_found_and_stays_unread",
    "inspections:exposure_sitemap_month": (
        "tests/inspections/test_exposure.py::test_sitemap_months_list_only_public_cases"
    ),
}
