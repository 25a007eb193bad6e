"""Start a real Celery worker process for a test, against whatever broker the settings name.

With REDIS_URL set (CI) the worker talks to Redis; without it, to the embedded filesystem broker in the folders the
test process uses. Either way the worker reads the test database, named explicitly in its environment."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """A DATABASE_URL for the database the test process is using right now."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgresql://{auth}{params.get('HOST') or '127.0.0.1'}{port}/{params['NAME']}"


def worker_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        {
            "TESTING": "1",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "VAR_DIR": str(settings.VAR_DIR),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if not settings.REDIS_URL:
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        env["CELERY_FS_BROKER_DIR"] = str(Path(options["data_folder_in"]).parent)
        env["CELERY_FS_RESULTS_DIR"] = settings.CELERY_RESULT_BACKEND.removeprefix("file://")
    env.update(overrides)
    return env


@contextmanager
def celery_worker(
    *, concurrency: int = 1, log_path: Path | None = None, extra_args: list[str] | None = None, **env: str
) -> Iterator[subprocess.Popen]:
    """A worker process for the duration of the block; stopped (and its children killed) afterwards."""
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "safetyportal",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        f"--hostname={name}",
        *(extra_args or []),
    ]
    log_path = log_path or settings.VAR_DIR / f"test-worker-{os.getpid()}.log"
    log = open(log_path, "ab")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen(
        command, cwd=ROOT, env=worker_env(**env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield process
    finally:
        stop_process_group(process)
        log.close()


def stop_process_group(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.1, message: str = "condition") -> None:  # type: ignore[no-untyped-def]
    """Poll until ``predicate()`` is truthy (no fixed sleeps in tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (a worker's prefork pool processes), read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The command name may contain spaces and parentheses: the parent pid is the 2nd field after the last ")".
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return sorted(children)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A throwaway redis-server on a loopback port, started and stopped by the test (never the shared one)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self, timeout: float = 10) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--daemonize", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.ping, timeout=timeout, interval=0.05, message=f"redis-server on port {self.port}")

    def stop(self, timeout: float = 10) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        wait_for(lambda: not self.ping(), timeout=timeout, interval=0.05, message=f"port {self.port} to close")


@contextmanager
def private_redis(port: int | None = None) -> Iterator[PrivateRedis]:
    server = PrivateRedis(port)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def reset_celery_connections(app) -> None:  # type: ignore[no-untyped-def]
    """Close and forget this process's broker pools and the app's result backend, so that the next publish reads the
    configuration again (kombu keeps pools per broker address: a closed one left registered would be reused)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    with contextlib.suppress(AttributeError):
        del app._local.backend


@contextmanager
def celery_app_configured(app, **conf: object) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Point this process's Celery app at another broker or backend for the block; restored afterwards."""
    missing = object()
    saved = {key: app.conf.get(key, missing) for key in conf}
    app.conf.update(conf)
    reset_celery_connections(app)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is missing:
                app.conf.pop(key, None)
            else:
                app.conf[key] = value
        reset_celery_connections(app)
