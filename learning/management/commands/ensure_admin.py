import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from learning.permissions import ensure_platform_admin_group


class Command(BaseCommand):
    help = "没有管理员时创建一个（密码随机生成），并打印登录方式。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        ensure_platform_admin_group()
        password_file = settings.VAR_DIR / "initial-admin-password.txt"
        User = get_user_model()
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(9)
            User.objects.create_superuser(username=username, password=password, email="")
            # Created readable by the owner only, never for a moment by anyone else.
            descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(f"{username} {password}\n")
        if password_file.exists():
            name, password = password_file.read_text(encoding="utf-8").split()
            self.stdout.write(
                self.style.SUCCESS(
                    f"管理员账号：{name}  初始密码：{password}\n"
                    f"登录后台：{settings.WAGTAILADMIN_BASE_URL}/admin/"
                    f"（密码保存在 {password_file}，修改密码后请删除该文件）"
                )
            )
        else:
            self.stdout.write("已有管理员账号，未创建新账号。")
        self._show_demo_accounts()

    def _show_demo_accounts(self):
        accounts = settings.VAR_DIR / "demo-accounts.txt"
        if not accounts.exists():
            return
        password = accounts.read_text(encoding="utf-8").split()[-1]
        self.stdout.write(
            self.style.SUCCESS(
                f"演示学员（密码均为 {password}）：cadre001 县处级领导干部，zugong001 组工干部，"
                "wj_admin 武进区单位管理员，cz_admin 市级单位管理员"
            )
        )
