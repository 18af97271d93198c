"""Who may sit a quiz: a quiz with an audience is seen and started only by its audience (ranks
and units, the learners of a programme, named people); anyone else is told why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.models import QuizAudience, Rank
from quizzes.models import Attempt
from tests.learning import factories
from tests.quizzes import factories as quiz_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience_exam(city):
    """组工干部统一考试 for 组工干部 only; a 组工干部 and a 县处级 cadre of the same city."""
    quiz = quiz_factories.fixed(
        quiz_factories.quiz(title="组工干部统一考试"),
        quiz_factories.bank(quiz_factories.category("法规纪律", regulation=True), count=2),
    )
    QuizAudience.objects.create(quiz=quiz, ranks=[Rank.ORG_STAFF])
    staff = factories.learner("zugong", city, rank=Rank.ORG_STAFF)
    cadre = factories.learner("cadre", city, rank=Rank.COUNTY)
    return {"quiz": quiz, "staff": staff, "cadre": cadre}


def listed(client, user) -> list[str]:
    client.force_login(user)
    return [q.title for q in client.get(reverse("quizzes:list")).context["quizzes"]]


def test_only_the_audience_sees_and_starts_the_quiz(client, audience_exam):
    """The 组工干部 sees and starts it; the cadre sees no such quiz, and a direct start is refused
    with who it is for."""
    assert "组工干部统一考试" in listed(client, audience_exam["staff"])
    client.post(reverse("quizzes:start", args=[audience_exam["quiz"].slug]))
    assert Attempt.objects.filter(user=audience_exam["staff"]).exists()
    assert "组工干部统一考试" not in listed(client, audience_exam["cadre"])
    response = client.post(reverse("quizzes:start", args=[audience_exam["quiz"].slug]), follow=True)
    assert "本测试面向：组工干部。您不在参加范围内" in response.content.decode()
    assert not Attempt.objects.filter(user=audience_exam["cadre"]).exists()


def test_the_quiz_page_tells_an_outsider_why_there_is_no_start(client, audience_exam):
    """The quiz page shows an outsider who the quiz is for, and no start button."""
    client.force_login(audience_exam["cadre"])
    html = client.get(reverse("quizzes:detail", args=[audience_exam["quiz"].slug])).content.decode()
    assert "不在参加范围内" in html and "开始作答" not in html


def test_programme_learners_and_named_people_are_admitted(client, audience_exam, city):
    """Enrolled in the audience's programme, or named: admitted whatever the rank."""
    audience = audience_exam["quiz"].audience
    programme = factories.programme()
    enrolled = factories.learner("enrolled", city, rank=Rank.OTHER)
    factories.enrol(programme, enrolled)
    named = factories.learner("named", city, rank=Rank.TOWNSHIP)
    audience.programmes.add(programme)
    audience.people.add(named)
    audience.save()  # parental relations are written on save
    assert "组工干部统一考试" in listed(client, enrolled)
    assert "组工干部统一考试" in listed(client, named)
    assert "组工干部统一考试" not in listed(client, audience_exam["cadre"])


def test_a_quiz_without_an_audience_is_open_to_all(client, audience_exam):
    """Without an audience, every learner sees the quiz."""
    audience_exam["quiz"].audience.delete()
    assert "组工干部统一考试" in listed(client, audience_exam["cadre"])


def test_the_admin_sets_an_audience_with_usernames_named_by_line(admin_client, audience_exam, city):
    """The form takes people as usernames and names an unknown one by its line."""
    audience_exam["quiz"].audience.delete()
    url = reverse("quiz_audiences:add")
    data = {"quiz": audience_exam["quiz"].pk, "ranks": [Rank.COUNTY], "people": "zugong\nnobody"}
    response = admin_client.post(url, data)
    assert "第2行“nobody”" in str(response.context["form"].errors["people"])
    data["people"] = "zugong"
    assert admin_client.post(url, data).status_code == 302
    audience = QuizAudience.objects.get()
    assert audience.ranks == [Rank.COUNTY] and [u.username for u in audience.people.all()] == [
        "zugong"
    ]


def test_the_quiz_list_costs_the_same_queries_with_many_audiences(
    client, audience_exam, city, django_assert_max_num_queries
):
    """Audiences are read in a fixed number of queries, however many quizzes have one."""
    client.force_login(audience_exam["cadre"])
    url = reverse("quizzes:list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        quiz = quiz_factories.quiz(title=f"考试{n}", slug=f"exam-{n}")
        QuizAudience.objects.create(quiz=quiz, ranks=[Rank.ORG_STAFF]).units.add(city)
    with django_assert_max_num_queries(len(few)):
        client.get(url)
