"""按单位应急处置: the quizzes' 应急处置 page with a unit as well, so an exam office can let
everyone of a unit (and the units below it) resume after an outage there."""

from django import forms
from django.contrib.auth import get_user_model

from learning.admin.programmes import unit_label
from learning.models import Unit
from quizzes.admin.incidents import IncidentForm, IncidentView, IncidentViewSet


class UnitIncidentForm(IncidentForm):
    unit = forms.ModelChoiceField(
        label="单位（含下级）",
        queryset=Unit.objects.order_by("path"),
        required=False,
        help_text="选择单位即处置该单位及其下级单位的全部人员；也可同时在下面填写用户名。",
    )
    field_order = ["quiz", "action", "unit", "usernames", "until", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label_from_instance = unit_label


class UnitIncidentView(IncidentView):
    form_class = UnitIncidentForm
    page_title = "按单位应急处置"

    def people(self, form) -> list:
        named = super().people(form)
        unit = form.cleaned_data.get("unit")
        if unit is None:
            return named
        members = get_user_model().objects.filter(profile__unit__path__startswith=unit.path)
        seen = {user.pk for user in named}
        return named + [user for user in members.order_by("username") if user.pk not in seen]


class UnitIncidentViewSet(IncidentViewSet):
    name = "unit_incidents"
    url_prefix = "unit-incidents"
    menu_label = "按单位应急处置"
    view_class = UnitIncidentView
