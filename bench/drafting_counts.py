"""What the question drafter finds in the demo's regulations, and a sample of drafts to review.

    VAR_DIR=/tmp/demo .venv/bin/python manage.py migrate
    VAR_DIR=/tmp/demo .venv/bin/python manage.py load_demo
    VAR_DIR=/tmp/demo .venv/bin/python bench/drafting_counts.py [--sample 30] [--seed 1]

Reads the database (writes nothing): for each regulation page, its articles, the quantified
clauses found, the drafts ``quizzes.services.drafts`` would add and how many of them test a fact
the bank already has; then every clause found (the number in 【】) and a seeded random sample
of drafts, printed in full for a person to judge.
"""

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from content.models import RegulationPage  # noqa: E402
from quizzes.services.drafts import known_facts, plan  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    everything = []
    print("文件 | 条目 | 含数字或限度的条款 | 草稿 | 题库已考查同一事实的草稿")
    for page in RegulationPage.objects.order_by("pk"):
        planned = plan(page)
        facts = known_facts([a.pk for a in page.articles.all()])
        clauses = {(p.article.pk, p.draft.quote, p.draft.fact) for p in planned}
        known = sum((p.article.pk, p.draft.fact) in facts for p in planned)
        print(f"{page.title} | {page.articles.count()} | {len(clauses)} | {len(planned)} | {known}")
        everything += planned
    print(f"合计草稿 {len(everything)} 道\n\n== 找到的条款")
    seen = set()
    for p in everything:
        if (p.article.pk, p.draft.quote) not in seen:
            seen.add((p.article.pk, p.draft.quote))
            print(f"- {p.article.page.title[:12]} {p.article.display_label}：{p.draft.quote}")
    print(f"\n== 随机抽取 {args.sample} 道草稿（种子 {args.seed}）")
    sample = random.Random(args.seed).sample(everything, min(args.sample, len(everything)))
    for number, p in enumerate(sample, start=1):
        d = p.draft
        answer = d.blanks or d.correct
        print(f"{number}. [{d.kind}] {d.stem}\n   选项：{d.options} 答案：{answer}")


if __name__ == "__main__":
    main()
