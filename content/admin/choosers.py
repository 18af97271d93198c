"""The regulation-article chooser: questions and case studies cite an article through it."""

from django import forms
from django.db.models import Q
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from content.models import RegulationArticle


class ArticleFilterForm(BaseFilterForm):
    """Substring search over the regulation title and the article's text (works for Chinese)."""

    q = forms.CharField(label="搜索", required=False)

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = objects.filter(
                Q(body__icontains=query)
                | Q(heading__icontains=query)
                | Q(page__title__icontains=query)
            )
        return objects


class ArticleChooseView(ChooseView):
    filter_form_class = ArticleFilterForm


class ArticleChooseResultsView(ChooseResultsView):
    filter_form_class = ArticleFilterForm


class RegulationArticleChooserViewSet(ChooserViewSet):
    model = RegulationArticle
    icon = "doc-full"
    choose_one_text = "选择法规条目"
    choose_another_text = "改选其他条目"
    edit_item_text = "查看"
    per_page = 20

    choose_view_class = ArticleChooseView
    choose_results_view_class = ArticleChooseResultsView

    def get_object_list(self):
        return RegulationArticle.objects.select_related("page").order_by(
            "page__title", "sort_order"
        )


article_chooser_viewset = RegulationArticleChooserViewSet("article_chooser")
