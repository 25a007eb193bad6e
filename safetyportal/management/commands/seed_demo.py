"""``manage.py seed_demo``: fill the database with the demo city (晋江市) and print the demo logins."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetyportal.demo.builder import build_demo, demo_counts
from safetyportal.demo.jinjiang import COMMUNITY_ACCOUNTS, DEMO_PASSWORD, MEMBER_UNIT_ACCOUNTS, TOWNSHIPS
from safetyportal.demo.registry import demo_loaders

LABELS = {
    "jurisdictions": ("行政区划", "个"),
    "subdistricts": ("　其中街道/镇", "个"),
    "communities": ("　其中社区/村", "个"),
    "member_units": ("安委会成员单位", "家"),
    "enterprises": ("生产经营单位", "家"),
    "people": ("人员", "人"),
    "users": ("用户账号", "个"),
    "officers": ("门户单位工作人员", "个"),
}


class Command(BaseCommand):
    help = "生成演示数据（晋江市的镇街、社区/村、安委会成员单位、企业、人员和演示账号）；可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=None,
            help=f"新建演示账号的密码（默认 {DEMO_PASSWORD}；已存在的账号不改密码）",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="在生产配置下（DEBUG 和 TESTING 均关闭）也写入演示数据和公开密码的演示账号",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LOCAL_KEYS and not options["force"]:
            raise CommandError("当前为生产配置：演示数据会创建使用公开密码的管理员账号。确需写入请加 --force。")
        password: str = options["password"] or DEMO_PASSWORD
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("密码不符合要求：" + "；".join(error.messages)) from error

        before = demo_counts()
        started = time.monotonic()
        after = build_demo(password=password)
        extra: dict[str, int] = {}
        for _name, loader in demo_loaders():
            extra.update(loader())
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（用时 {elapsed:.1f} 秒）。"))
        for key, (label, unit) in LABELS.items():
            added = after[key] - before[key]
            note = f"（本次新增 {added}）" if added else ""
            self.stdout.write(f"  {label}：{after[key]} {unit}{note}")
        for label, count in extra.items():
            self.stdout.write(f"  {label}：{count}")

        self.stdout.write("")
        self.stdout.write(f"演示账号（新建账号的密码：{password}；已存在的账号密码不变）：")
        self.stdout.write("  admin    安委办管理员（超级用户，登录 /admin/）")
        self.stdout.write("  staff    安委办工作人员（登录 /admin/）")
        self.stdout.write("  街道/镇安监站账号（登录 /portal/，只能看到本辖区）：")
        for township in TOWNSHIPS:
            self.stdout.write(f"    {township.username:<10}{township.name}安监站")
        self.stdout.write("  社区（村）和成员单位账号（登录 /portal/，只能看到本单位）：")
        for username, unit, _display in (*COMMUNITY_ACCOUNTS, *MEMBER_UNIT_ACCOUNTS):
            self.stdout.write(f"    {username:<10}{unit}")
