"""People: roles and scoping, creating people with an initial password, the password-change
middleware, and the admin of units and unit administrators."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning import permissions
from learning.models import LearnerProfile, Rank, Unit, UnitAdministrator
from learning.services import people
from tests.factories import UserFactory
from tests.learning import factories

pytestmark = pytest.mark.django_db

MIDDLEWARE = "learning.middleware.RequirePasswordChangeMiddleware"
NEW_PASSWORD = "Xin-Mima-2026!"


@pytest.fixture
def area_tree():
    """市 with 甲区 (and its 甲区组织部) and 乙区; keyed root, A, A1, B."""
    return factories.area_units()


# Roles and scoping ----------------------------------------------------------------------------


def test_platform_admins_are_superusers_or_members_of_the_group():
    """Superusers and members of 平台管理员 are platform administrators; others are not."""
    assert permissions.is_platform_admin(UserFactory(is_superuser=True))
    assert permissions.is_platform_admin(factories.platform_admin(UserFactory()))
    assert not permissions.is_platform_admin(UserFactory(is_staff=True))
    inactive = factories.platform_admin(UserFactory(is_active=False))
    assert not permissions.is_platform_admin(inactive)


def test_unit_admin_sees_their_unit_and_everything_below(area_tree):
    """An administrator of 甲区 sees 甲区 and 甲区组织部, not 市 or 乙区."""
    user = UserFactory()
    factories.unit_admin(user, area_tree["A"])
    assert permissions.is_unit_admin(user) and permissions.can_see_reports(user)
    assert set(permissions.visible_units(user)) == {area_tree["A"], area_tree["A1"]}
    assert permissions.can_see_unit(user, area_tree["A1"])
    assert not permissions.can_see_unit(user, area_tree["root"])
    assert not permissions.can_see_unit(user, area_tree["B"])
    assert list(permissions.top_units(user)) == [area_tree["A"]]


def test_several_administered_units_combine_and_nested_ones_collapse(area_tree):
    """Administering 甲区, 甲区组织部 and 乙区 gives two top units and three visible units."""
    user = UserFactory()
    for key in ("A1", "A", "B"):
        factories.unit_admin(user, area_tree[key])
    assert list(permissions.top_units(user)) == [
        area_tree["B"],
        area_tree["A"],
    ]  # path order: 乙 before 甲
    assert set(permissions.visible_units(user)) == {area_tree["A"], area_tree["A1"], area_tree["B"]}


def test_nobody_else_sees_any_unit(area_tree):
    """Without a role nothing is visible; anonymous users neither."""
    from django.contrib.auth.models import AnonymousUser

    for user in (UserFactory(), AnonymousUser()):
        assert not permissions.can_see_reports(user)
        assert not permissions.visible_units(user).exists()
        assert not permissions.can_see_unit(user, area_tree["A"])


def test_platform_admin_sees_every_unit_and_starts_at_the_roots(area_tree):
    """Platform administrators see the whole tree and start at its roots."""
    user = factories.platform_admin(UserFactory())
    assert permissions.visible_units(user).count() == 4
    assert list(permissions.top_units(user)) == [area_tree["root"]]


def test_scoping_answers_are_cached_per_user_object(area_tree, django_assert_num_queries):
    """Asking many times on one request costs the two queries once."""
    user = UserFactory()
    factories.unit_admin(user, area_tree["A"])
    user = get_user_model().objects.get(pk=user.pk)
    with django_assert_num_queries(2):
        for unit in area_tree.values():
            permissions.can_see_unit(user, unit)


def test_platform_admin_group_can_be_created_with_admin_access():
    """ensure_platform_admin_group creates the group with Wagtail admin access, idempotently."""
    group = permissions.ensure_platform_admin_group()
    assert permissions.ensure_platform_admin_group() == group
    assert group.permissions.filter(codename="access_admin").exists()


# Creating people ------------------------------------------------------------------------------


def test_create_person_with_profile_and_initial_password(area_tree):
    """A new person gets a profile and a random password they must change."""
    user, password = people.create_person(
        username="zhangsan", full_name="张三", unit=area_tree["A1"], rank=Rank.TOWNSHIP,
        position="科员", phone="138 0013 8000", now=timezone.now(),
    )  # fmt: skip
    profile = user.profile
    assert (profile.unit, profile.rank, profile.position) == (
        area_tree["A1"],
        Rank.TOWNSHIP,
        "科员",
    )
    assert profile.phone == "13800138000" and profile.must_change_password
    assert user.get_full_name() == "张三"
    assert len(password) == people.INITIAL_PASSWORD_LENGTH and user.check_password(password)
    assert password not in user.password


def test_create_person_refuses_taken_usernames_and_bad_phones(area_tree):
    """Usernames clash regardless of case; a phone number must be a mobile number."""
    people.create_person(username="LiSi", full_name="李四", unit=area_tree["A"], now=timezone.now())
    with pytest.raises(people.PeopleError, match="已被占用"):
        people.create_person(
            username="lisi", full_name="李四", unit=area_tree["A"], now=timezone.now()
        )
    with pytest.raises(people.PeopleError, match="手机号码"):
        people.create_person(
            username="wangwu",
            full_name="王五",
            unit=area_tree["A"],
            phone="12345",
            now=timezone.now(),
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("12800138000", None),
        ("1380013800", None),
        ("0571-87654321", None),
    ],
)
def test_normalise_phone(text, expected):
    """Mainland mobile numbers only, with spaces, dashes and +86 removed."""
    assert people.normalise_phone(text) == expected


def test_generated_passwords_mix_letters_and_digits():
    """Every generated password has upper- and lower-case letters and a digit, none look-alike."""
    for _ in range(50):
        password = people.generate_password()
        assert any(c.isupper() for c in password) and any(c.islower() for c in password)
        assert any(c.isdigit() for c in password)
        assert not set(password) & set("0OoIl1")


def test_initial_password_hash_is_upgraded_at_login_without_clearing_the_flag(area_tree):
    """Logging in re-hashes with Django's default rounds; that is not a password change."""
    user, password = people.create_person(
        username="zhaoliu", full_name="赵六", unit=area_tree["A"], now=timezone.now()
    )
    assert f"${people.INITIAL_PASSWORD_ITERATIONS}$" in user.password
    assert user.check_password(password)
    user.refresh_from_db()
    assert f"${people.INITIAL_PASSWORD_ITERATIONS}$" not in user.password
    assert LearnerProfile.objects.get(user=user).must_change_password


