"""Models of this app arrive with its issue; the shared organisation model lives in safetyportal."""
