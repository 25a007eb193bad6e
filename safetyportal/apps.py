import axes.apps
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig, SimpleAdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SafetyPortalConfig(AppConfig):
    name = "safetyportal"
    verbose_name = _("组织机构")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import roles
        from .documents import samples  # noqa: F401  (registers the built-in sample report kind)

        # Keep the role groups' permissions in step with the models after every migrate.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        # Every change of a role, a permission or an officer's unit is written to the audit log (权限变更记录).
        from . import audit

        audit.connect()
        # People are shown by their names (姓名), not their login names, on every screen (safetyportal/people.py).
        from . import people

        people.install()
        people.install_permission_labels()  # "Can add log entry" → "管理 | 日志记录 | 新增日志记录"
        people.install_login_record_labels()


class AxesConfig(axes.apps.AppConfig):
    """django-axes with a Chinese name on the admin index (the package does not translate its app name)."""

    verbose_name = _("登录保护")


def loads_admin() -> bool:
    """Whether this process imports the admin modules at start-up: every process except one started with
    ``PORTAL_ROLE=worker`` (a Celery worker never serves the admin, and the admin modules pull in import-export,
    tablib, openpyxl, numpy and psycopg: about 40 % of django.setup(); benchmarks/README.md)."""
    from .config import env_choice

    return env_choice("PORTAL_ROLE", "WEB", ("WEB", "WORKER")) != "WORKER"


class PortalAdminConfig(AdminConfig):
    default_site = "safetyportal.admin_site.PortalAdminSite"

    def ready(self) -> None:
        if loads_admin():
            super().ready()
        else:
            SimpleAdminConfig.ready(self)  # the admin's checks, without autodiscover()
