"""Registers the shared admin pieces: the people chooser."""

from wagtail import hooks

from common.choosers import person_chooser_viewset


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser_viewset
