"""deploy/nginx/portal.conf, run: Debian's nginx with it on loopback ports in front of gunicorn
(deploy/gunicorn.conf.py) on a Unix socket, as in production, with a self-signed certificate made for the run.

Checked: static files with cache headers, /media/ refused, each security header exactly once whoever answers
(nginx or Django), HTTP sent to HTTPS, gzip where promised, the upload limits of the app (too large: nginx's Chinese
413 page), and the rate limits counting the client the app counts (TRUSTED_PROXY_COUNT), never a forged header."""

from __future__ import annotations

import hashlib
import re
import shutil
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.deploy.support import NGINX_CONF, ROOT, Nginx, Response, nginx_binary, running_gunicorn, running_nginx

pytestmark = [
    pytest.mark.skipif(
        nginx_binary() is None, reason="Debian's nginx is not installed (scripts/setup.sh dev installs it)"
    ),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for the test certificate"),
]
# gunicorn, another process, reads the test database; only the test that needs rows commits them
# (transactional_db, whose clean-up flushes the database); the rate-limit counters gunicorn writes without Redis are
# removed when the module ends.

SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Security-Policy",
)
NGINX_PAGE = "answered by nginx itself"  # the comment in each of deploy/nginx/errors/*.html
MB = 1024 * 1024
SEARCH = "/exposure/?q=" + quote("燃气")  # rate-limited by the app: 30 a minute per client


def random_client() -> str:
    """A documentation address (RFC 5737) of this test run, so that counters left by earlier runs never match."""
    return f"198.51.100.{uuid.uuid4().int % 250 + 1}"


# Fixtures ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """STATIC_ROOT and MEDIA_ROOT of the run: a stylesheet under its plain and its hashed name (as collectstatic
    leaves them), a photo in the media folder that must never come out."""
    folder = tmp_path_factory.mktemp("site")
    css = (ROOT / "static" / "css" / "site.css").read_bytes()
    digest = hashlib.md5(css, usedforsecurity=False).hexdigest()[:12]
    (folder / "static" / "css").mkdir(parents=True)
    (folder / "static" / "css" / "site.css").write_bytes(css)
    (folder / "static" / "css" / f"site.{digest}.css").write_bytes(css)
    (folder / "media" / "derived" / "photos").mkdir(parents=True)
    (folder / "media" / "derived" / "photos" / "secret.jpg").write_bytes(b"\xff\xd8\xff\xe0 not for the public")
    return folder


def gunicorn_env(site: Path, proxies: int) -> dict[str, str]:
    """Production settings as far as a test process allows: debug off, HTTPS behind the proxy, the proxy count; a
    VAR_DIR of its own (a fresh file cache: public pages are cached)."""
    var_dir = site / f"var-{uuid.uuid4().hex[:8]}"
    var_dir.mkdir()
    return {
        "VAR_DIR": str(var_dir),
        "HTTPS": "1",
        "BEHIND_TLS_PROXY": "1",
        "TRUSTED_PROXY_COUNT": str(proxies),
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://localhost",
        "STATIC_ROOT": str(site / "static"),
        "MEDIA_ROOT": str(site / "media"),
        "CACHE_KEY_PREFIX": f"test-nginx-{uuid.uuid4().hex[:12]}",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
    }


@pytest.fixture(scope="module", autouse=True)
def _forget_rate_limit_counters(django_db_setup: None, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The counters gunicorn committed to the test database (without Redis), removed when the module ends."""
    yield
    from safetyportal.throttle_models import ThrottleCounter

    with django_db_blocker.unblock():
        ThrottleCounter.objects.all().delete()


