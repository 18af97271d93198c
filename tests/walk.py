"""The world of the permission walk: six roles and one real object behind every URL parameter,
and how a response is told apart (page, log-in, Wagtail's refusal, error)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from inspect import unwrap

from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from content.models import MisconductType
from learning.models import Certificate, QuizAudience
from quizzes.models import Attempt
from quizzes.services import keep_paper_version, start_attempt
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory
from tests.learning import factories as training
from tests.quizzes import factories as bank

OUR_APPS = ("content", "quizzes", "learning", "common", "config")
ROLES = ("anonymous", "learner", "other", "unit_admin", "editor", "superuser")

LOGIN = "login"  # 302 to the site's log-in page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's log-in page
REFUSED = "refused"  # Wagtail's refusal: 302 to the dashboard with its message
REDIRECT = "redirect"  # any other 302


def outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location == reverse("wagtailadmin_home"):
        return REFUSED
    if location.startswith(reverse("wagtailadmin_login")):
        return ADMIN_LOGIN
    if location.startswith(reverse("login")):
        return LOGIN
    return REDIRECT


# Which URLs are the project's --------------------------------------------------------------


def _is_ours(pattern: URLPattern) -> bool:
    """A view function of the project, or a view class one of whose classes is (Wagtail
    subclasses a viewset's view class on the fly)."""
    view = unwrap(pattern.callback)
    classes = getattr(getattr(view, "view_class", None), "__mro__", (view,))
    return any(cls.__module__.split(".")[0] in OUR_APPS for cls in classes)


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            if inner:
                inner = f"{namespace}:{inner}" if namespace else inner
            yield from _walk(entry.url_patterns, inner or namespace)
        elif entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, namespace, _is_ours(entry), set(entry.pattern.converters)


def project_urls() -> dict[str, set[str]]:
    """Every named URL whose view is the project's, with every URL of a viewset (or snippet
    viewset) one of the project's apps registers, even where the view class is Wagtail's;
    each with the names of its parameters."""
    entries = list(_walk(get_resolver().url_patterns))
    ours = {namespace for _, namespace, mine, _ in entries if mine and namespace}
    names = {}
    for name, namespace, mine, params in entries:
        snippet = namespace and any(
            namespace.startswith(f"{prefix}_{app}_")
            for prefix in ("wagtailsnippets", "wagtailsnippetchoosers")
            for app in OUR_APPS
        )
        if mine or namespace in ours or snippet:
            names[name] = params
    return names


# The world ----------------------------------------------------------------------------------


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    """Units 甲区 (the learners') and 乙区 (the unit administrator's), a learner with an attempt
    running, a finished one, one waiting for marking and a certificate, another learner, a page
    editor and a superuser; a question of each type, one edited while on a paper."""
    now = timezone.now()
    units = training.area_units()
    world = World()
    learner = training.learner("walk-learner", units["A1"], name="学员甲")
    other = training.learner("walk-other", units["A"], name="学员乙")
    unit_admin = UserFactory(username="walk-unit-admin", first_name="乙区管理员", password="!")
    administration = training.unit_admin(unit_admin, units["B"])
    editor = UserFactory(username="walk-editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    superuser = UserFactory(username="walk-root", is_superuser=True, is_staff=True)
    world.users = dict(
        learner=learner, other=other, unit_admin=unit_admin, editor=editor, superuser=superuser
    )

    category = bank.category("法规/四项监督", regulation=True)
    questions = {q.kind: q for q in bank.one_of_each(category)}
    point = bank.KnowledgePointFactory()
    quiz = bank.fixed(bank.quiz(title="走查测试", slug="walk-quiz"), [questions["single"]])
    quiz.pass_percent = Decimal("60")
    quiz.save()
    running = start_attempt(quiz=quiz, user=learner, now=now)
    finished = training.attempt(learner, quiz, score="80")
    marking = bank.finished_attempt(
        bank.quiz(title="论述测试", slug="walk-essay"), learner, [(questions["essay"], None, "10")]
    )
    edited = type(questions["single"]).objects.get(pk=questions["single"].pk)
    edited.stem = edited.stem + "（修订）"
    version = keep_paper_version(question=edited, now=now)
    edited.save()

    programme = training.programme(title="走查培训班", slug="walk-programme")
    lesson = training.material_lesson(of=programme)
    offline = training.offline(programme)
    training.quiz_item(programme, quiz)
    enrolment = training.enrol(programme, learner, completed=True)
    training.enrol(programme, other)
    certificate = Certificate.objects.create(
        enrollment=enrolment, number="ZG-2026-900001", verification_code="WALK1234",
        hours=Decimal("1"), issued_at=now,
    )  # fmt: skip
    audience = QuizAudience.objects.create(quiz=bank.quiz(title="限定测试", slug="walk-closed"))
    article = RegulationPageFactory(
        title="走查法规", articles=[("第一条", "为了加强干部选拔任用工作监督。")]
    ).articles.first()
    misconduct = MisconductType.objects.create(name="跑官要官", slug="paoguan")
    world.objects.update(
        units=units, category=category, questions=questions, point=point, quiz=quiz,
        running=running, finished=finished, marking=marking, version=version,
        mark_row=marking.paper.get(), programme=programme, lesson=lesson, offline=offline, certificate=certificate,
        audience=audience, administration=administration, article=article,
        misconduct=misconduct, unit=units["B"],
    )  # fmt: skip
    assert running.status == Attempt.Status.IN_PROGRESS and version is not None
    assert finished.finished_at < now + datetime.timedelta(days=1)
    return world
