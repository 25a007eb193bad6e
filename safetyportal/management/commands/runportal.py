"""Run the whole portal on one machine: web server, Celery worker and Celery beat, stopped together.

Used by ``make run`` for the embedded default (SQLite and the filesystem broker) and usable against PostgreSQL and
Redis as well. Production runs the three under a process supervisor instead (see docs/deployment.md)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动门户网站及其后台任务进程（worker 与 beat）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default=os.environ.get("PORTAL_ADDR", "127.0.0.1:8000"))
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--no-beat", action="store_true")
        parser.add_argument("--gunicorn", action="store_true", help="serve with gunicorn instead of runserver")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        broker = "Redis" if settings.REDIS_URL else "内置文件队列（无需 Redis）"
        celery = [python, "-m", "celery", "-A", "safetyportal"]
        worker = [*celery, "worker", "--loglevel=INFO", f"--concurrency={options['concurrency']}", "-n", "portal@%h"]
        if not settings.REDIS_URL:
            worker += ["--without-gossip", "--without-mingle"]
        commands = {"worker": worker}
        if not options["no_beat"]:
            commands["beat"] = [*celery, "beat", "--loglevel=INFO", "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME]
        if options["gunicorn"]:
            commands["web"] = [python, "-m", "gunicorn", "safetyportal.wsgi", "-b", options["addr"], "-w", "2"]
        else:
            commands["web"] = [python, "manage.py", "runserver", options["addr"], "--noreload"]

        # The worker starts without the admin modules (safetyportal.apps.loads_admin).
        environments = {"worker": {**os.environ, "PORTAL_ROLE": "worker"}}
        processes: dict[str, subprocess.Popen] = {}
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environments.get(name))

        url = f"http://{options['addr']}/"
        self.stdout.write(
            self.style.SUCCESS(
                f"\n门户已启动：{url}\n"
                f"  管理后台：{url}admin/   街道（镇）报送平台：{url}portal/\n"
                f"  数据库：{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}；任务队列：{broker}\n"
                "  演示账号见 README（seed_demo 命令也会打印）。按 Ctrl+C 停止。\n"
            )
        )

        stopping = False

        def stop(*_args: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} 进程已退出（代码 {process.returncode}），正在停止其余进程。")
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            deadline = time.monotonic() + 15
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
