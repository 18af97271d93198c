from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

from content.models import CaseStudyPage, RegulationPage, StudyMaterialPage
from content.search.glossary import suggestions
from content.search.snippets import describe_hits
from content.selectors import visible

SEARCH_TYPES = {
    "regulation": ("法规文件", RegulationPage),
    "case": ("典型案例", CaseStudyPage),
    "material": ("学习资料", StudyMaterialPage),
}
RESULTS_PER_PAGE = 10


def search(request):
    """Public full-text search over the pages the visitor may read."""
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("type", "")
    model = SEARCH_TYPES[kind][1] if kind in SEARCH_TYPES else None
    pages = visible(Page.objects.type(model) if model else Page.objects.all(), request.user)
    page_obj, suggested = None, suggestions()
    if query:
        results = pages.specific().search(query)
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        page_obj.hits = describe_hits(list(page_obj.object_list), query, request=request)
        suggested = suggestions(query) if not page_obj.paginator.count else []
    return render(
        request,
        "content/search.html",
        {
            "query": query,
            "page_obj": page_obj,
            "types": [(key, label) for key, (label, _) in SEARCH_TYPES.items()],
            "current_type": kind if model else "",
            "suggestions": suggested,
        },
    )