def test_set_password_clears_the_flag_and_reset_sets_it_again(area_tree):
    """Changing the password clears must_change_password; reset_password sets it again."""
    user, _ = people.create_person(
        username="sunqi", full_name="孙七", unit=area_tree["A"], now=timezone.now()
    )
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not LearnerProfile.objects.get(user=user).must_change_password
    password = people.reset_password(user=user)
    user.refresh_from_db()
    assert user.check_password(password)
    assert LearnerProfile.objects.get(user=user).must_change_password


def test_reset_password_needs_a_profile():
    """Somebody without a learner profile cannot be given an initial password."""
    with pytest.raises(people.PeopleError):
        people.reset_password(user=UserFactory())


def test_appointing_a_unit_administrator_is_idempotent(area_tree):
    """Appointing twice keeps one row."""
    user = UserFactory()
    people.appoint_unit_administrator(user=user, unit=area_tree["A"])
    people.appoint_unit_administrator(user=user, unit=area_tree["A"])
    assert UnitAdministrator.objects.filter(user=user).count() == 1


# The middleware -------------------------------------------------------------------------------


@pytest.fixture
def flagged(client, settings, area_tree):
    """A logged-in person with an initial password, and the middleware switched on."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    user = UserFactory(username="xinren")
    LearnerProfile.objects.create(user=user, unit=area_tree["A"], must_change_password=True)
    client.force_login(user)
    return user


def test_middleware_redirects_every_page_to_the_password_change(client, flagged):
    """Home, quizzes and reports all lead to the password page, which itself opens."""
    for url in ("/", reverse("quizzes:list"), reverse("learning:reports"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "修改初始密码" in page.content.decode()


def test_middleware_lets_logout_and_static_files_through(client, flagged):
    """Logout, static and media files are never redirected."""
    for url in ("/static/css/site.css", "/media/missing.png"):
        assert client.get(url).get("Location") != reverse("password_change"), url
    admin_logout = client.post(reverse("wagtailadmin_logout"))
    assert admin_logout.get("Location") != reverse("password_change")
    client.force_login(flagged)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_middleware_stops_once_the_password_is_changed(client, flagged):
    """After a successful change the flag is cleared and pages open normally."""
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-42",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert not LearnerProfile.objects.get(user=flagged).must_change_password
    assert client.get(reverse("password_change_done")).status_code == 200
    assert client.get("/").get("Location") != reverse("password_change")


def test_a_refused_password_change_keeps_the_flag(client, flagged):
    """A wrong old password changes nothing: still redirected."""
    client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert LearnerProfile.objects.get(user=flagged).must_change_password
    assert client.get("/")["Location"] == reverse("password_change")


def test_middleware_ignores_people_without_the_flag(client, settings, area_tree):
    """Anonymous visitors and people without a profile or flag are not redirected."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    assert client.get(reverse("login")).status_code == 200
    client.force_login(UserFactory())
    assert client.get(reverse("password_change_done")).status_code == 200


# Admin: units and unit administrators ---------------------------------------------------------


def test_unit_list_shows_the_tree_indented(platform_client, area_tree):
    """The list is in tree order, each name indented by an ideographic space per level."""
    html = platform_client.get(reverse("units:index")).content.decode()
    assert "\u3000\u3000甲区组织部" in html
    assert html.index("乙区") < html.index("甲区组织部")


