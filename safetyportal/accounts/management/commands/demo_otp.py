"""``manage.py demo_otp <username>``: the current two-step code of a demo account (or its secret, with --secret)."""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import hotp

from safetyportal.accounts.demo import demo_device


class Command(BaseCommand):
    help = "显示演示账号当前的两步验证码（仅限演示环境；只对 seed_demo 预置的验证器有效）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="演示账号的用户名，如 lingyuan、admin、staff")
        parser.add_argument("--secret", action="store_true", help="同时显示密钥和 otpauth 链接，以便添加到手机验证器")

    def handle(self, *args: Any, **options: Any) -> None:
        # The same production guard as seed_demo: the demo keys are public, so codes are printed on a demo only.
        if not settings.LOCAL_KEYS:
            raise CommandError("当前为生产配置（DEBUG 和 TESTING 均关闭）：演示验证码只能在演示环境中显示。")
        username: str = options["username"]
        device = demo_device(username)
        if device is None:
            raise CommandError(
                f"账号“{username}”没有演示验证器：只有 seed_demo 创建、且未重新设置两步验证的演示账号可以用本命令。"
            )
        now = time.time()
        step = (int(now) - device.t0) // device.step + device.drift
        # A code is accepted once: if this step's code was used, the next step's (within the tolerance) is printed.
        step = max(step, device.last_t + 1)
        remaining = device.step - (int(now) - device.t0) % device.step
        self.stdout.write(f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}")
        self.stderr.write(f"（{username} 的验证码，约 {remaining} 秒内有效；每个验证码只能用一次）")
        if options["secret"]:
            self.stdout.write(f"密钥：{b32encode(device.bin_key).decode()}")
            self.stdout.write(f"otpauth 链接：{device.config_url}")
