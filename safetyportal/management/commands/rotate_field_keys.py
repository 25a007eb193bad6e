"""``manage.py rotate_field_keys``: re-encrypt ID numbers under the first FIELD_ENCRYPTION_KEY (see docs/security.md,
"ID numbers at rest")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safetyportal import crypto
from safetyportal.fields import rotate_keys


class Command(BaseCommand):
    help = (
        "用 FIELD_ENCRYPTION_KEY 中的第一个密钥重新加密所有身份证号码和证号，并按当前 FIELD_HMAC_KEY 重算查找索引；"
        "可重复运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计需要重新加密的记录，不写入")
        parser.add_argument("--batch-size", type=int, default=1_000, help="每批处理的记录数（默认 1000）")
        parser.add_argument("--new-key", action="store_true", help="只输出一个新的随机密钥（base64，32 字节）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(crypto.new_key())
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 应为正整数。")
        results = rotate_keys(batch_size=options["batch_size"], dry_run=options["dry_run"])
        verb = "需重新加密" if options["dry_run"] else "已重新加密"
        failed = []
        for result in results:
            self.stdout.write(f"{result.label}：共 {result.rows} 条，{verb} {result.rewritten} 条")
            if result.undecryptable:
                failed.append(result)
                shown = "、".join(str(pk) for pk in result.undecryptable[:20])
                more = " 等" if len(result.undecryptable) > 20 else ""
                self.stderr.write(
                    f"  其中 {len(result.undecryptable)} 条无法用已配置的密钥解密（未改动），主键：{shown}{more}"
                )
        if failed:
            raise CommandError("有记录无法解密：请把加密这些记录的旧密钥加入 FIELD_ENCRYPTION_KEY 后重新运行。")
