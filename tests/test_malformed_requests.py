"""Malformed requests to every URL the project defines get 4xx with a Chinese page, never a 500.

The walk takes every pattern of ``get_resolver()`` outside /admin/, and under /admin/ every
pattern of an admin area the project adds (a namespace holding one of the project's views, or
one of its snippets). Each is requested with bad ids for its converters (huge, zero, negative,
non-numeric, odd Unicode, NUL, very long), with a hostile query string, with wrong methods and
broken or ill-typed JSON bodies, as an anonymous visitor, a learner and an administrator.
"""

import json
import re
from functools import cache

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from quizzes import services as quiz_services
from tests.factories import UserFactory
from tests.learning import factories as learning
from tests.quizzes import factories as quizzes

PROJECT_APPS = ("common", "config", "content", "quizzes", "learning")
INT_VALUES = ["99999999999999999999999999", "2147483648", "0", "-1"]
STR_VALUES = [
    "%00",
    "%ff%fe",
    "%E2%80%AE%F0%9D%92%B3%E5%B9%B2",  # RLO, a math letter, 干
    "x" * 2000,
    "99999999999999999999999999",
]
QUERY = "?page=-1&p=99999999999999999999&q=%00&ordering=%ff&unit=abc&as_of=2026-13-45&id=%E2%80%AE"
BODIES = [
    ("application/json", b"{broken\xff"),
    ("application/json", b"[1, 2]"),
    ("application/json", b'{"position": "x", "question": "x", "response": {"a": 1}, "seq": []}'),
    (
        "application/json",
        b'{"question": 99999999999999999999999, "position": 1e400, "x": "\\u0000"}',
    ),
    ("application/x-www-form-urlencoded", b"pk=%00&file=x&reason=" + b"x" * 5000),
]
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _module(pattern: URLPattern) -> str:
    view = pattern.callback
    return getattr(getattr(view, "view_class", None), "__module__", None) or view.__module__


def _is_ours(pattern: URLPattern) -> bool:
    return _module(pattern).split(".")[0] in PROJECT_APPS


def _walk(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _walk(pattern, route, inner if pattern.namespace else namespace)
        else:
            yield route, namespace, pattern


@cache
def project_routes() -> list[str]:
    """Every route the walk covers, as ``path(…)`` strings (regex routes kept as written)."""
    found = list(_walk(get_resolver()))
    ours = {
        namespace
        for route, namespace, pattern in found
        if route.startswith("admin/") and namespace and _is_ours(pattern)
    }
    snippets = re.compile(r"wagtailsnippets_(content|quizzes|learning)_")
    routes = []
    for route, namespace, pattern in found:
        if (
            not route.startswith("admin/")
            or namespace in ours
            or snippets.match(namespace)
            or (not namespace and _is_ours(pattern))  # an admin page added without a namespace
        ):
            routes.append(route)
    return sorted(set(routes))


def urls_for(route: str) -> list[str]:
    """Concrete URLs of ``route``, each with bad values for its parameters."""
    if "^" in route:  # a regex route: bad values after its prefix
        prefix = "/" + route.split("^")[0]
        return [f"{prefix}{value}/{value}/" for value in STR_VALUES] + [prefix + "a/" * 300]
    kinds = [match.group("kind") or "str" for match in CONVERTER.finditer(route)]
    if not kinds:
        return ["/" + route]
    values = INT_VALUES if {"int", "id"} & set(kinds) else STR_VALUES
    return ["/" + CONVERTER.sub(value, route) for value in values]


def users() -> dict:
    unit = learning.unit("测试单位")
    return {
        "anonymous": None,
        "learner": learning.learner("walker", unit),
        "administrator": UserFactory(username="root", is_superuser=True, is_staff=True),
    }


def requests_for(route: str):
    """(method, url, content type, body) of every request made to ``route``."""
    urls = urls_for(route)
    for url in urls:
        yield "get", url, None, None
    first = urls[0]
    yield "get", first + QUERY, None, None
    for content_type, body in BODIES:
        yield "post", first, content_type, body
    for method in ("put", "delete"):
        yield method, first, "application/json", b"{broken"


def server_errors(client: Client, route: str) -> list[str]:
    failures = []
    for method, url, content_type, body in requests_for(route):
        kwargs = {"content_type": content_type, "data": body} if body is not None else {}
        response = getattr(client, method)(url, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:120]} → {response.status_code}")
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "learner", "administrator"])
@pytest.mark.parametrize("route", project_routes())
def test_no_malformed_request_is_a_server_error(route, who):
    """Bad ids, odd characters, wrong methods and broken JSON never answer 500."""
    client = Client(raise_request_exception=False)
    user = users()[who]
    if user is not None:
        client.force_login(user)
    assert server_errors(client, route) == []


def test_the_walk_covers_the_project_site_json_and_admin_areas():
    """The walk is not empty: it holds JSON endpoints, site pages and the project's admin."""
    routes = project_routes()
    for expected in (
        "quizzes/attempts/<id:pk>/save/",
        "quizzes/practice/answer/",
        "learning/study/lessons/<id:item_id>/heartbeat/",
        "learning/reports/<id:programme_pk>/chart.json",
        "admin/question-bank/import/",
        "admin/programmes/edit/<int:pk>/",
        "admin/regulation-import/<id:parent_id>/",
        "accounts/login/",
        "search/",
    ):
        assert expected in routes
    assert not any(route.startswith(("admin/pages/", "admin/failwhale/")) for route in routes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/quizzes/attempts/99999999999999999999999/",
        "/quizzes/attempts/2147483648/",
        "/learning/programmes/%00/",
        "/quizzes/%E2%80%AE/",
        "/无此页/",
    ],
)
def test_a_missing_page_is_the_chinese_404(url):
    """A page that does not exist answers 404 (400 for a NUL) with the site's Chinese page."""
    client = Client(raise_request_exception=False)
    client.force_login(learning.learner("reader", learning.unit("单位")))
    response = client.get(url)
    html = response.content.decode()
    title = {400: "请求有误", 404: "页面不存在"}[response.status_code]
    assert "<html" in html and f"<h1>{title}</h1>" in html


