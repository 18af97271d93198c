from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from content.demo.loader import load_content
from content.demo.seeds import SeedError
from learning.demo import load_history, load_people
from quizzes.demo import load_quizzes

DEMO_ACCOUNTS_FILE = settings.VAR_DIR / "demo-accounts.txt"


class Command(BaseCommand):
    help = "载入演示内容（法规、资料、案例、题库、测试、单位与学员）；重复运行不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds", default=str(settings.DEMO_SEEDS_DIR), help="演示材料目录（五份源文件）"
        )

    def handle(self, *args, seeds, **options):
        self.stage("法规、学习资料和典型案例")
        try:
            pages = load_content(seeds_dir=Path(seeds))
        except SeedError as error:
            raise CommandError(str(error)) from error
        self.stage("题库和测试")
        quizzes = load_quizzes(now=timezone.now())
        self.stage("单位和演示学员")
        people = load_people(accounts_file=DEMO_ACCOUNTS_FILE)
        self.stage("培训项目、学习记录和考试成绩")
        programmes = load_history(now=timezone.now())
        self.stdout.write(
            self.style.SUCCESS(
                f"演示内容：新建 {len(pages.created)} 个页面（已存在 {len(pages.existing)} 个），"
                f"{quizzes.questions_created} 道题，{len(quizzes.quizzes_created)} 个测试，"
                f"{people.units} 个单位，{people.people} 名学员，{len(programmes)} 个培训项目。"
            )
        )

    def stage(self, what: str) -> None:
        """One line per stage, so that a minute-long first load shows where it is."""
        self.stdout.write(f"== 演示内容：正在载入{what}……")
        self.stdout.flush()