@pytest.fixture(scope="module")
def web(site: Path, tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> Iterator[Path]:
    """gunicorn for nginx alone in front (TRUSTED_PROXY_COUNT=1, the shipped configuration)."""
    with running_gunicorn(tmp_path_factory.mktemp("web"), **gunicorn_env(site, proxies=1)) as socket_path:
        yield socket_path


@pytest.fixture
def nginx(site: Path, web: Path, tmp_path: Path) -> Iterator[Nginx]:
    """A fresh nginx (fresh rate-limit zones) per test."""
    with running_nginx(tmp_path / "nginx", static_root=site / "static", socket_path=web) as server:
        wait_until_app_answers(server)
        yield server


def wait_until_app_answers(server: Nginx, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while (status := server.request("GET", "/healthz").status) != 200:
        assert time.monotonic() < deadline, f"the app does not answer through nginx ({status}):\n{server.error_log()}"
        time.sleep(0.1)


# Helpers ----------------------------------------------------------------------------------------------------------


def assert_each_security_header_once(response: Response, where: str) -> None:
    counts = {name: len(response.headers(name)) for name in SECURITY_HEADERS}
    assert all(count == 1 for count in counts.values()), f"{where}: {counts}"


def is_nginx_page(response: Response) -> bool:
    return NGINX_PAGE in response.text


def csp_directives(value: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in value.split(";") if part.strip()}


def location_body_limits() -> dict[str, int]:
    """client_max_body_size of the server block (key "") and of each location, in bytes."""
    text = NGINX_CONF.read_text()
    server = text[text.index("server_name portal.example.gov.cn;\n    server_tokens off;\n\n    ssl_certificate") :]
    limits = {"": _size(re.search(r"^    client_max_body_size (\w+);", server, re.MULTILINE).group(1))}  # type: ignore[union-attr]
    for match in re.finditer(r"location (?:= |\^~ )?(\S+) \{(.*?)\n    \}", server, re.DOTALL):
        found = re.search(r"client_max_body_size (\w+);", match.group(2))
        if found:
            limits[match.group(1)] = _size(found.group(1))
    return limits


def _size(text: str) -> int:
    units = {"k": 1024, "m": MB, "g": 1024 * MB}
    return int(text[:-1]) * units[text[-1].lower()] if text[-1].isalpha() else int(text)


def send_headers_only(server: Nginx, path: str, length: int) -> Response:
    """A POST that announces ``length`` bytes: nginx refuses an oversized body from the headers, before any is sent."""
    connection = server.connection()
    try:
        connection.putrequest("POST", path, skip_host=True)
        connection.putheader("Host", f"localhost:{server.https_port}")
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        reply = connection.getresponse()
        return Response(reply.status, reply.getheaders(), reply.read())
    finally:
        connection.close()


def multipart_photo(size: int) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="p.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return head + b"\xff" * size + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# The configuration itself -------------------------------------------------------------------------------------------


def test_body_limits_follow_the_apps_upload_limits() -> None:
    """Each upload location allows the app's largest legitimate request (photos x IMAGE_MAX_UPLOAD_MB, spreadsheets)
    plus 1 MB of other fields, and nothing else takes more than nginx's 1 MB."""
    from campaigns.forms import ActivityReturnForm
    from inspections.admin import HazardAdminForm
    from inspections.forms import OfficerHazardForm, PublicReportForm, TransitionForm
    from safetyportal.documents.compare import max_compare_bytes
    from safetyportal.spreadsheets import MAX_XLSX_BYTES

    def photos(form: type, field: str = "photos") -> int:
        return form.base_fields[field].max_files * settings.IMAGE_MAX_UPLOAD_BYTES  # type: ignore[attr-defined]

    expected = {
        "": 1 * MB,
        "/report/": photos(PublicReportForm) + MB,
        "/portal/": max(photos(ActivityReturnForm), photos(OfficerHazardForm), photos(TransitionForm)) + MB,
        "/admin/": max(photos(HazardAdminForm, "new_photos"), MAX_XLSX_BYTES) + MB,
        "/verify/": max_compare_bytes() + MB,
    }
    assert location_body_limits() == expected


# Static and media ---------------------------------------------------------------------------------------------------


def test_static_files_come_from_static_root_with_long_cache_headers(nginx: Nginx, site: Path) -> None:
    hashed = next((site / "static" / "css").glob("site.*.css")).name
    response = nginx.request("GET", f"/static/css/{hashed}")
    assert response.status == 200
    assert response.body == (site / "static" / "css" / hashed).read_bytes()
    assert response.header("Content-Type") == "text/css"
    assert response.headers("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert_each_security_header_once(response, "hashed static file")

    plain = nginx.request("GET", "/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert plain.status == 200
    assert plain.headers("Cache-Control") == ["public, max-age=3600"]  # unhashed names may change
    assert plain.header("Content-Encoding") == "gzip"

    missing = nginx.request("GET", "/static/css/nothing.css")
    assert missing.status == 404 and is_nginx_page(missing) and "页面不存在" in missing.text
    assert not missing.headers("Cache-Control")
    outside = nginx.request("GET", "/static../etc/passwd")  # no alias traversal: not a static location at all
    assert outside.status == 404 and b"root:" not in outside.body


def test_media_is_never_served(nginx: Nginx, site: Path) -> None:
    assert (site / "media" / "derived" / "photos" / "secret.jpg").exists()
    for path in (
        "/media/derived/photos/secret.jpg",
        "/media/",
        "/%6Dedia/derived/photos/secret.jpg",
        "/static/../media/derived/photos/secret.jpg",
        "//media/derived/photos/secret.jpg",
    ):
        response = nginx.request("GET", path)
        assert response.status == 403, path
        assert is_nginx_page(response) and "禁止访问" in response.text, path
        assert b"not for the public" not in response.body, path
        assert_each_security_header_once(response, path)


# Headers, redirects, compression ------------------------------------------------------------------------------------


def test_each_security_header_once_whoever_answers(nginx: Nginx) -> None:
    responses = {
        "Django page": nginx.request("GET", "/"),
        "Django JSON": nginx.request("GET", "/healthz"),
        "Django 404": nginx.request("GET", "/no-such-page/"),
        "static file": nginx.request("GET", "/static/css/site.css"),
        "nginx 403": nginx.request("GET", "/media/x"),
        "nginx 413": send_headers_only(nginx, "/report/", 200 * MB),
    }
    for where, response in responses.items():
        assert_each_security_header_once(response, where)
    django, own = responses["Django page"], responses["static file"]
    assert not is_nginx_page(django) and django.status == 200
    # The policy nginx gives its own answers is the app's (safetyportal/settings.py CONTENT_SECURITY_POLICY).
    assert csp_directives(own.header("Content-Security-Policy") or "") == csp_directives(
        django.header("Content-Security-Policy") or ""
    )
    for name in ("Strict-Transport-Security", "X-Frame-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert own.header(name) == django.header(name), name
    assert django.header("Server") == "nginx"  # no version (server_tokens off)


def test_plain_http_is_sent_to_https_and_unknown_hosts_get_no_answer(nginx: Nginx) -> None:
    with socket.create_connection(("127.0.0.1", nginx.http_port), timeout=10) as sock:
        sock.sendall(b"GET /certificates/verify/?x=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        reply = sock.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 301")
    assert "\r\nLocation: https://localhost/certificates/verify/?x=1\r\n" in reply

    with socket.create_connection(("127.0.0.1", nginx.http_port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n")
        assert sock.recv(4096) == b""  # 444: connection closed without a word

    context = ssl.create_default_context(cafile=str(nginx.cert))
    context.check_hostname = False
    with socket.create_connection(("127.0.0.1", nginx.https_port), timeout=10) as sock, pytest.raises(ssl.SSLError):
        context.wrap_socket(sock, server_hostname="attacker.example")


@pytest.mark.django_db(transaction=True)
def test_pages_json_and_feeds_are_compressed_but_not_the_signed_in_parts(nginx: Nginx) -> None:
    from tests.inspections.factories import ExposureCaseFactory

    ExposureCaseFactory.create_batch(3)  # committed (transactional test): gunicorn's JSON and feed list them
    gzip = {"Accept-Encoding": "gzip"}
    for path in ("/", "/exposure/data.json", "/exposure/feed.atom"):
        response = nginx.request("GET", path, headers=gzip)
        assert response.status == 200, path
        assert response.header("Content-Encoding") == "gzip", path
    login = nginx.request("GET", "/portal/login/", headers=gzip)
    assert login.status == 200
    assert login.header("Content-Encoding") is None  # BREACH: no compression next to per-user secrets


# Uploads ------------------------------------------------------------------------------------------------------------


def test_a_too_large_upload_is_refused_with_the_chinese_page(nginx: Nginx) -> None:
    limits = location_body_limits()
    refused = send_headers_only(nginx, "/report/", limits["/report/"] + 1)
    assert refused.status == 413
    assert is_nginx_page(refused) and "上传的内容太大" in refused.text
    assert refused.header("Content-Type") == "text/html"
    assert_each_security_header_once(refused, "413")

    small_form = send_headers_only(nginx, "/certificates/verify/", 2 * MB)
    assert small_form.status == 413

    # A photo of the largest size the app accepts gets through nginx (Django answers: no CSRF token here).
    body, content_type = multipart_photo(settings.IMAGE_MAX_UPLOAD_BYTES)
    passed = nginx.request("POST", "/report/", body=body, headers={"Content-Type": content_type})
    assert passed.status == 403 and not is_nginx_page(passed)


# Rate limits --------------------------------------------------------------------------------------------------------


def flood(server: Nginx, path: str, headers: dict[str, str], attempts: int) -> list[Response]:
    return [server.request("GET", path, headers=headers) for _ in range(attempts)]


def search_until_refused(server: Nginx, headers: Callable[[], dict[str, str]]) -> list[Response]:
    """Exposure searches until the app refuses one (30 a minute, counted in fixed minutes: when the run crosses a
    minute, the count starts again, so up to 61 may be needed)."""
    responses: list[Response] = []
    while len(responses) < 61:
        responses.append(server.request("GET", SEARCH, headers=headers()))
        if responses[-1].status != 200:
            break
    return responses


def assert_refused_by_the_app(responses: list[Response]) -> None:
    *passed, refused = responses
    assert refused.status == 429, f"no refusal after {len(passed)} searches"
    assert 30 <= len(passed) <= 60
    assert not is_nginx_page(refused) and settings.OFFICE_NAME in refused.text  # the app's own page


def first_refusal(responses: list[Response]) -> int:
    return next(i for i, response in enumerate(responses) if response.status == 429)


def test_a_forged_forwarded_for_counts_as_the_real_client(nginx: Nginx) -> None:
    """nginx alone in front (TRUSTED_PROXY_COUNT=1): a client writing X-Forwarded-For still counts as itself, in
    nginx's limits and in the app's (the exposure search allows 30 a minute: safetyportal/throttle.py)."""
    assert_refused_by_the_app(search_until_refused(nginx, lambda: {"X-Forwarded-For": random_client()}))

    started = time.monotonic()
    lookups = [
        nginx.request("GET", "/certificates/verify/", headers={"X-Forwarded-For": random_client()}) for _ in range(30)
    ]
    refused = first_refusal(lookups)
    # burst=20 plus the first request, and one more for each 2 s elapsed (rate=30r/m).
    assert 21 <= refused <= 21 + int(time.monotonic() - started) // 2 + 1
    assert is_nginx_page(lookups[refused]) and "请求过于频繁" in lookups[refused].text
    assert_each_security_header_once(lookups[refused], "nginx 429")


def test_logins_are_rate_limited_together(nginx: Nginx) -> None:
    """Passwords and codes sent (POSTs) to both logins and the code step share one budget per client (rate=20r/m,
    burst=20); the login pages themselves (GETs) are never limited, so that an office behind one NAT address can
    open them freely."""
    paths = ["/portal/login/", "/admin/login/", "/accounts/verify/"] * 9
    started = time.monotonic()
    posts = [nginx.request("POST", path, body=b"", headers={"Content-Length": "0"}) for path in paths]
    assert posts[0].status == 403 and not is_nginx_page(posts[0])  # reached Django (no CSRF token here)
    refused = first_refusal(posts)
    assert 21 <= refused <= 21 + int(time.monotonic() - started) // 3 + 1  # one more every 3 s (rate=20r/m)
    assert is_nginx_page(posts[refused])
    pages = [nginx.request("GET", path) for path in paths[:6]]
    assert all(page.status in (200, 302) and not is_nginx_page(page) for page in pages)


def test_behind_a_balancer_the_forwarded_client_is_counted(site: Path, tmp_path: Path, django_db_setup: None) -> None:
    """A load balancer in front of nginx (realip lines uncommented, TRUSTED_PROXY_COUNT=2): nginx and the app both
    count the client the balancer saw, so one client's flood does not stop another, and the entries a client wrote
    to the left of the balancer's are ignored."""
    first, second = random_client(), random_client()
    while second == first:
        second = random_client()
    with (
        running_gunicorn(tmp_path / "web", **gunicorn_env(site, proxies=2)) as socket_path,
        running_nginx(tmp_path / "nginx", static_root=site / "static", socket_path=socket_path, balancer=True) as lb,
    ):
        wait_until_app_answers(lb)

        def as_client(client: str, forged: str = "") -> dict[str, str]:
            return {"X-Forwarded-For": f"{forged}, {client}" if forged else client}

        assert_refused_by_the_app(search_until_refused(lb, lambda: as_client(first, random_client())))
        assert lb.request("GET", SEARCH, headers=as_client(second)).status == 200

        lookups = flood(lb, "/certificates/verify/", as_client(first, "203.0.113.9"), 30)
        assert is_nginx_page(lookups[first_refusal(lookups)])
        assert lb.request("GET", "/certificates/verify/", headers=as_client(second)).status == 200