def test_json_endpoints_answer_json_errors_in_chinese(client, db):
    """A JSON endpoint given broken JSON says what is wrong, in Chinese JSON, with 400."""
    client.force_login(learning.learner("json", learning.unit("单位")))
    response = client.post(
        "/quizzes/practice/answer/", data=b"{broken", content_type="application/json"
    )
    assert response.status_code == 400
    assert re.search(r"[\u4e00-\u9fff]", json.loads(response.content)["error"])


# JSON endpoints with real objects: bad bodies are 400 with a Chinese error, nothing changes ------


CJK = re.compile(r"[\u4e00-\u9fff]")
BAD_JSON_BODIES = [
    b"",
    b"{broken",
    b"\xff\xfe",
    b"[1, 2]",
    b'"text"',
    b"null",
    b"{}",
    b'{"position": "x"}',
    b'{"position": 1e400}',
    b'{"position": -1}',
    b'{"position": true}',
    b'{"position": 99999999999999999999999}',
    b'{"position": 1, "seq": "x"}',
    b'{"position": 1, "seq": 99999999999999999999999}',
    b'{"position": 1, "base": -5}',
    b'{"question": "x"}',
    b'{"question": [1]}',
    b'{"question": 1.5}',
    b'{"question": 99999999999999999999999}',
    b'{"visible": "yes", "interacted": 1}',
    b'{"position": 1, "question": 1, "response": "\\u0000"}',
]


@pytest.fixture
def running_attempt(db):
    """A learner in the middle of a self-test of one single-choice question."""
    person = learning.learner("candidate", learning.unit("单位"))
    question = quizzes.single(quizzes.category("法规"))
    quiz = quizzes.fixed(quizzes.quiz(), [question])
    attempt = quiz_services.start_attempt(quiz=quiz, user=person, now=timezone.now())
    return person, attempt, question


def post_json(client, url, body):
    return client.post(url, data=body, content_type="application/json")


def assert_chinese_400(response):
    assert response.status_code == 400, response.content[:200]
    assert CJK.search(json.loads(response.content)["error"])


@pytest.mark.parametrize("body", BAD_JSON_BODIES)
def test_a_bad_answer_save_is_a_chinese_400_and_changes_nothing(client, running_attempt, body):
    """The answer save refuses any body that is not its object with whole numbers."""
    person, attempt, _ = running_attempt
    client.force_login(person)
    response = post_json(client, f"/quizzes/attempts/{attempt.pk}/save/", body)
    assert_chinese_400(response)
    assert attempt.paper.get().saved_at is None


@pytest.mark.parametrize("response_value", ["x", {"a": 1}, [99], [0, 0, 0], 1e300, None, True])
def test_an_ill_typed_answer_is_refused_in_chinese(client, running_attempt, response_value):
    """A response of the wrong shape for the question is a 400 in Chinese, or stored as blank."""
    person, attempt, _ = running_attempt
    client.force_login(person)
    body = json.dumps({"position": 1, "response": response_value}).encode()
    response = post_json(client, f"/quizzes/attempts/{attempt.pk}/save/", body)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert_chinese_400(response)


@pytest.mark.parametrize("endpoint", ["answer", "favourite"])
@pytest.mark.parametrize("body", BAD_JSON_BODIES)
def test_bad_practice_requests_are_chinese_400s_or_404s(client, running_attempt, endpoint, body):
    """Practice answers and favourites refuse bodies that name no question."""
    person, _, _ = running_attempt
    client.force_login(person)
    response = post_json(client, f"/quizzes/practice/{endpoint}/", body)
    if response.status_code == 404:  # a well-formed id of no question
        return
    assert_chinese_400(response)


@pytest.mark.parametrize("response_value", ["x", {"a": 1}, [99], 1e300, None, True, "A" * 10000])
def test_an_ill_typed_practice_answer_is_never_a_server_error(db, response_value):
    """A practice answer of any shape is graded (as wrong) or refused, never a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(learning.learner("practiser", learning.unit("单位")))
    question = quizzes.single(quizzes.category("法规"))
    for mode, index in (("random", 0), ("sequential", "x"), ("chapter", 99999999999999999999)):
        body = {"question": question.pk, "response": response_value, "mode": mode, "index": index}
        body["category"] = "x"
        response = post_json(client, "/quizzes/practice/answer/", json.dumps(body).encode())
        assert response.status_code in (200, 400, 409), response.content[:200]


@pytest.mark.parametrize("body", BAD_JSON_BODIES)
def test_a_bad_heartbeat_is_a_chinese_400(client, db, body):
    """The study heartbeat refuses anything but its two booleans, in Chinese."""
    person, item = learning.enrolled_lesson()
    client.force_login(person)
    assert_chinese_400(post_json(client, f"/learning/study/lessons/{item.pk}/heartbeat/", body))
