"""What quizzes announces, and how it keeps the question bank honest when the regulations it
cites change.

Sent once the attempt's transaction has committed, with ``attempt`` (an ``Attempt``):

* ``attempt_finished`` — an attempt was handed in or timed out, and graded;
* ``attempt_marked`` — a marker scored an essay answer of a finished attempt (it may still wait
  for other essays: see ``attempt.pending_marking``);
* ``attempt_regraded`` — an administrator re-graded a finished attempt with a corrected key and
  its score changed.

Apps above quizzes (training) listen to these instead of quizzes knowing them.
"""

from django.db.models.signals import pre_delete
from django.dispatch import Signal, receiver
from wagtail.signals import page_published

from content.models import RegulationArticle, RegulationPage
from quizzes.models import Question
from quizzes.models.bank import article_fingerprint

attempt_finished = Signal()
attempt_marked = Signal()
attempt_regraded = Signal()


@receiver(page_published, sender=RegulationPage)
def flag_questions_on_revised_articles(sender, instance, **kwargs):
    """A published revision that rewords a cited article puts its questions up for review."""
    for article in instance.articles.all():
        stale = Question.objects.filter(
            source_article=article, status=Question.Status.PUBLISHED
        ).exclude(source_fingerprint=article_fingerprint(article))
        stale.update(
            status=Question.Status.NEEDS_REVIEW,
            review_note=f"依据条文《{instance.title}》{article.display_label}已修订，请核对题目。",
        )


@receiver(pre_delete, sender=RegulationArticle)
def flag_questions_on_removed_article(sender, instance, **kwargs):
    """Removing a cited article also puts its questions up for review."""
    held = Question.objects.current().filter(source_article=instance)
    held.exclude(status=Question.Status.DRAFT).update(
        status=Question.Status.NEEDS_REVIEW,
        review_note=f"依据条文《{instance.page.title}》{instance.display_label}已删除，请重新指定依据。",
    )
