"""Completion, certificate numbers, revocation, verification and the PDF."""

import datetime
import shutil
import subprocess
import threading
import time
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse

from learning import certificate_pdf as certificates
from learning import progress, services
from learning.models import Certificate, Enrollment
from learning.services import completion
from tests.learning import factories


@pytest.fixture
def prog(db):
    result = factories.programme(title="干部选拔任用监督专题培训班", required_hours=Decimal("1"))
    factories.lesson(result, minutes=45)
    return result


def _finished_enrollment(prog, city, username=None) -> Enrollment:
    user = factories.finished_learner(prog, unit_=city, username=username)
    return Enrollment.objects.get(programme=prog, user=user)


# Completion and numbering ----------------------------------------------------------------------


def test_complete_if_done_issues_numbered_certificate(prog, city):
    """A finished learner is completed with a ZG-<year>-<six digits> number and a code."""
    enrollment = _finished_enrollment(prog, city)
    certificate = services.complete_if_done(enrollment=enrollment, now=factories.NOW)
    enrollment.refresh_from_db()
    assert enrollment.completed_at == factories.NOW
    assert certificate.number == "ZG-2026-000001"
    assert len(certificate.verification_code) == 8
    assert certificate.hours == Decimal("1.0")
    assert certificate.is_valid


def test_complete_if_done_is_idempotent(prog, city):
    """Calling again returns the same certificate and issues no second one."""
    enrollment = _finished_enrollment(prog, city)
    first = services.complete_if_done(enrollment=enrollment, now=factories.NOW)
    again = services.complete_if_done(enrollment=enrollment, now=factories.NOW)
    assert first.pk == again.pk and Certificate.objects.count() == 1


def test_not_done_gets_nothing(prog, city):
    """A learner short of the requirements is neither completed nor certified."""
    user = factories.learner(unit_=city)
    enrollment = factories.enrol(prog, user)
    assert services.complete_if_done(enrollment=enrollment, now=factories.NOW) is None
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None and not Certificate.objects.exists()


def test_numbers_increase_and_restart_each_year(prog, city):
    """Numbers count up within a year and restart at 000001 in the next."""
    first = _finished_enrollment(prog, city)
    second = _finished_enrollment(prog, city)
    third = _finished_enrollment(prog, city)
    numbers = [
        services.complete_if_done(enrollment=first, now=factories.NOW).number,
        services.complete_if_done(enrollment=second, now=factories.NOW).number,
        services.complete_if_done(
            enrollment=third, now=factories.NOW.replace(year=2027, month=1, day=5)
        ).number,
    ]
    assert numbers == ["ZG-2026-000001", "ZG-2026-000002", "ZG-2027-000001"]


def test_number_prefix_follows_setting(prog, city, settings):
    """LEARNING_CERTIFICATE_PREFIX sets the prefix."""
    settings.LEARNING_CERTIFICATE_PREFIX = "CZ"
    certificate = services.complete_if_done(
        enrollment=_finished_enrollment(prog, city), now=factories.NOW
    )
    assert certificate.number == "CZ-2026-000001"


