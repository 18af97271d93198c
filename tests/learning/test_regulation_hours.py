"""8 学时 of regulation content, as the induction rule says: a programme may require a minimum of
法规纪律学时 besides its total, and is complete only when both are met; every place that shows
hours shows both, the certificate included, and its printed address opens it."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse

from learning import certificate_pdf, progress, services
from tests.learning import factories

pytestmark = pytest.mark.django_db
D = Decimal


def test_nine_hours_with_seven_of_regulation_is_not_complete():
    """8 总学时 and 8 法规纪律学时 required: 9 of which 7 regulation is short; 9 with 8 is done."""
    rule = dict(required_hours=D(8), required_regulation_hours=D(8), required_items_done=True)
    assert not progress.is_complete(hours=D(9), regulation_hours=D(7), **rule)
    assert progress.is_complete(hours=D(9), regulation_hours=D(8), **rule)


@pytest.fixture
def induction(city):
    """A programme requiring 8 学时 of which 8 regulation: a 7-hour regulation lesson and a
    2-hour general one, both fully studied by ``person``; a 1-hour regulation lecture left."""
    prog = factories.programme(
        required_hours=D(8), required_regulation_hours=D(8), title="组工干部岗前培训"
    )
    rules = factories.lesson(prog, 7 * 45, is_regulation=True)
    general = factories.lesson(prog, 2 * 45)
    lecture = factories.offline(prog, "1", required=False, title="纪律专题讲座")
    lecture.is_regulation = True
    lecture.save()
    person = factories.learner("newcomer", city, name="新同志")
    enrollment = factories.enrol(prog, person)
    factories.credit(person, rules, 7 * 2700)
    factories.credit(person, general, 2 * 2700)
    return {"programme": prog, "person": person, "enrollment": enrollment, "lecture": lecture}


def test_a_programme_short_of_regulation_hours_is_not_complete(induction):
    """9 学时 earned, 7 of them regulation: not complete, no certificate; the shortfall is named."""
    entry = progress.enrollment_progress(induction["enrollment"])
    assert (entry.hours, entry.regulation_hours, entry.complete) == (D(9), D(7), False)
    assert entry.regulation_hours_short == D(1)
    assert services.complete_if_done(enrollment=induction["enrollment"], now=factories.NOW) is None


def test_the_certificate_carries_both_figures(induction):
    """The regulation lecture attended makes 10 / 8: complete, and the certificate records both."""
    factories.attend(induction["person"], induction["lecture"])
    certificate = services.complete_if_done(enrollment=induction["enrollment"], now=factories.NOW)
    assert (certificate.hours, certificate.regulation_hours) == (D(10), D(8))


def test_the_dashboard_shows_both_figures(induction, client):
    """The learner sees 总学时 and 其中法规纪律学时 with what is still missing."""
    client.force_login(induction["person"])
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert '<span class="hours-earned">9.0</span> / 8.0 学时' in html
    assert '其中法规纪律 <span class="hours-earned">7.0</span> / 8.0 学时' in html


def test_the_printed_address_opens_the_certificate(induction, client):
    """The address printed on the PDF (and in its QR code) carries the check code and opens the
    certificate as valid."""
    factories.attend(induction["person"], induction["lecture"])
    certificate = services.complete_if_done(enrollment=induction["enrollment"], now=factories.NOW)
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    url = certificate_pdf.verification_url(request, certificate)
    assert f"c={certificate.verification_code}" in url
    html = client.get(url.split("testserver", 1)[1]).content.decode()
    assert "未找到该证书" not in html and "新同志" in html
    content = certificate_pdf.render_pdf(
        certificate_pdf.certificate_data(certificate, verify_url=url)
    )
    if shutil.which("pdftotext"):  # installed by `make test`
        text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True).stdout
        assert certificate.verification_code in text.decode()
        assert "其中干部选拔任用政策法规和干部人事纪律" in text.decode().replace("\n", "")
