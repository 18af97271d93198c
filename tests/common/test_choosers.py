"""Admin choosers are scoped like the pages that use them: the people chooser for those who
appoint unit administrators or set quizzes' personal settings, the question chooser for quiz
editors; a page editor is refused and never sees a name."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, staff_with
from tests.quizzes import factories as quiz_factories
from tests.support import REFUSED, outcome

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
SECRET_NAME = "闻人隐名"


@pytest.fixture
def somebody():
    """An active user whose name must not leak to those who may not choose people."""
    return UserFactory(username="wenren", first_name=SECRET_NAME)


@pytest.fixture
def question():
    category = quiz_factories.category("法规/四项监督", regulation=True)
    return quiz_factories.single(category, 1, stem="离任检查的对象是谁？")


def person_urls(somebody) -> list[str]:
    return [
        reverse("person_chooser:choose"),
        reverse("person_chooser:choose_results") + "?q=wenren",
        reverse("person_chooser:chosen", args=(somebody.pk,)),
    ]


def question_urls(question) -> list[str]:
    return [
        reverse("quiz_question_chooser:choose"),
        reverse("quiz_question_chooser:choose_results") + "?q=离任",
        reverse("quiz_question_chooser:chosen", args=(question.pk,)),
    ]


def test_editor_is_refused_the_people_chooser_without_a_name(client, editor, somebody):
    """A page editor gets Wagtail's refusal on every view of the people chooser, and no name."""
    client.force_login(editor)
    for url in person_urls(somebody):
        assert outcome(client.get(url)) == REFUSED
        response = client.get(url, **XHR)
        assert response.status_code == 403
        assert SECRET_NAME not in response.content.decode()
        followed = client.get(url, follow=True)
        assert SECRET_NAME not in followed.content.decode()


def test_editor_is_refused_the_question_chooser(client, editor, question):
    """A page editor cannot browse the question bank through the blueprint's chooser."""
    client.force_login(editor)
    for url in question_urls(question):
        assert outcome(client.get(url)) == REFUSED
        assert client.get(url, **XHR).status_code == 403


@pytest.mark.parametrize(
    "codename", ["add_unitadministrator", "change_unitadministrator", "change_quiz", "add_quiz"]
)
def test_who_appoints_unit_admins_or_edits_quizzes_chooses_people(client, somebody, codename):
    """Those who appoint unit administrators or set personal settings find people by name."""
    client.force_login(staff_with(codename))
    for url in person_urls(somebody):
        assert client.get(url, **XHR).status_code == 200
    found = client.get(reverse("person_chooser:choose_results"), {"q": "wenren"}, **XHR)
    assert SECRET_NAME in found.content.decode()


def test_platform_admin_group_member_chooses_people(client, somebody):
    """A member of 平台管理员 (not a superuser) may choose people."""
    from tests.learning.factories import platform_admin

    user = platform_admin(staff_with())
    client.force_login(user)
    assert client.get(reverse("person_chooser:choose"), **XHR).status_code == 200


def test_other_training_rights_do_not_open_the_people_chooser(client, somebody):
    """Marking, certificates or enrolments use no people chooser, so they do not open it."""
    for codename in ("change_attempt", "change_certificate", "add_enrollment"):
        client.force_login(staff_with(codename))
        assert outcome(client.get(reverse("person_chooser:choose"))) == REFUSED


def test_unit_admin_rights_do_not_open_the_question_chooser(client, question):
    """Appointing unit administrators does not let anybody browse the question bank."""
    client.force_login(staff_with("add_unitadministrator"))
    for url in question_urls(question):
        assert outcome(client.get(url)) == REFUSED


def test_quiz_editor_chooses_questions(client, question):
    """Who may change quizzes finds published questions in the blueprint's chooser."""
    client.force_login(staff_with("change_quiz"))
    for url in question_urls(question):
        assert client.get(url, **XHR).status_code == 200
    found = client.get(reverse("quiz_question_chooser:choose_results"), {"q": "离任"}, **XHR)
    assert "离任检查的对象是谁" in found.content.decode()


def test_people_chooser_lists_only_active_people(admin_client, somebody):
    """Deactivated accounts are not offered, even to a superuser."""
    UserFactory(username="wenren-left", first_name="闻人离职", is_active=False)
    found = admin_client.get(reverse("person_chooser:choose_results"), {"q": "wenren"}, **XHR)
    html = found.content.decode()
    assert SECRET_NAME in html and "闻人离职" not in html


def test_anonymous_is_sent_to_log_in(client, somebody):
    """Without a session the chooser answers with the admin's log-in page, no name."""
    response = client.get(reverse("person_chooser:choose_results"), {"q": "wenren"})
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]
