import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, Workflow

from content.models import RegulationPage
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _member_of(group_name: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_pages_are_under_the_moderation_workflow():
    """Content pages inherit the moderators' approval workflow from the root."""
    page = RegulationPageFactory()
    workflow = page.get_workflow()
    assert isinstance(workflow, Workflow) and workflow.active


def test_editor_submits_and_moderator_approves(client):
    """An editor's change waits for review and goes live only when a moderator approves it."""
    page = RegulationPageFactory(title="原标题")
    editor, moderator = _member_of("Editors"), _member_of("Moderators")
    client.force_login(editor)
    data = {"title": "新标题", "slug": page.slug, "status": "current", "action-submit": "1"}
    data.update({f"articles-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()})
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)
    assert response.status_code == 302
    page = RegulationPage.objects.get(pk=page.pk)
    assert page.title == "原标题" and page.workflow_in_progress

    page.current_workflow_task_state.approve(user=moderator)
    assert Page.objects.get(pk=page.pk).title == "新标题"


def test_editor_cannot_publish_directly(client):
    """An editor's publish request does not make a change live."""
    page = RegulationPageFactory(title="原标题")
    client.force_login(_member_of("Editors"))
    data = {"title": "擅自发布", "slug": page.slug, "status": "current", "action-publish": "1"}
    data.update({"articles-TOTAL_FORMS": 0, "articles-INITIAL_FORMS": 0})
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)
    assert response.status_code == 302  # the edit was accepted, as a draft
    page = Page.objects.get(pk=page.pk)
    assert page.title == "原标题" and page.get_latest_revision_as_object().title == "擅自发布"


def test_publishing_is_audit_logged():
    """Publishing a page writes an entry to the audit log."""
    from wagtail.models import PageLogEntry

    page = RegulationPageFactory()
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()
