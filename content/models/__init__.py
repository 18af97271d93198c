from content.models.cases import CaseStudyIndexPage, CaseStudyPage, CaseStudyTag, MisconductType
from content.models.home import HomePage
from content.models.materials import StudyMaterialIndexPage, StudyMaterialPage
from content.models.regulations import RegulationArticle, RegulationIndexPage, RegulationPage

__all__ = [
    "CaseStudyIndexPage",
    "CaseStudyPage",
    "CaseStudyTag",
    "HomePage",
    "MisconductType",
    "RegulationArticle",
    "RegulationIndexPage",
    "RegulationPage",
    "StudyMaterialIndexPage",
    "StudyMaterialPage",
]
