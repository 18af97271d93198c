from django.core.management.base import BaseCommand
from django.utils import timezone

from learning.services.study import flush_stale


class Command(BaseCommand):
    help = "把长时间没有心跳的学习会话计入学习时长记录；可每 5 分钟运行一次。"

    def handle(self, *args, **options):
        count = flush_stale(now=timezone.now())
        self.stdout.write(f"已结束 {count} 个闲置的学习会话。")
