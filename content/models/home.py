from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from content.models.cases import CaseStudyPage
from content.models.materials import StudyMaterialIndexPage, StudyMaterialPage
from content.models.regulations import RegulationIndexPage, RegulationPage
from content.selectors import latest_pages, library_sections


class HomePage(Page):
    """The site's front page: what the platform is for and where each kind of user starts."""

    lead = models.CharField("导语", max_length=200, blank=True)
    intro = RichTextField("简介", blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("intro")]
    subpage_types = [
        "content.RegulationIndexPage",
        "content.CaseStudyIndexPage",
        "content.StudyMaterialIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sections = library_sections(self)
        context["sections"] = sections
        context["entry"] = {
            "regulations": next((s for s in sections if isinstance(s, RegulationIndexPage)), None),
            "materials": next((s for s in sections if isinstance(s, StudyMaterialIndexPage)), None),
        }
        latest = (RegulationPage, CaseStudyPage, StudyMaterialPage)
        context["latest"] = latest_pages(*latest, limit=6, user=request.user)
        return context
