"""Fixtures several quizzes test modules share."""

import pytest

from tests.factories import UserFactory
from tests.quizzes import factories


@pytest.fixture
def regulation_category():
    """法规纪律 › 四项监督制度, a regulation category: its questions count toward the share."""
    return factories.category("法规纪律/四项监督制度", regulation=True)


@pytest.fixture
def learner():
    """Somebody taking quizzes (not logged in: the services are called directly)."""
    return UserFactory()
