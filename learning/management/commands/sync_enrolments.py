from django.core.management.base import BaseCommand
from django.utils import timezone

from learning import services
from learning.models import Programme


class Command(BaseCommand):
    help = (
        "按培训对象重建全部报名（新报名、恢复、退出），并为已满足条件的学员办理结业；可重复运行。"
    )

    def handle(self, *args, **options):
        now = timezone.now()
        change = services.sync_all(now=now)
        issued = sum(
            len(services.complete_programme(programme=programme, now=now))
            for programme in Programme.objects.filter(is_published=True)
        )
        self.stdout.write(
            f"报名：新增 {change.added} 人，恢复 {change.reinstated} 人，退出 {change.withdrawn} 人；"
            f"新结业 {issued} 人。"
        )
