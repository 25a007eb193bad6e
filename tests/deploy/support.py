"""Running the production kit (deploy/) on loopback for the tests: Debian's nginx with deploy/nginx/portal.conf in
front of gunicorn with deploy/gunicorn.conf.py, each in a temporary folder, with bounded waits."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.worker import free_port, stop_process_group, wait_for, worker_env

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
NGINX_CONF = DEPLOY / "nginx" / "portal.conf"
DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")
SERVER_NAME = "localhost"


def nginx_binary() -> str | None:
    """Debian's nginx (in /usr/sbin, which a normal user's PATH may not include)."""
    return shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost``, made by openssl for this run (never committed)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    command += ["-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={SERVER_NAME}"]
    command += ["-addext", f"subjectAltName=DNS:{SERVER_NAME}"]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


def _replace(text: str, old: str, new: str, *, count: int | None = None) -> str:
    """Replace, insisting that the text is there (a change of portal.conf must not silently escape the test)."""
    found = text.count(old)
    assert found and (count is None or found == count), f"portal.conf no longer contains {old!r} ({found} times)"
    return text.replace(old, new)


def render_portal_conf(
    *,
    https_port: int,
    http_port: int,
    cert: Path,
    key: Path,
    static_root: Path,
    socket_path: Path,
    balancer: bool = False,
) -> str:
    """deploy/nginx/portal.conf with this run's paths and loopback ports; ``balancer`` uncomments the realip lines
    as an operator with a load balancer in front of nginx (here: the test client on 127.0.0.1) would."""
    text = NGINX_CONF.read_text()
    text = _replace(text, "server unix:/run/portal-web.sock", f"server unix:{socket_path}", count=1)
    text = _replace(text, "alias /var/www/portal/static/;", f"alias {static_root}/;", count=1)
    text = _replace(text, "alias /opt/portal/deploy/nginx/errors/;", f"alias {DEPLOY}/nginx/errors/;", count=1)
    text = _replace(text, "/etc/ssl/portal/fullchain.pem", str(cert), count=1)
    text = _replace(text, "/etc/ssl/private/portal.key", str(key), count=1)
    text = _replace(text, "server_name portal.example.gov.cn;", f"server_name {SERVER_NAME};", count=2)
    text = re.sub(r"^\s*listen \[::\]:(80|443)\b.*$\n", "", text, flags=re.MULTILINE)  # loopback IPv4 only
    text = re.sub(r"listen 443\b", f"listen 127.0.0.1:{https_port}", text)
    text = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http_port}", text)
    assert "listen 80" not in text and "listen 443" not in text and "[::]" not in text
    if balancer:
        text = _replace(text, "# set_real_ip_from 10.0.0.0/8;", "set_real_ip_from 127.0.0.1;", count=1)
        text = _replace(text, "# real_ip_header X-Forwarded-For;", "real_ip_header X-Forwarded-For;", count=1)
        text = _replace(text, "# real_ip_recursive on;", "real_ip_recursive on;", count=1)
    return text


def render_main_conf(folder: Path, portal_conf: Path) -> str:
    """Debian's /etc/nginx/nginx.conf (its http settings, e.g. its own `gzip on;` and ssl_protocols, must coexist
    with portal.conf as they will in production) with logs, pid, temporary files and the site in ``folder``."""
    if DEBIAN_NGINX_CONF.is_file():
        text = DEBIAN_NGINX_CONF.read_text()
    else:  # not Debian's layout: the same directives by hand
        text = (
            "worker_processes auto;\nevents { worker_connections 768; }\nhttp {\n include mime.types;\n"
            " default_type application/octet-stream;\n sendfile on;\n gzip on;\n"
            " include /etc/nginx/sites-enabled/*;\n}\n"
        )
    text = re.sub(r"^\s*user\s+[^;]+;", "", text, flags=re.MULTILINE)
    if os.geteuid() == 0:  # workers run as root here only so that they may read the test's temporary folders
        text = "user root;\n" + text
    text = re.sub(r"^\s*(pid|error_log|access_log)\s+[^;]+;", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*worker_processes\s+[^;]+;", "worker_processes 1;", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*include\s+/etc/nginx/conf\.d/[^;]*;", "", text, flags=re.MULTILINE)
    temp = "\n".join(
        f"\t{name}_temp_path {folder / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    site = f"\taccess_log {folder / 'access.log'};\n{temp}\n\tinclude {portal_conf};"
    text, found = re.subn(r"^\s*include\s+/etc/nginx/sites-enabled/\*;", site, text, flags=re.MULTILINE)
    assert found == 1, "Debian's nginx.conf no longer includes sites-enabled/*"
    return f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n" + text


class _SNIConnection(http.client.HTTPSConnection):
    """HTTPS to a loopback address with the server's name in the TLS handshake (SNI): http.client would send the
    address, which nginx's default server rejects (ssl_reject_handshake)."""

    def __init__(self, host: str, port: int, *, timeout: float, context: ssl.SSLContext, server_hostname: str):
        super().__init__(host, port, timeout=timeout, context=context)
        self._sni = server_hostname
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self._sni)


