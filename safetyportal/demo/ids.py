"""ID numbers of the demo data, and the numbers older versions of the demo wrote.

Before issue 10 every demo ID ended in a wrong check digit: the generators passed the first 17 digits to
``stdnum.cn.ric.calc_check_digit``, which expects the whole number and so computed the GB 11643 digit of
``"0" + first16``. Re-running ``seed_demo`` on such a database moves the demo's own people to the correct number
(instead of creating them a second time); only numbers the demo itself generated are touched."""

from __future__ import annotations

from safetyportal.validators import id_check_digit


def demo_id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


def legacy_demo_id_number(first17: str) -> str:
    """The number an older demo wrote for ``first17`` (wrong check digit, see the module docstring)."""
    return first17 + id_check_digit("0" + first17[:16])
