# Issue 15, package A: 挂牌督办 (supervision), its progress reports, extension requests, events, evidence and the
# numbered 督办通知.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0001_initial"),
        ("inspections", "0005_search_tracking"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgressReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField(verbose_name="整改进展")),
                ("filed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="报送时间")),
                ("unit_name", models.CharField(max_length=128, verbose_name="报送单位")),
                (
                    "filed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="报送人",
                    ),
                ),
            ],
            options={
                "verbose_name": "督办进展报告",
                "verbose_name_plural": "督办进展报告",
                "ordering": ["-filed_at", "-pk"],
                "default_permissions": ("view",),
            },
        ),
        migrations.CreateModel(
            name="ProgressAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("display_name", models.CharField(max_length=100, verbose_name="文件名")),
                ("stored_name", models.CharField(editable=False, max_length=200, unique=True, verbose_name="存储名")),
                ("size", models.PositiveIntegerField(editable=False, verbose_name="大小（字节）")),
                ("sha256", models.CharField(editable=False, max_length=64, verbose_name="SHA-256")),
                ("content_type", models.CharField(editable=False, max_length=100, verbose_name="文件类型")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="committee.progressreport",
                        verbose_name="进展报告",
                    ),
                ),
            ],
            options={
                "verbose_name": "进展附件",
                "verbose_name_plural": "进展附件",
                "ordering": ["pk"],
                "default_permissions": ("view",),
            },
        ),
        migrations.CreateModel(
            name="Supervision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "record_status",
                    models.CharField(
                        choices=[("active", "有效"), ("voided", "已作废")],
                        default="active",
                        editable=False,
                        max_length=8,
                        verbose_name="记录状态",
                    ),
                ),
                ("voided_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="作废时间")),
                ("void_reason", models.CharField(blank=True, editable=False, max_length=255, verbose_name="作废理由")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="登记时间"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "target",
                    models.CharField(
                        choices=[("hazard", "隐患"), ("unit", "单位")], max_length=8, verbose_name="督办对象类型"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("province", "省级挂牌督办"),
                            ("city", "市级挂牌督办"),
                            ("county", "县级挂牌督办"),
                            ("street", "街道（镇）级挂牌督办"),
                        ],
                        db_index=True,
                        max_length=8,
                        verbose_name="督办级别",
                    ),
                ),
                (
                    "initial_level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("province", "省级挂牌督办"),
                            ("city", "市级挂牌督办"),
                            ("county", "县级挂牌督办"),
                            ("street", "街道（镇）级挂牌督办"),
                        ],
                        editable=False,
                        max_length=8,
                        verbose_name="挂牌时督办级别",
                    ),
                ),
                (
                    "supervisor",
                    models.CharField(
                        default="晋江市安全生产委员会办公室",
                        help_text="如：晋江市安全生产委员会办公室",
                        max_length=128,
                        verbose_name="督办单位",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="督办事项")),
                ("problem", models.TextField(help_text="内部记录；公示内容另行填写", verbose_name="存在问题（内部）")),
                ("requirements", models.TextField(blank=True, verbose_name="督办要求")),
                (
                    "listed_on",
                    models.DateField(db_index=True, default=django.utils.timezone.localdate, verbose_name="挂牌日期"),
                ),
                ("working_days", models.PositiveSmallIntegerField(default=30, verbose_name="整改时限（工作日）")),
                ("deadline", models.DateField(db_index=True, editable=False, verbose_name="整改期限")),
                (
                    "initial_deadline",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="原整改期限"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "督办中"), ("closed", "已销号")],
                        db_index=True,
                        default="open",
                        editable=False,
                        max_length=8,
                        verbose_name="督办状态",
                    ),
                ),
                ("is_public", models.BooleanField(default=True, verbose_name="向社会公示")),
                (
                    "public_name",
                    models.CharField(
                        blank=True,
                        help_text="公示的单位（企业）名称，按审定的写法填写，如“某某鞋业有限公司”",
                        max_length=128,
                        verbose_name="公示名称",
                    ),
                ),
                (
                    "public_text",
                    models.TextField(
                        blank=True,
                        help_text="公开的问题描述；个人信息（姓名、电话、身份证号）在公示时一律遮盖",
                        verbose_name="公示内容",
                    ),
                ),
                ("published_on", models.DateField(blank=True, editable=False, null=True, verbose_name="挂牌公示日期")),
                ("closed_on", models.DateField(blank=True, editable=False, null=True, verbose_name="销号日期")),
                ("closure_note", models.TextField(blank=True, editable=False, verbose_name="销号说明及证据")),
                (
                    "removal_published_on",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="摘牌公示日期"),
                ),
                (
                    "escalated_for_deadline",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="已逾期升级的期限"),
                ),
                ("escalated_on", models.DateField(blank=True, editable=False, null=True, verbose_name="逾期升级日期")),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="销号人",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "hazard",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="committee_supervisions",
                        to="inspections.hazard",
                        verbose_name="督办隐患",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supervisions",
                        to="safetyportal.jurisdiction",
                        verbose_name="被督办镇（街道）/社区",
                    ),
                ),
                (
                    "member_unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supervisions",
                        to="safetyportal.memberunit",
                        verbose_name="被督办成员单位",
                    ),
                ),
                (
                    "scope_jurisdiction",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safetyportal.jurisdiction",
                    ),
                ),
                (
                    "scope_member_unit",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safetyportal.memberunit",
                    ),
                ),
                (
                    "voided_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="作废人",
                    ),
                ),
            ],
            options={
                "verbose_name": "挂牌督办",
                "verbose_name_plural": "挂牌督办",
                "ordering": ["-listed_on", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="progressreport",
            name="supervision",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="progress_reports",
                to="committee.supervision",
                verbose_name="挂牌督办",
            ),
        ),
        migrations.CreateModel(
            name="ExtensionRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("requested_on", models.DateField(editable=False, verbose_name="申请日期")),
                ("deadline_before", models.DateField(editable=False, verbose_name="原整改期限")),
                ("requested_deadline", models.DateField(editable=False, verbose_name="申请延期至")),
                ("reason", models.TextField(editable=False, verbose_name="延期理由")),
                ("decision_due", models.DateField(editable=False, verbose_name="批复期限")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "待批复"), ("approved", "已同意"), ("rejected", "不同意")],
                        db_index=True,
                        default="pending",
                        editable=False,
                        max_length=8,
                        verbose_name="状态",
                    ),
                ),
                ("decided_on", models.DateField(blank=True, editable=False, null=True, verbose_name="批复日期")),
                (
                    "approved_deadline",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="批准延期至"),
                ),
                ("decision_note", models.TextField(blank=True, editable=False, verbose_name="批复意见")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="批复人",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="申请人",
                    ),
                ),
                (
                    "supervision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="extension_requests",
                        to="committee.supervision",
                        verbose_name="挂牌督办",
                    ),
                ),
            ],
            options={
                "verbose_name": "延期申请",
                "verbose_name_plural": "延期申请",
                "ordering": ["-requested_on", "-pk"],
                "default_permissions": ("view", "change"),
            },
        ),
        migrations.CreateModel(
            name="SupervisionEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("listed", "挂牌督办"),
                            ("changed", "修改"),
                            ("notice", "印发督办通知"),
                            ("published", "挂牌公示"),
                            ("progress", "报送进展"),
                            ("ext_request", "申请延期"),
                            ("ext_decided", "延期批复"),
                            ("escalated", "逾期升级督办"),
                            ("closed", "销号"),
                            ("removal", "摘牌公示"),
                            ("voided", "作废"),
                        ],
                        max_length=12,
                        verbose_name="类型",
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
                ("text", models.TextField(blank=True, verbose_name="说明")),
                ("changes", models.JSONField(blank=True, default=dict, verbose_name="变更内容")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="办理人",
                    ),
                ),
                (
                    "supervision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="committee.supervision",
                        verbose_name="挂牌督办",
                    ),
                ),
            ],
            options={
                "verbose_name": "督办办理记录",
                "verbose_name_plural": "督办办理记录",
                "ordering": ["at", "pk"],
                "default_permissions": ("view",),
            },
        ),
        migrations.CreateModel(
            name="SupervisionEvidence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("display_name", models.CharField(max_length=100, verbose_name="文件名")),
                ("stored_name", models.CharField(editable=False, max_length=200, unique=True, verbose_name="存储名")),
                ("size", models.PositiveIntegerField(editable=False, verbose_name="大小（字节）")),
                ("sha256", models.CharField(editable=False, max_length=64, verbose_name="SHA-256")),
                ("content_type", models.CharField(editable=False, max_length=100, verbose_name="文件类型")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "supervision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence",
                        to="committee.supervision",
                        verbose_name="挂牌督办",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
            ],
            options={
                "verbose_name": "销号证据",
                "verbose_name_plural": "销号证据",
                "ordering": ["pk"],
                "default_permissions": ("view",),
            },
        ),
        migrations.CreateModel(
            name="SupervisionNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "草稿"), ("issued", "已印发"), ("superseded", "已被更正")],
                        db_index=True,
                        default="draft",
                        editable=False,
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name="年份")),
                ("serial", models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="序号")),
                (
                    "number",
                    models.CharField(
                        blank=True, db_index=True, editable=False, max_length=64, verbose_name="督办通知编号"
                    ),
                ),
                ("issued_on", models.DateField(blank=True, editable=False, null=True, verbose_name="成文日期")),
                ("issued_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="印发时间")),
                ("snapshot", models.JSONField(blank=True, editable=False, null=True, verbose_name="印发时的数据")),
                (
                    "snapshot_taken_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="数据取数时间"),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="每段一行；如：请你单位落实整改责任、措施、资金、时限和预案，按期完成整改并书面报告。",
                        verbose_name="督办要求",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="创建时间"),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safetyportal.issuingauthority",
                        verbose_name="发文机关",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safetyportal.generateddocument",
                        verbose_name="正式文件",
                    ),
                ),
                (
                    "issued_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="印发人",
                    ),
                ),
                (
                    "supervision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="committee.supervision",
                        verbose_name="挂牌督办",
                    ),
                ),
            ],
            options={
                "verbose_name": "督办通知",
                "verbose_name_plural": "督办通知",
                "ordering": ["-created_at", "-pk"],
                "permissions": [("issue_supervisionnotice", "可以印发督办通知")],
                "abstract": False,
            },
        ),
        migrations.AddIndex(
            model_name="supervision",
            index=models.Index(fields=["record_status", "status", "deadline"], name="supervision_open_deadline"),
        ),
        migrations.AddIndex(
            model_name="supervision",
            index=models.Index(fields=["record_status", "is_public", "published_on"], name="supervision_public"),
        ),
        migrations.AddConstraint(
            model_name="supervision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("hazard__isnull", False),
                        ("jurisdiction__isnull", True),
                        ("member_unit__isnull", True),
                        ("target", "hazard"),
                    ),
                    models.Q(
                        ("hazard__isnull", True),
                        ("jurisdiction__isnull", False),
                        ("member_unit__isnull", True),
                        ("target", "unit"),
                    ),
                    models.Q(
                        ("hazard__isnull", True),
                        ("jurisdiction__isnull", True),
                        ("member_unit__isnull", False),
                        ("target", "unit"),
                    ),
                    _connector="OR",
                ),
                name="supervision_exactly_one_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="extensionrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("supervision",),
                name="supervision_one_pending_extension",
            ),
        ),
        migrations.AddConstraint(
            model_name="supervisionnotice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("serial__isnull", False)),
                fields=("authority", "year", "serial"),
                name="committee_supervisionnotice_number",
            ),
        ),
    ]
