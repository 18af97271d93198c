from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.services import finalize_overdue_attempts


class Command(BaseCommand):
    help = "交卷所有已超过截止时间(含宽限期)的作答;可每分钟运行一次。"

    def handle(self, *args, **options):
        count = finalize_overdue_attempts(now=timezone.now())
        self.stdout.write(f"已自动交卷 {count} 份超时作答。")
