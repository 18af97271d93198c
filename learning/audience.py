"""The quiz audience policy training gives quizzes (``quizzes.audience``): who may see and sit a
quiz, from its ``QuizAudience`` — ranks and units, programme enrolment, named people."""

from dataclasses import dataclass

from learning.models import Enrollment, LearnerProfile, QuizAudience
from learning.services.enrolment import matches_audience


@dataclass(frozen=True)
class Person:
    user_id: int
    rank: str
    unit_path: str | None
    programme_ids: frozenset[int]


def person(user) -> Person:
    profile = LearnerProfile.objects.filter(user=user).select_related("unit").first()
    programmes = Enrollment.objects.filter(user=user, withdrawn_at__isnull=True).values_list(
        "programme_id", flat=True
    )
    return Person(
        user.pk,
        profile.rank if profile else "",
        profile.unit.path if profile else None,
        frozenset(programmes),
    )


def admits(audience: QuizAudience, who: Person) -> bool:
    """Open when nothing is set; else by rank and unit (both, where set), by enrolment in one of
    its programmes, or by name."""
    ranks, paths = list(audience.ranks or []), [u.path for u in audience.units.all()]
    programmes = {p.pk for p in audience.programmes.all()}
    people = {p.pk for p in audience.people.all()}
    if not (ranks or paths or programmes or people):
        return True
    by_place = (
        (ranks or paths)
        and who.unit_path is not None
        and matches_audience(ranks=ranks, unit_paths=paths, rank=who.rank, unit_path=who.unit_path)
    )
    return bool(by_place or programmes & who.programme_ids or who.user_id in people)


def _audiences(**filters) -> list[QuizAudience]:
    return list(
        QuizAudience.objects.filter(**filters).prefetch_related("units", "programmes", "people")
    )


class QuizAudiencePolicy:
    def visible(self, queryset, user):
        who = person(user)
        closed = [a.quiz_id for a in _audiences() if not admits(a, who)]
        return queryset.exclude(pk__in=closed)

    def may_sit(self, quiz, user) -> bool:
        found = _audiences(quiz=quiz)
        return not found or admits(found[0], person(user))

    def describe(self, quiz) -> str:
        found = _audiences(quiz=quiz)
        return describe(found[0]) if found else ""


def describe(audience: QuizAudience) -> str:
    """本测试面向:组工干部;武进区(含下级单位);“……”的学员;指定人员。"""
    place = "、".join(audience.rank_labels)
    units = "、".join(u.name for u in audience.units.all())
    if units:
        place = f"{place}（{units}及其下级单位）" if place else f"{units}及其下级单位的人员"
    parts = [place] if place else []
    parts += [f"“{p.title}”的学员" for p in audience.programmes.all()]
    if audience.people.all():
        parts.append("指定人员")
    return f"本测试面向：{'；'.join(parts)}。" if parts else ""
