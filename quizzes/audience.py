"""Who may sit a quiz. Quizzes knows people only as users; the app that knows their units,
ranks and programmes (training) registers the policy at start-up, so quizzes asks without
importing it. Without a registered policy every quiz is open to everyone.

A policy answers three questions:

* ``visible(queryset, user)`` — the quizzes of ``queryset`` the user may see and start (a
  constant number of queries);
* ``may_sit(quiz, user)`` — whether the user may start this quiz;
* ``describe(quiz)`` — who the quiz is for, in words, for the people it is not for ("" when it
  is for everyone).
"""

from django.db.models import QuerySet


class OpenToAll:
    def visible(self, queryset: QuerySet, user) -> QuerySet:
        return queryset

    def may_sit(self, quiz, user) -> bool:
        return True

    def describe(self, quiz) -> str:
        return ""


_policy = OpenToAll()


def register(policy) -> None:
    global _policy
    _policy = policy


def policy():
    return _policy
