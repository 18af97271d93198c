from learning.models.audiences import QuizAudience
from learning.models.notices import Notice
from learning.models.people import LearnerProfile, Rank, Unit, UnitAdministrator
from learning.models.programmes import (
    AttendanceRecord,
    Certificate,
    Enrollment,
    Programme,
    ProgrammeItem,
)
from learning.models.study import ActiveStudy, StudyCredit

__all__ = [
    "ActiveStudy",
    "AttendanceRecord",
    "Certificate",
    "Enrollment",
    "LearnerProfile",
    "Notice",
    "Programme",
    "ProgrammeItem",
    "QuizAudience",
    "Rank",
    "StudyCredit",
    "Unit",
    "UnitAdministrator",
]
