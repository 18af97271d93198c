"""Certificates as PDF (reportlab): A4 landscape, Chinese text, a QR code to the public
verification page.

Fonts: reportlab embeds TrueType outlines only, so the CFF-based Noto CJK collections cannot be
used. ``settings.LEARNING_CERTIFICATE_FONT`` (a path, or ``(path, subfont index)``) is tried
first, then WenQuanYi Micro Hei / Zen Hei and AR PL fonts at their Debian paths
(``fonts-wqy-microhei``, installed by ``scripts/system-deps.sh``). Without any of them
``CertificateFontError`` explains, in Chinese, what to install.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from learning.models import LearnerProfile
from learning.services.base import display_name

FONT_NAME = "CertificateCJK"
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora / Alpine layout
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
)
RED = HexColor("#a61b1b")
GOLD = HexColor("#c9a227")
INK = HexColor("#1f2328")
MUTED = HexColor("#5f6670")
PAPER = HexColor("#fffdf6")
# Full-width punctuation for the printed text.
COMMA, COLON, LPAREN, RPAREN = "\uff0c", "\uff1a", "\uff08", "\uff09"


class CertificateFontError(RuntimeError):
    """No usable Chinese TrueType font; the message says what to install."""


@dataclass(frozen=True)
class CertificateData:
    """What is printed on a certificate (no database needed to render it)."""

    number: str
    name: str
    unit: str
    programme: str
    hours: Decimal
    regulation_hours: Decimal
    completed_on: datetime.date
    verify_url: str
    code: str = ""
    issuer: str = "四项监督制度学习平台"
    revoked: bool = False


def _candidates() -> list[tuple[str, int]]:
    configured = getattr(settings, "LEARNING_CERTIFICATE_FONT", None)
    found: list[tuple[str, int]] = []
    if isinstance(configured, str | Path):
        found.append((str(configured), 0))
    elif configured:
        path, index = configured
        found.append((str(path), int(index)))
    return found + list(FONT_CANDIDATES)


def register_font() -> str:
    """Register the first usable Chinese TrueType font once; returns its reportlab name."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    for path, index in _candidates():
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
        except (TTFError, OSError, ValueError):
            continue
        return FONT_NAME
    raise CertificateFontError(
        "无法生成证书：服务器上没有可用的中文 TrueType 字体。"
        "请安装文泉驿微米黑(Debian/Ubuntu:apt-get install fonts-wqy-microhei),"
        "或在设置 LEARNING_CERTIFICATE_FONT 中指定字体文件路径。"
    )


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def hours_text(hours: Decimal) -> str:
    return f"{Decimal(hours).quantize(Decimal('0.1')).normalize():f}"


def certificate_data(certificate, *, verify_url: str) -> CertificateData:
    """Collect a certificate's printed facts (two or three queries)."""
    enrollment = certificate.enrollment
    user = enrollment.user
    profile = LearnerProfile.objects.filter(user=user).select_related("unit").first()
    completed = enrollment.completed_at or certificate.issued_at
    return CertificateData(
        number=certificate.number,
        name=display_name(user),
        unit=profile.unit.name if profile else "",
        programme=enrollment.programme.title,
        hours=certificate.hours,
        regulation_hours=certificate.regulation_hours,
        completed_on=timezone.localdate(completed),
        verify_url=verify_url,
        code=certificate.verification_code,
        revoked=certificate.revoked_at is not None,
    )


def render_pdf(data: CertificateData) -> bytes:
    """The certificate as a one-page PDF."""
    font = register_font()
    buffer = BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(f"结业证书 {data.number}")
    canvas.setAuthor(data.issuer)
    canvas.setSubject(data.programme)
    _frame(canvas, width, height)
    _heading(canvas, font, width, height, data)
    _body(canvas, font, width, height, data)
    _footer(canvas, font, width, data)
    if data.revoked:
        _revoked_stamp(canvas, font, width, height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setFillColor(PAPER)
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(6)
    canvas.rect(22, 22, width - 44, height - 44)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.2)
    canvas.rect(34, 34, width - 68, height - 68)
    canvas.setFillColor(GOLD)
    for x, y in ((34, 34), (width - 34, 34), (34, height - 34), (width - 34, height - 34)):
        canvas.circle(x, y, 4, stroke=0, fill=1)


