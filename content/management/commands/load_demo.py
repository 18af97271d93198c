from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from content.demo.loader import load_content
from content.demo.seeds import SeedError


class Command(BaseCommand):
    help = "载入演示内容(法规、学习资料、典型案例);重复运行不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds", default=str(settings.DEMO_SEEDS_DIR), help="演示材料目录(五份源文件)"
        )

    def handle(self, *args, seeds, **options):
        from pathlib import Path

        from django.utils import timezone

        from quizzes.demo import load_quizzes

        try:
            report = load_content(seeds_dir=Path(seeds))
            quizzes = load_quizzes(now=timezone.now())
        except SeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"演示内容:新建 {len(report.created)} 个页面,已存在 {len(report.existing)} 个;"
                f"新建 {quizzes.questions_created} 道题、{len(quizzes.quizzes_created)} 个测试。"
            )
        )
