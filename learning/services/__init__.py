"""Writes for training, one module per concern; the public services are importable from here.

Keyword-only, ``now`` passed in, one ``transaction.atomic`` each with row locks where two
requests may race. A ``LearningError`` message is Chinese and shown to the person as it is.

* ``enrolment``: who is in a programme's audience, enrolling them;
* ``completion``: completing enrolments, issuing, revoking and verifying certificates;
* ``attendance``: the attendance tick form and its Excel import;
* ``study``: heartbeats and study-time credit;
* ``people`` and ``people_import``: learners, initial passwords, the units-and-people import.
"""

from learning.services.attendance import (
    AttendanceChange,
    attendance_template,
    check_attendance_hours,
    import_attendance,
    import_attendance_file,
    set_attendance,
)
from learning.services.base import LearningError, display_name
from learning.services.completion import (
    Verification,
    complete_for,
    complete_if_done,
    complete_learner,
    complete_programme,
    issue_certificate,
    next_certificate_number,
    revoke_certificate,
    verify_certificate,
)
from learning.services.enrolment import (
    EnrolmentChange,
    audience_profiles,
    enrol,
    enrol_audience,
    enrol_users,
    matches_audience,
    sync_all,
    sync_person,
    sync_programme,
    users_by_username,
)
from learning.services.notices import notify_marked, notify_regraded, read_notices

__all__ = [
    "AttendanceChange",
    "EnrolmentChange",
    "LearningError",
    "Verification",
    "attendance_template",
    "audience_profiles",
    "check_attendance_hours",
    "complete_for",
    "complete_if_done",
    "complete_learner",
    "complete_programme",
    "display_name",
    "enrol",
    "enrol_audience",
    "enrol_users",
    "import_attendance",
    "import_attendance_file",
    "issue_certificate",
    "matches_audience",
    "next_certificate_number",
    "notify_marked",
    "notify_regraded",
    "read_notices",
    "revoke_certificate",
    "set_attendance",
    "sync_all",
    "sync_person",
    "sync_programme",
    "users_by_username",
    "verify_certificate",
]
