"""应急处置: after an outage, let people resume attempts that ended by time (with a new end) or
give them one more attempt; the reason is required and every action is in the audit log. The
page lists the recent actions. Needs ``change`` on ``Quiz``.

``IncidentView.people`` reads the people from the form; training's page (by unit) extends it.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import path
from django.utils import timezone
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.datetime import AdminDateTimeInput
from wagtail.models import ModelLogEntry

from common.admin import PolicyCheckedMixin, policy_menu_item
from quizzes import services
from quizzes.models import Quiz

ACTIONS = [("reopen", "恢复超时结束的作答，并给出新的截止时间"), ("attempt", "增加一次作答机会")]
MAX_PEOPLE = 2000


class IncidentForm(forms.Form):
    quiz = forms.ModelChoiceField(
        label="测试", queryset=Quiz.objects.exclude(mode=Quiz.Mode.PRACTICE).order_by("-created_at")
    )
    action = forms.ChoiceField(label="处置", choices=ACTIONS, widget=forms.RadioSelect)
    usernames = forms.CharField(
        label="人员（用户名）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一个用户名，可从成绩统计或名单中复制。",
    )
    until = forms.DateTimeField(
        label="新的截止时间",
        required=False,
        widget=AdminDateTimeInput(),
        help_text="恢复作答时必填：恢复后的作答到此时间截止，不受测试关闭时间限制。",
    )
    reason = forms.CharField(
        label="原因", max_length=200, help_text="如“6月1日上午网络中断约20分钟”，将记入操作日志。"
    )

    def clean_usernames(self):
        lines = [line.strip() for line in self.cleaned_data["usernames"].splitlines()]
        names = [name for name in lines if name]
        if len(names) > MAX_PEOPLE:
            raise forms.ValidationError(f"一次最多处置 {MAX_PEOPLE} 人。")
        found = set(
            get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
        )
        missing = [
            f"第{n}行“{name}”"
            for n, name in enumerate(lines, start=1)
            if name and name not in found
        ]
        if missing:
            raise forms.ValidationError("找不到这些用户名：" + "、".join(missing[:20]) + "。")
        return names

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reopen" and not cleaned.get("until"):
            self.add_error("until", "恢复作答需要填写新的截止时间。")
        return cleaned


class IncidentView(PolicyCheckedMixin, WagtailAdminTemplateMixin, FormView):
    permission_model = Quiz
    permission_required = "change"
    form_class = IncidentForm
    template_name = "quizzes/admin/incidents.html"
    page_title = "应急处置"
    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def people(self, form) -> list:
        """The people the form names (the usernames, in order)."""
        names = form.cleaned_data["usernames"]
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        return [users[name] for name in dict.fromkeys(names)]

    def form_valid(self, form):
        data, people = form.cleaned_data, self.people(form)
        if not people:
            form.add_error(None, "请至少指定一名人员。")
            return self.form_invalid(form)
        try:
            outcome = self.act(data, people)
        except services.QuizError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, outcome=outcome))

    def act(self, data, people) -> services.Outcome:
        now, by = timezone.now(), self.request.user
        if data["action"] == "reopen":
            return services.reopen_timed_out(
                quiz=data["quiz"], users=people, until=data["until"], reason=data["reason"],
                by=by, now=now,
            )  # fmt: skip
        outcome = services.Outcome()
        for user in people:
            services.grant_attempt(
                quiz=data["quiz"], user=user, reason=data["reason"], by=by, now=now
            )
            outcome.done.append(user.get_username())
        return outcome

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent"] = recent_actions()
        return context


def recent_actions(limit: int = 30) -> list[ModelLogEntry]:
    """The latest reopenings and extra attempts, with who did them (one query each kind)."""
    actions = [services.REOPEN_ACTION, services.EXTRA_ATTEMPT_ACTION]
    return list(
        ModelLogEntry.objects.filter(action__in=actions)
        .select_related("user")
        .order_by("-timestamp")[:limit]
    )


class IncidentViewSet(ViewSet):
    name = "quiz_incidents"
    url_prefix = "quiz-incidents"
    icon = "warning"
    menu_label = "应急处置"
    menu_item_class = policy_menu_item(Quiz, {"change"})
    view_class = IncidentView

    def get_urlpatterns(self):
        return [path("", self.view_class.as_view(), name="index")]
