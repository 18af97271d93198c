"""Wagtail admin registrations of the learning app (units, people, reports).

Programme administration registers its own hooks in ``admin_programmes``.
"""

from learning import admin_programmes  # noqa: F401
