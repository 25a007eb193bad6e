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
}
