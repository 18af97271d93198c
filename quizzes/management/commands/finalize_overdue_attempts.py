from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.services import finalize_overdue_attempts, record_released_exams


class Command(BaseCommand):
    help = "交卷所有已超过截止时间（含宽限期）的作答，并把已结束考试的错题计入错题本；可每分钟运行一次。"

    def handle(self, *args, **options):
        now = timezone.now()
        count = finalize_overdue_attempts(now=now)
        released = record_released_exams(now=now)
        self.stdout.write(
            f"已自动交卷 {count} 份超时作答；{released} 份已结束考试的错题计入错题本。"
        )
