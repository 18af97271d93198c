"""Fixtures several learning test modules share."""

import pytest

from learning import permissions
from tests.factories import UserFactory
from tests.learning import factories


@pytest.fixture
def city(db):
    """常州市, a unit on its own."""
    return factories.unit("常州市")


@pytest.fixture
def district_tree(db):
    """常州市 › 武进区 › 湖塘镇, and 新北区 beside 武进区; keyed city, district, town, other."""
    return factories.district_units()


@pytest.fixture
def platform_client(client):
    """A member of 平台管理员 (with Wagtail admin access), logged in."""
    permissions.ensure_platform_admin_group()
    client.force_login(factories.platform_admin(UserFactory(is_staff=True)))
    return client