def test_add_a_unit_under_a_parent(platform_client, area_tree):
    """Adding a unit with a parent puts it into the tree below that parent."""
    response = platform_client.post(
        reverse("units:add"), {"name": "甲区纪委", "code": "A2", "parent": area_tree["A"].pk}
    )
    assert response.status_code == 302
    created = Unit.objects.get(code="A2")
    assert created.get_parent() == area_tree["A"] and created.depth == 3
    root = platform_client.post(reverse("units:add"), {"name": "省直", "code": "P", "parent": ""})
    assert root.status_code == 302 and Unit.objects.get(code="P").depth == 1


def test_edit_moves_a_unit_with_its_subtree(platform_client, area_tree):
    """Choosing another parent moves the unit and everything below it."""
    url = reverse("units:edit", args=(area_tree["A"].pk,))
    response = platform_client.post(url, {"name": "甲区", "code": "A", "parent": area_tree["B"].pk})
    assert response.status_code == 302
    area_a, dept = Unit.objects.get(code="A"), Unit.objects.get(code="A1")
    assert area_a.get_parent() == area_tree["B"] and dept.get_parent() == area_a
    assert dept.depth == 4


def test_a_unit_cannot_move_below_itself(platform_client, area_tree):
    """Its own sub-units are not offered as parents."""
    url = reverse("units:edit", args=(area_tree["A"].pk,))
    response = platform_client.post(
        url, {"name": "甲区", "code": "A", "parent": area_tree["A1"].pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["parent"]


def test_deleting_a_unit_with_sub_units_or_people_is_refused(platform_client, area_tree):
    """Units with sub-units or people stay; an empty unit can be deleted."""
    platform_client.post(reverse("units:delete", args=(area_tree["A"].pk,)))
    assert Unit.objects.filter(pk=area_tree["A"].pk).exists()
    factories.learner("someone", area_tree["B"])
    platform_client.post(reverse("units:delete", args=(area_tree["B"].pk,)))
    assert Unit.objects.filter(pk=area_tree["B"].pk).exists()
    platform_client.post(reverse("units:delete", args=(area_tree["A1"].pk,)))
    assert not Unit.objects.filter(pk=area_tree["A1"].pk).exists()
    assert Unit.objects.get(pk=area_tree["A"].pk).numchild == 0


def test_appoint_a_unit_administrator_in_the_admin(platform_client, area_tree):
    """The 单位管理员 form creates the appointment and the list shows it."""
    person = UserFactory(username="guanliyuan", first_name="管理员")
    response = platform_client.post(
        reverse("unit_administrators:add"), {"user": person.pk, "unit": area_tree["A"].pk}
    )
    assert response.status_code == 302
    assert UnitAdministrator.objects.filter(user=person, unit=area_tree["A"]).exists()
    html = platform_client.get(reverse("unit_administrators:index")).content.decode()
    assert "管理员(guanliyuan)" in html and "甲区" in html


def test_staff_without_the_role_cannot_manage_units(client, area_tree):
    """A Wagtail editor who is not a platform administrator is turned away (Wagtail sends
    refused admin requests back to the dashboard with a message) and sees no menu."""
    from django.contrib.auth.models import Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    for url in (reverse("units:index"), reverse("units:add"), reverse("unit_administrators:index")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert "单位与人员" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_password_check_is_remembered_for_the_session(client):
    """After the first request finds no change is needed, later requests skip the profile query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    client.force_login(user)
    client.get(reverse("password_change"))  # exempt page: nothing remembered yet
    client.get("/quizzes/history/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/quizzes/history/")
    assert not any("learning_learnerprofile" in q["sql"] for q in queries)


def test_a_new_login_checks_the_flag_again(client):
    """A password reset by an administrator takes effect at the person's next log-in."""
    user = UserFactory(username="reset_me")
    b_unit = Unit.add_root(code="R", name="根")
    LearnerProfile.objects.create(user=user, unit=b_unit, rank=Rank.OTHER)
    client.force_login(user)
    client.get("/quizzes/history/")
    LearnerProfile.objects.filter(user=user).update(must_change_password=True)
    client.post(reverse("login"), {"username": "reset_me", "password": "correct-horse-42"})
    response = client.get("/quizzes/history/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_the_reports_link_shows_for_unit_administrators_and_is_kept(client, area_tree):
    """单位报表 in the menu: not for a learner, for a unit administrator; asked once a minute
    per person, not on every page."""
    learner, admin = UserFactory(), UserFactory()
    UnitAdministrator.objects.create(user=admin, unit=area_tree["A"])
    client.force_login(learner)
    assert "单位报表" not in client.get(reverse("quizzes:list")).content.decode()
    client.force_login(admin)
    assert "单位报表" in client.get(reverse("quizzes:list")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("quizzes:list"))
    assert not [q for q in queries.captured_queries if "learning_unitadministrator" in q["sql"]]
