"""People every app's tests need: users who log in, and staff holding exactly some permissions.

Each app's own test data lives in ``tests/<app>/factories.py``.
"""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A user who logs in with ``PASSWORD``; pass ``password="!"`` for one who cannot."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "学员"
    password = factory.django.Password(PASSWORD)


def staff_with(*codenames: str):
    """A Wagtail admin user holding exactly the given permissions (plus admin access).

    Each codename must name exactly one permission.
    """
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *(Permission.objects.get(codename=codename) for codename in codenames),
    )
    return user
