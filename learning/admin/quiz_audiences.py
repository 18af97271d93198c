"""测试参加范围 in the admin: who may sit a quiz (ranks and units as for programmes, the
learners of given programmes, named people). Model permissions on ``QuizAudience``."""

from functools import cached_property

from django import forms
from django.contrib.auth import get_user_model
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from learning.admin.programmes import unit_label
from learning.audience import describe
from learning.models import Programme, QuizAudience, Rank, Unit

HELP = (
    "<p>设置后，只有符合条件的人员能在“自测考试”中看到并开始该测试，其他人看到“不在参加范围内”的说明。"
    "职级和单位两方面都要满足（某一方面不选即不限）；另外，所选培训项目的学员和指定人员也可参加。"
    "没有设置参加范围的测试对所有学员开放。</p>"
)


class UsernamesField(forms.CharField):
    """People typed as usernames, one per line; every unknown name is reported by line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            users = get_user_model().objects.filter(pk__in=[getattr(v, "pk", v) for v in value])
            return "\n".join(users.order_by("username").values_list("username", flat=True))
        return value

    def clean(self, value):
        lines = [line.strip() for line in (super().clean(value) or "").splitlines()]
        users = get_user_model().objects.filter(username__in=[n for n in lines if n])
        found = {user.username: user for user in users}
        missing = [
            f"第{n}行“{name}”" for n, name in enumerate(lines, 1) if name and name not in found
        ]
        if missing:
            raise forms.ValidationError("找不到这些用户名：" + "、".join(missing[:20]) + "。")
        return list(found.values())


class QuizAudienceForm(WagtailAdminModelForm):
    ranks = forms.MultipleChoiceField(
        label="职级", choices=Rank.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    people = UsernamesField(label="指定人员（用户名，每行一个）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        units.queryset = Unit.objects.order_by("path")
        units.label_from_instance = unit_label
        self.fields["programmes"].queryset = Programme.objects.order_by("-starts_on")

    def clean_ranks(self):
        return list(self.cleaned_data.get("ranks") or [])


class QuizAudienceIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("quiz")
            .prefetch_related("units", "programmes", "people")
        )

    @cached_property
    def columns(self):
        title = self._get_title_column("quiz")
        title.label = "测试"
        return [title, Column("who", label="参加范围", accessor=describe)]


class QuizAudienceViewSet(ModelViewSet):
    model = QuizAudience
    icon = "group"
    menu_label = "测试参加范围"
    name = "quiz_audiences"
    url_prefix = "quiz-audiences"
    index_view_class = QuizAudienceIndexView
    add_to_reference_index = False
    edit_handler = ObjectList(
        [
            HelpPanel(content=HELP),
            FieldPanel("quiz"),
            FieldPanel("ranks"),
            FieldPanel("units", widget=forms.CheckboxSelectMultiple),
            FieldPanel("programmes", widget=forms.CheckboxSelectMultiple),
            FieldPanel("people"),
        ],
        base_form_class=QuizAudienceForm,
    )
