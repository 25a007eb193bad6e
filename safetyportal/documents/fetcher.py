"""The only way WeasyPrint reaches a resource while rendering.

Allowed: ``data:`` URIs (our own generated images), and ``file:`` URLs that resolve inside the project's static
folders or the folder of re-encoded media, with an allowed extension. Everything else — http(s), other files,
``/etc/passwd``, Redis on localhost, cloud metadata addresses, EPS or TIFF images — is refused without any connection
being made, and no redirect is ever followed (there is no network access at all)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

ALLOWED_SUFFIXES = {".css", ".png", ".jpg", ".jpeg", ".webp", ".svg", ".woff2", ".otf", ".ttf"}


class BlockedResource(ValueError):
    pass


def allowed_roots() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "static", Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT) / "derived"]
    return [root.resolve() for root in roots]


class SafeURLFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            return self.refuse(url)
        path = Path(unquote(urlparse(url).path)).resolve()
        if path.suffix.lower() not in ALLOWED_SUFFIXES or not path.is_file():
            return self.refuse(url)
        if not any(path.is_relative_to(root) for root in allowed_roots()):
            return self.refuse(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def refuse(self, url: str) -> URLFetcherResponse:
        self.refused.append(url)
        raise BlockedResource(f"resource not allowed in documents: {url[:200]}")