@dataclass
class Nginx:
    folder: Path
    https_port: int
    http_port: int
    cert: Path
    process: subprocess.Popen | None = None
    log: list[str] = field(default_factory=list)

    def connection(self, timeout: float = 10) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(self.cert))
        return _SNIConnection(
            "127.0.0.1", self.https_port, timeout=timeout, context=context, server_hostname=SERVER_NAME
        )

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        connection = self.connection()
        try:
            host = {"Host": f"{SERVER_NAME}:{self.https_port}"}
            connection.request(method, path, body=body, headers={**host, **(headers or {})})
            response = connection.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class Response:
    status: int
    header_list: list[tuple[str, str]]
    body: bytes

    def headers(self, name: str) -> list[str]:
        """Every value of a header (a header sent twice appears twice)."""
        return [value for key, value in self.header_list if key.lower() == name.lower()]

    def header(self, name: str) -> str | None:
        values = self.headers(name)
        return values[0] if values else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@contextlib.contextmanager
def running_nginx(folder: Path, *, static_root: Path, socket_path: Path, balancer: bool = False) -> Iterator[Nginx]:
    """nginx with portal.conf on two free loopback ports, until the block ends."""
    binary = nginx_binary()
    assert binary, "nginx is not installed"
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(folder)
    server = Nginx(folder=folder, https_port=free_port(), http_port=free_port(), cert=cert)
    portal = folder / "portal.conf"
    portal.write_text(
        render_portal_conf(
            https_port=server.https_port,
            http_port=server.http_port,
            cert=cert,
            key=key,
            static_root=static_root,
            socket_path=socket_path,
            balancer=balancer,
        )
    )
    main = folder / "nginx.conf"
    main.write_text(render_main_conf(folder, portal))
    command = [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main)]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, f"nginx -t failed:\n{check.stderr}"
    server.log.append(check.stderr)
    server.process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        wait_for(lambda: _listening(server.https_port), timeout=20, interval=0.05, message="nginx to listen")
        yield server
    finally:
        stop_process_group(server.process, timeout=10)


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


@contextlib.contextmanager
def running_gunicorn(folder: Path, **env: str) -> Iterator[Path]:
    """gunicorn with deploy/gunicorn.conf.py on a Unix socket in ``folder``, reading the test database (the test
    must use transactional_db); yields the socket's path once it accepts connections."""
    folder.mkdir(parents=True, exist_ok=True)
    socket_path = folder / "web.sock"
    log_path = folder / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    command += ["--bind", f"unix:{socket_path}", "--workers", "1", "--pid", str(folder / "gunicorn.pid")]
    environment = worker_env(**env)
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 90
        while not _unix_ready(socket_path):
            assert process.poll() is None, f"gunicorn exited:\n{log_path.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"gunicorn did not start:\n{log_path.read_text()[-3000:]}"
            time.sleep(0.1)
        yield socket_path
    finally:
        stop_process_group(process, timeout=20)


def _unix_ready(path: Path) -> bool:
    """True when a worker answers on the socket (the master listens before the workers have imported Django)."""
    if not path.exists():
        return False
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(path))
        sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n\r\n")
        return sock.recv(12).startswith(b"HTTP/1.")
    return False