def _heading(canvas: Canvas, font: str, width: float, height: float, data) -> None:
    canvas.setFillColor(MUTED)
    canvas.setFont(font, 13)
    canvas.drawCentredString(width / 2, height - 78, data.issuer)
    canvas.setFillColor(RED)
    title = "结 业 证 书"
    canvas.setFont(font, 42)
    canvas.drawCentredString(width / 2, height - 135, title)
    line_width = pdfmetrics.stringWidth(title, font, 42) + 60
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1)
    canvas.line((width - line_width) / 2, height - 152, (width + line_width) / 2, height - 152)


def _body(canvas: Canvas, font: str, width: float, height: float, data) -> None:
    left, text_width = 110, width - 220
    canvas.setFillColor(INK)
    unit = f"{LPAREN}{data.unit}{RPAREN}" if data.unit else ""
    salutation = f"{data.name} 同志{unit}{COLON}"
    size = 21
    while size > 11 and pdfmetrics.stringWidth(salutation, font, size) > text_width:
        size -= 1
    canvas.setFont(font, size)
    canvas.drawString(left, height - 220, salutation)
    style = ParagraphStyle(
        "certificate",
        fontName=font,
        fontSize=18,
        leading=38,
        firstLineIndent=36,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
        textColor=INK,
    )
    text = (
        f"该同志于 {chinese_date(data.completed_on)} 完成"
        f"“<font color='#a61b1b'>{escape(data.programme)}</font>”培训项目的全部学习要求{COMMA}"
        f"累计取得 <font color='#a61b1b'>{hours_text(data.hours)}</font> 学时{_regulation(data)}{COMMA}"
        f"经考核合格{COMMA}特发此证。"
    )
    paragraph = Paragraph(text, style)
    _, used = paragraph.wrap(text_width, 220)
    paragraph.drawOn(canvas, left, height - 248 - used)


def _footer(canvas: Canvas, font: str, width: float, data) -> None:
    left, value = 110, 180
    rows = [
        ("证书编号", data.number, ("Helvetica-Bold", 13)),
        ("校 验 码", data.code, ("Helvetica-Bold", 13)),
        ("发证日期", chinese_date(data.completed_on), (font, 12)),
        ("核验网址", _site_path(data.verify_url), ("Helvetica", 10)),
    ]
    y = 140
    for label, text, (face, size) in rows:
        if not text:
            continue
        canvas.setFillColor(MUTED)
        canvas.setFont(font, 12)
        canvas.drawString(left, y, label)
        canvas.setFillColor(INK)
        while size > 6 and pdfmetrics.stringWidth(text, face, size) > 450:
            size -= 0.5  # a long address must not run into the QR code
        canvas.setFont(face, size)
        canvas.drawString(value, y, text)
        y -= 22
    canvas.setFillColor(INK)
    canvas.setFont(font, 16)
    canvas.drawCentredString(width - 330, 118, data.issuer)
    canvas.setFont(font, 13)
    canvas.drawCentredString(width - 330, 94, chinese_date(data.completed_on))
    _qr(canvas, font, data.verify_url, x=width - 206, y=70, size=100)


def _site_path(url: str) -> str:
    """The verification address without the scheme: with its check code, so that typing it
    opens the certificate (the QR code holds the same address)."""
    return url.split("://", 1)[-1]


def _qr(canvas: Canvas, font: str, url: str, *, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
    canvas.setFillColor(MUTED)
    canvas.setFont(font, 9)
    canvas.drawCentredString(x + size / 2, y - 8, "扫码核验真伪")


def _revoked_stamp(canvas: Canvas, font: str, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillColor(RED)
    canvas.setFillAlpha(0.25)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(20)
    canvas.setFont(font, 110)
    canvas.drawCentredString(0, -30, "已撤销")
    canvas.restoreState()


def _regulation(data: CertificateData) -> str:
    if not data.regulation_hours:
        return ""
    hours = f"<font color='#a61b1b'>{hours_text(data.regulation_hours)}</font>"
    return f"{LPAREN}其中干部选拔任用政策法规和干部人事纪律 {hours} 学时{RPAREN}"


def certificate_filename(data: CertificateData) -> str:
    return f"结业证书-{data.number}.pdf"


def verification_url(request, certificate) -> str:
    path = reverse("learning:verify", args=[certificate.number])
    return request.build_absolute_uri(f"{path}?{urlencode({'c': certificate.verification_code})}")


def pdf_response(request, certificate) -> HttpResponse:
    """The certificate as a PDF download, or 503 with a Chinese message when no font is there."""
    data = certificate_data(certificate, verify_url=verification_url(request, certificate))
    try:
        content = render_pdf(data)
    except CertificateFontError as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(True, certificate_filename(data))
        },
    )