def test_colliding_number_is_retried(prog, city, monkeypatch):
    """Two completions that pick the same number at once: the second takes the next one."""
    first = _finished_enrollment(prog, city)
    second = _finished_enrollment(prog, city)
    services.complete_if_done(enrollment=first, now=factories.NOW)
    real = completion.next_certificate_number
    stale = iter(["ZG-2026-000001"])  # what the other request read before the first insert

    def racing(year):
        return next(stale, None) or real(year)

    monkeypatch.setattr(completion, "next_certificate_number", racing)
    certificate = services.complete_if_done(enrollment=second, now=factories.NOW)
    assert certificate.number == "ZG-2026-000002"
    assert Certificate.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_get_distinct_numbers(monkeypatch):
    """Two threads completing at the same moment get two different numbers."""
    city = factories.unit("常州市")
    prog = factories.programme(required_hours=Decimal("1"))
    factories.lesson(prog, minutes=45)
    enrollments = [_finished_enrollment(prog, city) for _ in range(2)]
    barrier = threading.Barrier(2, timeout=10)
    real = completion.next_certificate_number
    local = threading.local()

    def synchronised(year):
        number = real(year)
        if not getattr(local, "waited", False):
            local.waited = True
            barrier.wait()  # both have read the same highest number before either inserts
        return number

    monkeypatch.setattr(completion, "next_certificate_number", synchronised)
    results, errors = [], []

    def complete(enrollment):
        try:
            results.append(
                services.complete_if_done(enrollment=enrollment, now=factories.NOW).number
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete, args=(e,)) for e in enrollments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == ["ZG-2026-000001", "ZG-2026-000002"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_of_one_enrollment_keep_the_first(monkeypatch):
    """Completing one enrollment twice at once issues one certificate, dated when it completed."""
    city = factories.unit("常州市")
    prog = factories.programme(required_hours=Decimal("1"))
    factories.lesson(prog, minutes=45)
    enrollment = _finished_enrollment(prog, city)
    read = progress.enrollment_progress

    def read_slowly(locked):  # both have read the enrollment before either completes it
        result = read(locked)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(progress, "enrollment_progress", read_slowly)
    barrier, errors = threading.Barrier(2, timeout=10), []

    def complete(now):
        try:
            barrier.wait()
            services.complete_if_done(enrollment=Enrollment.objects.get(pk=enrollment.pk), now=now)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    moments = (factories.NOW, factories.NOW + datetime.timedelta(hours=1))
    threads = [threading.Thread(target=complete, args=(now,)) for now in moments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    enrollment.refresh_from_db()
    assert enrollment.completed_at == Certificate.objects.get().issued_at


# Revocation and verification -------------------------------------------------------------------


@pytest.fixture
def certificate(prog, city):
    enrollment = _finished_enrollment(prog, city, username="wangjianguo")
    user = enrollment.user
    user.first_name = "王建国"
    user.save()
    return services.complete_if_done(enrollment=enrollment, now=factories.NOW)


def test_revoke_needs_a_reason_and_happens_once(certificate):
    """Revocation records time and reason; no reason or a second revocation is refused."""
    with pytest.raises(services.LearningError, match="撤销原因"):
        services.revoke_certificate(certificate=certificate, reason="  ", now=factories.NOW)
    services.revoke_certificate(certificate=certificate, reason="学时记录有误", now=factories.NOW)
    certificate.refresh_from_db()
    assert certificate.revoked_at == factories.NOW and certificate.revoked_reason == "学时记录有误"
    with pytest.raises(services.LearningError, match="已经撤销"):
        services.revoke_certificate(certificate=certificate, reason="重复", now=factories.NOW)


def test_verify_valid_certificate(certificate):
    """The right number and code show name, programme, hours and date."""
    result = services.verify_certificate(
        number=certificate.number.lower(), code=certificate.verification_code.lower()
    )
    assert result.status == "valid"
    assert (result.name, result.programme, result.hours) == (
        "王建国",
        "干部选拔任用监督专题培训班",
        Decimal("1.0"),
    )
    assert result.completed_on == datetime.date(2026, 3, 20)


def test_verify_revoked_certificate(certificate):
    """A revoked certificate is reported as revoked, with the reason."""
    services.revoke_certificate(certificate=certificate, reason="冒名顶替学习", now=factories.NOW)
    result = services.verify_certificate(
        number=certificate.number, code=certificate.verification_code
    )
    assert result.status == "revoked" and result.revoked_reason == "冒名顶替学习"


def test_wrong_code_looks_like_unknown_number(certificate):
    """A wrong or missing code reveals nothing, exactly like an unknown number."""
    wrong = services.verify_certificate(number=certificate.number, code="AAAAAAAA")
    missing = services.verify_certificate(number=certificate.number, code="")
    unknown = services.verify_certificate(number="ZG-2026-999999", code="AAAAAAAA")
    assert wrong.status == missing.status == unknown.status == "not_found"
    assert wrong.name == "" and wrong.programme == "" and wrong.hours is None


def test_verify_page_states(certificate, client):
    """The public page (no login) shows valid, revoked and not-found states."""
    url = reverse("learning:verify", args=[certificate.number])
    valid = client.get(url, {"c": certificate.verification_code}).content.decode()
    assert "证书有效" in valid and "王建国" in valid and "干部选拔任用监督专题培训班" in valid
    assert "wangjianguo" not in valid and "常州市" not in valid  # no username, no unit
    wrong = client.get(url, {"c": "AAAAAAAA"}).content.decode()
    assert "未找到该证书" in wrong and "王建国" not in wrong
    services.revoke_certificate(certificate=certificate, reason="学时记录有误", now=factories.NOW)
    revoked = client.get(url, {"c": certificate.verification_code}).content.decode()
    assert "证书已撤销" in revoked and "学时记录有误" in revoked


def test_verify_form_redirects_to_number_page(certificate, client):
    """The typed number and code lead to the number's page."""
    response = client.get(
        reverse("learning:verify_form"),
        {"number": certificate.number, "c": certificate.verification_code},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("learning:verify", args=[certificate.number])
        + f"?c={certificate.verification_code}"
    )
    assert client.get(reverse("learning:verify_form")).status_code == 200


# The PDF ---------------------------------------------------------------------------------------


def test_pdf_is_a_real_pdf_with_the_number(certificate):
    """The rendered PDF starts with %PDF, and its text holds the number and the name."""
    data = certificates.certificate_data(
        certificate, verify_url="https://example.org/learning/certificates/verify/x/?c=y"
    )
    content = certificates.render_pdf(data)
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        assert certificate.number in text
        assert "王建国" in text and "结" in text
        assert certificate.verification_code in text
    else:  # the number is drawn in a standard font, so it is in the page stream
        assert certificate.number.encode() in content or b"FlateDecode" in content


def test_missing_font_fails_with_chinese_message(settings, monkeypatch):
    """Without any CJK TrueType font the error explains what to install."""
    monkeypatch.setattr(certificates, "FONT_CANDIDATES", (("/nonexistent/font.ttc", 0),))
    settings.LEARNING_CERTIFICATE_FONT = None
    monkeypatch.setattr(certificates.pdfmetrics, "getRegisteredFontNames", lambda: [])
    with pytest.raises(certificates.CertificateFontError, match="fonts-wqy-microhei"):
        certificates.register_font()


def test_owner_downloads_pdf_others_get_404(certificate, client, city):
    """Only the certificate's owner may download it; anyone else gets 404."""
    url = reverse("learning:certificate_pdf", args=[certificate.number])
    client.force_login(certificate.enrollment.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    client.force_login(factories.learner(unit_=city))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
