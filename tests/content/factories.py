"""Wagtail pages of the content app, built and published under the site's home page."""

import datetime

import factory
from wagtail.models import Page

from content import models as content


class PageFactory(factory.Factory):
    """Builds a Wagtail page under ``parent`` (the site's home page by default) and publishes it.

    Pass ``publish=False`` for a draft.
    """

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"页面{n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, publish=True, **kwargs):
        parent = parent or content.HomePage.objects.get()
        page = model_class(*args, live=publish, **kwargs)
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
            page.refresh_from_db()
        return page


class RegulationIndexPageFactory(PageFactory):
    class Meta:
        model = content.RegulationIndexPage

    title = "法规库"
    slug = "regulations"


class RegulationPageFactory(PageFactory):
    """A regulation with articles given as ``articles=[(heading, body), ...]``."""

    class Meta:
        model = content.RegulationPage

    issuer = "中共某市委组织部"
    document_number = factory.Sequence(lambda n: f"某组通〔2010〕{n}号")
    issued_on = datetime.date(2010, 6, 1)

    @classmethod
    def _create(cls, model_class, *args, articles=(), parent=None, **kwargs):
        parent = parent or _child_of_home(content.RegulationIndexPage, "法规库", "regulations")
        kwargs["articles"] = [
            content.RegulationArticle(
                number=i, label=f"{i}、", heading=heading, body=body, sort_order=i
            )
            for i, (heading, body) in enumerate(articles, start=1)
        ]
        return super()._create(model_class, *args, parent=parent, **kwargs)


class CaseStudyPageFactory(PageFactory):
    class Meta:
        model = content.CaseStudyPage

    summary = "某县在干部选拔任用中违反程序，决定被纠正。"
    body = "<p>案情经过。</p>"

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        parent = parent or _child_of_home(content.CaseStudyIndexPage, "典型案例", "cases")
        return super()._create(model_class, *args, parent=parent, **kwargs)


class StudyMaterialPageFactory(PageFactory):
    """A study material whose body is given as a list of paragraph strings."""

    class Meta:
        model = content.StudyMaterialPage

    summary = ""

    @classmethod
    def _create(cls, model_class, *args, paragraphs=(), parent=None, **kwargs):
        parent = parent or _child_of_home(content.StudyMaterialIndexPage, "学习资料", "materials")
        kwargs["body"] = [("paragraph", f"<p>{text}</p>") for text in paragraphs]
        return super()._create(model_class, *args, parent=parent, **kwargs)


def _child_of_home(model: type[Page], title: str, slug: str) -> Page:
    existing = model.objects.first()
    if existing:
        return existing
    home = content.HomePage.objects.get()
    page = model(title=title, slug=slug, show_in_menus=True)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
