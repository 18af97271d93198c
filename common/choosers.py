"""A people chooser for admin forms: active users searched in a modal, never one long list.

Choosers are scoped like the pages that use them: ``ScopedChooserViewSet`` refuses every view
of a chooser (the modal, its results, the chosen object) to anybody no rule allows. Apps add
the rules at start-up with ``allow_chooser`` (the people chooser is used by the unit
administrators of training and the personal settings of quizzes), so common imports no app.
"""

import re
from collections import defaultdict
from collections.abc import Callable

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
    CreateView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser

from common.admin import person

ChooserRule = Callable[[object], bool]
_RULES: dict[str, list[ChooserRule]] = defaultdict(list)


def allow_chooser(name: str, rule: ChooserRule) -> None:
    """Lets the users for whom ``rule(user)`` holds open the chooser ``name``."""
    if rule not in _RULES[name]:
        _RULES[name].append(rule)


def may_choose(name: str, user) -> bool:
    """Superusers, and active users one of the chooser's rules allows."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or any(rule(user) for rule in _RULES[name])


class ChooserAccessMixin:
    """Refuses a chooser view (Wagtail shows its refusal) to users ``may_choose`` does not let in."""

    chooser_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not may_choose(self.chooser_name, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedChooserViewSet(ChooserViewSet):
    """A chooser viewset each of whose views checks ``may_choose`` for the viewset's name."""

    def construct_view(self, view_class, **kwargs):
        guarded = type(
            view_class.__name__, (ChooserAccessMixin, view_class), {"chooser_name": self.name}
        )
        return super().construct_view(guarded, **kwargs)


class UserFilterForm(BaseFilterForm):
    q = forms.CharField(label="搜索用户名或姓名", required=False)

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = objects.filter(
                Q(username__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
            self.is_searching, self.search_query = True, query
        return objects


class UserChooseMixin:
    filter_form_class = UserFilterForm
    per_page = 20

    @property
    def columns(self):
        title = self.title_column
        title.accessor = person
        title.label = "人员"
        return [title]


class UserChooseView(UserChooseMixin, ChooseView):
    pass


class UserChooseResultsView(UserChooseMixin, ChooseResultsView):
    pass


class PersonChooserWidget(BaseChooser):
    def get_display_title(self, instance) -> str:
        return person(instance)


ID = re.compile(r"[0-9]{1,18}")


class IdLookupMixin:
    """A chosen view that takes ids for what they must be: text that is not an id names
    nothing (404), and is never handed to the database."""

    def get_object(self, pk):
        if not ID.fullmatch(str(pk)):
            raise Http404("没有这一项。")
        return super().get_object(int(pk))

    def get_objects(self, pks):
        return super().get_objects([int(pk) for pk in pks if ID.fullmatch(pk)])


class SafeChosenMultipleView(IdLookupMixin, ChosenMultipleView):
    pass


class NoCreateView(CreateView):
    """A chooser without a creation form has nothing to create here."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404("这里不能新建。")


class PersonChosenView(IdLookupMixin, ChosenView):
    def get_display_title(self, instance) -> str:
        return person(instance)


class PersonChooserViewSet(ScopedChooserViewSet):
    model = get_user_model()
    icon = "user"
    choose_one_text = "选择人员"
    choose_another_text = "改选其他人员"
    base_widget_class = PersonChooserWidget
    choose_view_class = UserChooseView
    choose_results_view_class = UserChooseResultsView
    chosen_view_class = PersonChosenView
    chosen_multiple_view_class = SafeChosenMultipleView
    create_view_class = NoCreateView

    def get_object_list(self):
        return get_user_model().objects.filter(is_active=True).order_by("username")


person_chooser_viewset = PersonChooserViewSet("person_chooser", url_prefix="person-chooser")
