"""Data for the study-time tests: a published programme, its lesson items and enrolments."""

import datetime
import itertools

from django.utils import timezone

from content.services import ensure_site_tree
from learning.models import Enrollment, Programme, ProgrammeItem
from tests.factories import StudyMaterialPageFactory, UserFactory

_numbers = itertools.count(1)


def programme(
    *, title: str = "2024年组工干部选人用人监督培训班", published: bool = True
) -> Programme:
    number = next(_numbers)
    return Programme.objects.create(
        title=title,
        slug=f"programme-{number}",
        starts_on=datetime.date(2024, 3, 1),
        ends_on=datetime.date(2030, 12, 31),
        is_published=published,
    )


def lesson(
    *, of: Programme | None = None, nominal_minutes: int = 30, page=None, title: str = ""
) -> ProgrammeItem:
    """A lesson item whose page is a published study material (made when not given)."""
    ensure_site_tree()  # transactional tests start from an emptied database
    page = page or StudyMaterialPageFactory(
        title=f"学习资料{next(_numbers)}",
        paragraphs=["干部选拔任用工作监督检查和责任追究办法解读。", "一、总体要求。"],
    )
    return ProgrammeItem.objects.create(
        programme=of or programme(),
        kind=ProgrammeItem.Kind.LESSON,
        title=title,
        page=page,
        nominal_minutes=nominal_minutes,
    )


def enrol(user, of: Programme) -> Enrollment:
    return Enrollment.objects.create(programme=of, user=user, enrolled_at=timezone.now())


def enrolled_lesson(user=None, *, nominal_minutes: int = 30, title: str = ""):
    """``(user, lesson item)``: the user is enrolled in the lesson's published programme."""
    user = user or UserFactory()
    item = lesson(nominal_minutes=nominal_minutes, title=title)
    enrol(user, item.programme)
    return user, item
