"""Every URL the project defines, walked as six roles: anonymous, a learner (on their own
attempt, result, certificate…), another learner (on the first one's), a unit administrator of
another unit, a page editor without quiz or training rights, and a superuser. Each URL has a
row with the status every role gets; a URL without a row fails the walk."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.walk import (
    ADMIN_LOGIN,
    LOGIN,
    REDIRECT,
    REFUSED,
    ROLES,
    build_world,
    outcome,
    project_urls,
)

pytestmark = pytest.mark.django_db

A, L, R, X = ADMIN_LOGIN, LOGIN, REFUSED, REDIRECT
SKIP = None  # a write the role may do, checked by the app's own tests (it would change the world)

# Role order: anonymous, learner, other learner, unit administrator of another unit, page
# editor, superuser. A: 302 to the admin's log-in, L: 302 to the site's log-in, R: Wagtail's
# refusal (the dashboard with its message), X: another redirect.
ADMIN = (A, A, A, A, R, 200)  # an admin page of quizzes or training
SIGNED_IN = (L, 200, 200, 200, 200, 200)  # a page about oneself
OWN = (L, 200, 404, 404, 404, 404)  # the learner's own attempt, result or certificate
PUBLIC = (200, 200, 200, 200, 200, 200)
REPORT = (L, 403, 403, 200, 403, 200)  # unit reports: the administrator sees their own units
EDITORS = (A, A, A, A, 200, 200)  # public regulation text or a tag list, for every admin user
NO_CREATE = (A, A, A, A, R, 404)  # a chooser without a creation form

GET = {
    "audit_log_export": EDITORS,
    "article_chooser:choose": EDITORS,
    "article_chooser:choose_results": EDITORS,
    "article_chooser:chosen": EDITORS,
    "article_chooser:chosen_multiple": EDITORS,
    "article_chooser:create": ADMIN,
    "admin_certificates:index": ADMIN,
    "admin_certificates:index_results": ADMIN,
    "admin_certificates:pdf": ADMIN,
    "admin_certificates:revoke": ADMIN,
    "admin_programmes:add": ADMIN,
    "admin_programmes:attendance": ADMIN,
    "admin_programmes:attendance_import": ADMIN,
    "admin_programmes:attendance_template": ADMIN,
    "admin_programmes:delete": ADMIN,
    "admin_programmes:edit": ADMIN,
    "admin_programmes:enrolments": ADMIN,
    "admin_programmes:enrolments_results": ADMIN,
    "admin_programmes:history": ADMIN,
    "admin_programmes:history_results": ADMIN,
    "admin_programmes:index": ADMIN,
    "admin_programmes:index_results": ADMIN,
    "admin_programmes:usage": ADMIN,
    "admin_quizzes:add": ADMIN,
    "admin_quizzes:delete": ADMIN,
    "admin_quizzes:edit": ADMIN,
    "admin_quizzes:history": ADMIN,
    "admin_quizzes:history_results": ADMIN,
    "admin_quizzes:index": ADMIN,
    "admin_quizzes:index_results": ADMIN,
    "admin_quizzes:preview": (A, A, A, A, R, 405),
    "admin_quizzes:candidate_preview": ADMIN,
    "admin_quizzes:usage": ADMIN,
    "knowledge_point_chooser:choose": ADMIN,
    "knowledge_point_chooser:choose_results": ADMIN,
    "knowledge_point_chooser:chosen": ADMIN,
    "knowledge_point_chooser:chosen_multiple": ADMIN,
    "knowledge_point_chooser:create": NO_CREATE,
    "knowledge_points:add": ADMIN,
    "knowledge_points:delete": ADMIN,
    "knowledge_points:edit": ADMIN,
    "knowledge_points:history": ADMIN,
    "knowledge_points:history_results": ADMIN,
    "knowledge_points:index": ADMIN,
    "knowledge_points:index_results": ADMIN,
    "knowledge_points:usage": ADMIN,
    "learning:certificate_pdf": OWN,
    "learning:dashboard": SIGNED_IN,
    "learning:heartbeat": (405, 405, 405, 405, 405, 405),
    "learning:lesson": (L, 200, 200, 403, 403, 403),
    "learning:presence": (405, 405, 405, 405, 405, 405),
    "learning:programme": (L, 200, 200, 404, 404, 404),
    "learning:report_chart": REPORT,
    "learning:report_export": REPORT,
    "learning:report_reset_password": (405, 405, 405, 405, 405, 405),
    "learning:report_unit": REPORT,
    "learning:reports": REPORT,
    "learning:study_record": SIGNED_IN,
    "learning:verify": PUBLIC,
    "learning:verify_form": PUBLIC,
    "people_import:import": ADMIN,
    "people_import:template": ADMIN,
    "person_chooser:choose": ADMIN,
    "person_chooser:choose_results": ADMIN,
    "person_chooser:chosen": ADMIN,
    "person_chooser:chosen_multiple": ADMIN,
    "person_chooser:create": NO_CREATE,
    "question_bank:index": ADMIN,
    "question_bank:index_results": ADMIN,
    "question_bank:candidate_preview": ADMIN,
    "question_categories:add": ADMIN,
    "question_categories:delete": ADMIN,
    "question_categories:edit": ADMIN,
    "question_categories:history": ADMIN,
    "question_categories:history_results": ADMIN,
    "question_categories:index": ADMIN,
    "question_categories:index_results": ADMIN,
    "question_categories:usage": ADMIN,
    "question_drafts:index": ADMIN,
    "question_drafts:new": ADMIN,
    "question_import:import": ADMIN,
    "question_import:template": ADMIN,
    "question_review:index": ADMIN,
    "question_review:index_results": ADMIN,
    "question_review:candidate_preview": ADMIN,
    "question_versions:history": ADMIN,
    "question_versions:regrade": ADMIN,
    "questions_essay:add": ADMIN,
    "questions_essay:copy": ADMIN,
    "questions_essay:delete": ADMIN,
    "questions_essay:edit": ADMIN,
    "questions_essay:history": ADMIN,
    "questions_essay:history_results": ADMIN,
    "questions_essay:index": ADMIN,
    "questions_essay:index_results": ADMIN,
    "questions_essay:usage": ADMIN,
    "questions_fill:add": ADMIN,
    "questions_fill:copy": ADMIN,
    "questions_fill:delete": ADMIN,
    "questions_fill:edit": ADMIN,
    "questions_fill:history": ADMIN,
    "questions_fill:history_results": ADMIN,
    "questions_fill:index": ADMIN,
    "questions_fill:index_results": ADMIN,
    "questions_fill:usage": ADMIN,
    "questions_multiple:add": ADMIN,
    "questions_multiple:copy": ADMIN,
    "questions_multiple:delete": ADMIN,
    "questions_multiple:edit": ADMIN,
    "questions_multiple:history": ADMIN,
    "questions_multiple:history_results": ADMIN,
    "questions_multiple:index": ADMIN,
    "questions_multiple:index_results": ADMIN,
    "questions_multiple:usage": ADMIN,
    "questions_single:add": ADMIN,
    "questions_single:copy": ADMIN,
    "questions_single:delete": ADMIN,
    "questions_single:edit": ADMIN,
    "questions_single:history": ADMIN,
    "questions_single:history_results": ADMIN,
    "questions_single:index": ADMIN,
    "questions_single:index_results": ADMIN,
    "questions_single:usage": ADMIN,
    "questions_truefalse:add": ADMIN,
    "questions_truefalse:copy": ADMIN,
    "questions_truefalse:delete": ADMIN,
    "questions_truefalse:edit": ADMIN,
    "questions_truefalse:history": ADMIN,
    "questions_truefalse:history_results": ADMIN,
    "questions_truefalse:index": ADMIN,
    "questions_truefalse:index_results": ADMIN,
    "questions_truefalse:usage": ADMIN,
    "quiz_audiences:add": ADMIN,
    "quiz_audiences:copy": ADMIN,
    "quiz_audiences:delete": ADMIN,
    "quiz_audiences:edit": ADMIN,
    "quiz_audiences:history": ADMIN,
    "quiz_audiences:history_results": ADMIN,
    "quiz_audiences:index": ADMIN,
    "quiz_audiences:index_results": ADMIN,
    "quiz_audiences:usage": ADMIN,
    "quiz_incidents:index": ADMIN,
    "quiz_marking:done": ADMIN,
    "quiz_marking:done_results": ADMIN,
    "quiz_marking:mark": ADMIN,
    "quiz_marking:queue": ADMIN,
    "quiz_marking:queue_results": ADMIN,
    "quiz_question_chooser:choose": ADMIN,
    "quiz_question_chooser:choose_results": ADMIN,
    "quiz_question_chooser:chosen": ADMIN,
    "quiz_question_chooser:chosen_multiple": ADMIN,
    "quiz_question_chooser:create": NO_CREATE,
    "quiz_statistics:export": ADMIN,
    "quiz_statistics:index": ADMIN,
    "quiz_statistics:index_results": ADMIN,
    "quiz_statistics:quiz": ADMIN,
    "quizzes:attempt": OWN,
    "quizzes:detail": SIGNED_IN,
    "quizzes:favourite": (L, 405, 405, 405, 405, 405),
    "quizzes:finish": (L, 405, 405, 405, 405, 405),
    "quizzes:history": SIGNED_IN,
    "quizzes:list": SIGNED_IN,
    "quizzes:practice": SIGNED_IN,
    "quizzes:practice_answer": (L, 405, 405, 405, 405, 405),
    "quizzes:practice_question": SIGNED_IN,
    "quizzes:remove_wrong": (L, 405, 405, 405, 405, 405),
    "quizzes:result": OWN,
    "quizzes:save": (L, 405, 405, 405, 405, 405),
    "quizzes:start": (L, 405, 405, 405, 405, 405),
    "quizzes:state": OWN,
    "quizzes:wrong_book": SIGNED_IN,
    "regulation_import": EDITORS,
    "regulation_reimport": EDITORS,
    "search": PUBLIC,
    "unit_administrators:add": ADMIN,
    "unit_administrators:delete": ADMIN,
    "unit_administrators:edit": ADMIN,
    "unit_administrators:history": ADMIN,
    "unit_administrators:history_results": ADMIN,
    "unit_administrators:index": ADMIN,
    "unit_administrators:index_results": ADMIN,
    "unit_administrators:usage": ADMIN,
    "unit_incidents:index": ADMIN,
    "units:add": ADMIN,
    "units:delete": ADMIN,
    "units:edit": ADMIN,
    "units:history": ADMIN,
    "units:history_results": ADMIN,
    "units:index": ADMIN,
    "units:index_results": ADMIN,
    "units:usage": ADMIN,
    "wagtailsnippetchoosers_content_misconducttype:choose": (A, A, A, A, 200, 200),
    "wagtailsnippetchoosers_content_misconducttype:choose_results": (A, A, A, A, 200, 200),
    "wagtailsnippetchoosers_content_misconducttype:chosen": (A, A, A, A, 200, 200),
    "wagtailsnippetchoosers_content_misconducttype:chosen_multiple": (A, A, A, A, 200, 200),
    "wagtailsnippetchoosers_content_misconducttype:create": ADMIN,
    "wagtailsnippets_content_misconducttype:add": ADMIN,
    "wagtailsnippets_content_misconducttype:copy": ADMIN,
    "wagtailsnippets_content_misconducttype:delete": ADMIN,
    "wagtailsnippets_content_misconducttype:edit": ADMIN,
    "wagtailsnippets_content_misconducttype:history": ADMIN,
    "wagtailsnippets_content_misconducttype:history_results": ADMIN,
    "wagtailsnippets_content_misconducttype:list": ADMIN,
    "wagtailsnippets_content_misconducttype:list_results": ADMIN,
    "wagtailsnippets_content_misconducttype:usage": ADMIN,
}

# POST-only URLs, posted after every GET above (with the body of ``BODIES`` where a URL needs
# one to reach its permission check).
POST = {
    "admin_quizzes:preview": ADMIN,
    "admin_certificates:revoke": (A, A, A, A, R, SKIP),
    "question_versions:regrade": (A, A, A, A, R, SKIP),
    "quiz_marking:mark": (A, A, A, A, R, SKIP),
    "learning:heartbeat": (401, 200, 200, 403, 403, 403),
    "learning:presence": (401, 200, 200, 409, 409, 409),
    "learning:report_reset_password": (L, 403, 403, 404, 403, SKIP),
    "quizzes:favourite": (L, 200, 200, 200, 200, 200),
    "quizzes:finish": (L, SKIP, 404, 404, 404, 404),
    "quizzes:practice_answer": (L, 409, 200, 200, 200, 200),
    "quizzes:remove_wrong": (L, X, X, X, X, X),
    "quizzes:save": (L, 200, 404, 404, 404, 404),
    "quizzes:start": (L, X, X, X, X, X),
}


def kwargs_for(name: str, w) -> dict:
    """Real objects behind the URL's parameters."""
    namespace, _, view = name.rpartition(":")
    by_name = {
        "quizzes:result": {"pk": w.finished.pk},
        "quizzes:remove_wrong": {"question_id": w.questions["single"].pk},
        "quizzes:practice_question": {"mode": "sequential"},
        "question_bank:candidate_preview": {"pk": w.questions["single"].pk},
        "question_review:candidate_preview": {"pk": w.questions["single"].pk},
        "question_versions:regrade": {"pk": w.version.pk},
        "quiz_marking:mark": {"pk": w.mark_row.pk},
        "admin_programmes:attendance": {"pk": w.offline.pk},
        "admin_programmes:attendance_import": {"pk": w.offline.pk},
        "admin_programmes:attendance_template": {"pk": w.offline.pk},
        "regulation_import": {"parent_id": w.article.page.get_parent().pk},
        "regulation_reimport": {"page_id": w.article.page_id},
    }
    if name in by_name:
        return by_name[name]
    if namespace == "quizzes":
        return {"pk": w.running.pk, "slug": w.quiz.slug}
    if namespace == "learning":
        return {
            "slug": w.programme.slug, "number": w.certificate.number, "item_id": w.lesson.pk,
            "programme_pk": w.programme.pk, "user_id": w.users["learner"].pk,
        }  # fmt: skip
    if namespace.startswith("questions_"):
        return {"pk": w.questions[namespace.removeprefix("questions_")].pk}
    pks = {
        "person_chooser": w.users["learner"], "quiz_question_chooser": w.questions["single"],
        "article_chooser": w.article, "question_categories": w.category,
        "knowledge_points": w.point, "knowledge_point_chooser": w.point, "admin_quizzes": w.quiz, "quiz_statistics": w.quiz,
        "question_versions": w.questions["single"], "units": w.units["A"],
        "unit_administrators": w.administration, "admin_programmes": w.programme,
        "admin_certificates": w.certificate, "quiz_audiences": w.audience,
        "wagtailsnippets_content_misconducttype": w.misconduct,
        "wagtailsnippetchoosers_content_misconducttype": w.misconduct,
    }  # fmt: skip
    return {"pk": pks[namespace].pk} if namespace in pks else {}


