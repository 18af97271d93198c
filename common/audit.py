"""The audit trail: who did what, when, before and after, on Wagtail's log entries.

Apps write with ``audit`` (one entry per action, bulk actions included: an import is one entry
with its file name and row count) and register their actions with ``audit_formatter`` in a
``register_log_actions`` hook, so the admin's 站点历史 and an object's 历史 show a readable
Chinese message. ``AuditExportView`` exports the entries a user may see as Excel.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.views.generic import View
from wagtail.log_actions import LogFormatter, log
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from common.excel import header_row, new_workbook, safe_row, workbook_bytes, xlsx_response

# Keys in reading order (PostgreSQL does not keep a JSON object's order), with their labels.
LABELS = {
    "user": "人员",
    "learner": "学员",
    "username": "用户名",
    "attempt": "作答",
    "question": "题目",
    "version": "版本",
    "kept_version": "保留的历史版本",
    "at": "时间",
    "number": "证书编号",
    "file": "文件",
    "rows": "行数",
    "units": "单位",
    "people": "人员",
    "questions": "题目",
    "source": "方式",
    "added": "新增",
    "updated": "更新",
    "removed": "移除",
    "reinstated": "恢复",
    "withdrawn": "退出",
    "attended_on": "出席日期",
    "hours": "学时",
    "score": "得分",
    "comment": "评语",
    "status": "状态",
    "count": "人数",
    "minutes": "延长时间（分钟）",
    "closes_at": "个人关闭时间",
    "extra_attempts": "增加作答次数",
    "until": "恢复作答至",
    "stem": "题干",
    "options": "选项",
    "correct": "答案",
    "blanks": "填空答案",
    "rubric": "评分要点",
    "reference_answer": "参考答案",
    "explanation": "解析",
    "points": "分值",
    "category": "分类",
    "difficulty": "难度",
    "source_article": "出处条文",
    "reason": "原因",
    "attempts": "作答",
    "changes": "变更",
    "before": "修改前",
    "after": "修改后",
    "passed_before": "原合格",
    "passed_after": "现合格",
}
ORDER = {key: position for position, key in enumerate(LABELS)}
EXPORT_LIMIT = 50_000


def audit(instance, action: str, *, user=None, before=None, after=None, **data) -> None:
    """One log entry for ``instance``: ``user`` (else the admin request's user), the moment,
    and ``before`` / ``after`` (dicts of what changed) with any other facts in ``data``."""
    payload = {key: value for key, value in data.items() if value is not None}
    if before is not None:
        payload["before"] = before
    if after is not None:
        payload["after"] = after
    log(instance=instance, action=action, user=user, data=plain(payload))


def plain(value: Any) -> Any:
    """Decimals as people write them (7.00 → "7"), inside dicts and lists too."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def text(value: Any) -> str:
    """A value as people read it: lists joined by 、, dicts as 名称 值, booleans 是/否."""
    if value is None or value == "":
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{LABELS.get(k, k)} {text(v)}" for k, v in ordered(value))
    if isinstance(value, list | tuple):
        return "、".join(text(item) for item in value) or "无"
    return str(value)


def ordered(data: dict) -> list[tuple[str, Any]]:
    """The items in reading order: known keys as ``LABELS`` lists them, then the others."""
    return sorted(data.items(), key=lambda item: (ORDER.get(item[0], len(ORDER)), item[0]))


def describe(data: dict) -> str:
    """The entry's data as one Chinese sentence: facts, then 修改前 / 修改后."""
    facts = [
        f"{LABELS.get(key, key)}：{text(value)}"
        for key, value in ordered(data)
        if key not in ("before", "after")
    ]
    if "before" in data:
        facts.append(f"修改前：{text(data['before'])}")
    if "after" in data:
        facts.append(f"修改后：{text(data['after'])}")
    return "；".join(facts)


def audit_formatter(label: str) -> type[LogFormatter]:
    """A formatter labelled ``label`` whose message describes the entry's data."""

    class AuditFormatter(LogFormatter):
        def format_message(self, log_entry):
            return describe(log_entry.data or {}) or label

    AuditFormatter.label = label
    return AuditFormatter


def register_audit_actions(actions, labels: dict[str, str]) -> None:
    """Registers each action of ``labels`` (action → Chinese label) with ``actions``."""
    for action, label in labels.items():
        actions.register_action(action)(audit_formatter(label))


# Export ------------------------------------------------------------------------------------------

HEADERS = ["时间", "操作人", "操作", "对象类型", "对象", "说明", "修改前", "修改后"]
WIDTHS = [18, 16, 16, 14, 30, 60, 40, 40]


class AuditFilterForm(forms.Form):
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
    action = forms.CharField(required=False, max_length=100)


def export_rows(entries: Iterable[ModelLogEntry]) -> Iterable[list[str]]:
    for entry in entries:
        data = entry.data or {}
        moment = timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        yield [
            moment,
            str(entry.user_display_name) or "系统",
            str(log_registry.get_action_label(entry.action)),
            str(entry.content_type.name) if entry.content_type_id else "",
            str(entry.label),
            describe({k: v for k, v in data.items() if k not in ("before", "after")}),
            text(data["before"]) if "before" in data else "",
            text(data["after"]) if "after" in data else "",
        ]


class AuditExportView(View):
    """The log entries of models the user may see (Wagtail's rule), newest first, as Excel;
    ``since`` / ``until`` (dates) and ``action`` narrow it, at most ``EXPORT_LIMIT`` rows."""

    def get(self, request):
        form = AuditFilterForm(request.GET)
        filters = form.cleaned_data if form.is_valid() else {}
        entries = ModelLogEntry.objects.viewable_by_user(request.user)
        if filters.get("since"):
            entries = entries.filter(timestamp__gte=_start_of(filters["since"]))
        if filters.get("until"):
            end = _start_of(filters["until"] + datetime.timedelta(days=1))
            entries = entries.filter(timestamp__lt=end)
        if filters.get("action"):
            entries = entries.filter(action=filters["action"])
        entries = entries.select_related("user", "content_type").order_by("-timestamp", "-pk")
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_response(audit_workbook(entries[:EXPORT_LIMIT]), f"审计日志-{stamp}.xlsx")


def audit_workbook(entries) -> bytes:
    """The entries as one sheet, streamed (a write-only workbook holds no rows in memory)."""
    book = new_workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(header_row(sheet, HEADERS, WIDTHS))
    for row in export_rows(entries.iterator(chunk_size=2000)):
        sheet.append(safe_row(sheet, row))
    return workbook_bytes(book)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
