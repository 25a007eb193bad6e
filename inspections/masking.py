"""The maskers moved to the shared core (``safetyportal.masking``), since portal pages of every app show text typed by
people; this module keeps the names the inspections app and its tests import."""

from safetyportal.masking import (
    REDACTED,
    MaskedText,
    mask_names,
    mask_numbers,
    mask_public_text,
    redact_for_enterprise,
    redact_identity,
)

__all__ = [
    "REDACTED",
    "MaskedText",
    "mask_names",
    "mask_numbers",
    "mask_public_text",
    "redact_for_enterprise",
    "redact_identity",
]