def url_of(name: str, params: set[str], w) -> str:
    kwargs = {key: value for key, value in kwargs_for(name, w).items() if key in params}
    assert set(kwargs) == params, f"{name}: no object for {params - set(kwargs)}"
    return reverse(name, kwargs=kwargs or None)


BODIES = {
    "quizzes:save": lambda w: {"position": 1, "response": 0, "seq": 1, "base": 0},
    "quizzes:favourite": lambda w: {"question": w.questions["multiple"].pk},
    "quizzes:practice_answer": lambda w: {"question": w.questions["single"].pk, "response": 0},
    "learning:heartbeat": lambda w: {"visible": True, "interacted": True},
}


def send(browser, method: str, name: str, urls: dict, world):
    if method == "get":
        return browser.get(urls[name])
    if name in BODIES:
        body = json.dumps(BODIES[name](world))
        return browser.post(urls[name], body, content_type="application/json")
    return browser.post(urls[name])


def walk(table: dict, method: str, role: str, browser, urls, world) -> list[str]:
    wrong = []
    for name, expected in table.items():
        want = expected[ROLES.index(role)]
        if want is SKIP:
            continue
        got = outcome(send(browser, method, name, urls, world))
        if got != want:
            wrong.append(
                f"{method.upper()} {name} ({urls[name]}) as {role}: {want} expected, got {got}"
            )
    return wrong


def test_every_url_has_a_row():
    """A URL the project adds without saying who may open it fails here: add its row."""
    assert sorted(set(project_urls()) - set(GET)) == []
    assert sorted(set(GET) - set(project_urls())) == [], "rows of URLs that no longer exist"
    assert set(POST) <= set(GET)
    assert all(len(row) == len(ROLES) for row in (*GET.values(), *POST.values()))


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_the_role_as_its_row_says(role):
    """Each URL answers the role with the status of its row (every GET, then the POSTs)."""
    world = build_world()
    browser = Client()
    if role != "anonymous":
        browser.force_login(world.users[role])
    urls = {name: url_of(name, params, world) for name, params in project_urls().items()}
    wrong = walk(GET, "get", role, browser, urls, world)
    wrong += walk(POST, "post", role, browser, urls, world)
    assert not wrong, "\n".join(wrong)
