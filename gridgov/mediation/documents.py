"""Documents of the mediation file: the 人民调解协议书 as PDF (司法部 文书格式; the items of 人民调解法 art. 29), with a
CJK font embedded so it prints the same everywhere. The font is the first found of GRIDGOV_CJK_FONT and the
usual Debian CJK fonts (fonts-wqy-microhei, installed by scripts/setup.sh); without any, reportlab's built-in
STSong-Light is named (not embedded: the reader's viewer supplies the glyphs)."""

from __future__ import annotations

import io
import os
from functools import lru_cache

from django.conf import settings

from gridgov.core.timeutil import LOCAL_TZ
from gridgov.mediation.models import Dispute

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
]


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register and name the CJK font the documents use."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    configured = getattr(settings, "GRIDGOV_CJK_FONT", "") or os.environ.get("GRIDGOV_CJK_FONT", "")
    for path in [configured, *FONT_CANDIDATES]:
        if path and os.path.exists(path):
            kwargs = {"subfontIndex": 0} if path.endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont("GridgovCJK", path, **kwargs))
            return "GridgovCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _agreement_event(d: Dispute):
    return d.events.filter(action="agree").order_by("-at", "-id").first()


def agreement_pdf(d: Dispute) -> bytes:
    """人民调解协议书 of a dispute with a written agreement: 当事人基本情况; 纠纷主要事实、争议事项及各方责任;
    协议内容、履行方式、期限; how it takes effect, the copies, and 司法确认 within 30 days (art. 33)."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from gridgov.core.errors import ApplicationError

    event = _agreement_event(d)
    if d.agreement_kind != "written" or event is None:
        raise ApplicationError("no_written_agreement", "该纠纷没有书面调解协议", status=409)
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=20, leading=30, alignment=TA_CENTER)
    sub = ParagraphStyle("sub", parent=body, alignment=TA_CENTER, fontSize=11)
    section = ParagraphStyle("section", parent=body, fontSize=13, spaceBefore=8)

    def esc(text: str) -> str:
        return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")

    agreed = (d.agreed_at or event.at).astimezone(LOCAL_TZ)
    data = event.data or {}
    story = [Paragraph("人民调解协议书", head),
             Paragraph(f"({agreed:%Y})调字第 {d.pk} 号", sub), Spacer(1, 6 * mm),
             Paragraph("当事人基本情况", section)]
    for p in d.parties.all():
        facts = [f"{p.get_role_display()}:{esc(p.name)}"]
        if p.id_number_masked:
            facts.append(f"身份证号 {p.id_number_masked}")
        if p.phone_masked:
            facts.append(f"联系电话 {p.phone_masked}")
        if p.address:
            facts.append(f"住址 {esc(p.address)}")
        story.append(Paragraph(",".join(facts), body))
    story += [Paragraph("纠纷主要事实、争议事项及各方责任", section),
              Paragraph(esc(d.summary), body)]
    if data.get("duties"):
        story.append(Paragraph("各方责任:" + esc(data["duties"]), body))
    story += [Paragraph("经调解,自愿达成如下协议(协议内容、履行方式、期限)", section),
              Paragraph(esc(event.note), body)]
    if data.get("amount") not in (None, "", "0", "0.00"):
        story.append(Paragraph(f"协议涉及金额:人民币 {data['amount']} 元。", body))
    n = d.parties.count() + 1
    story += [Spacer(1, 4 * mm),
              Paragraph("本协议自各方当事人签名、盖章或者按指印,人民调解员签名并加盖人民调解委员会印章之日起生效。"
                        f"本协议一式 {n} 份,当事人各执一份,人民调解委员会留存一份。", body),
              Paragraph("当事人认为有必要的,可以自本协议生效之日起三十日内共同向人民法院申请司法确认。", body),
              Spacer(1, 10 * mm)]
    for p in d.parties.all():
        story.append(Paragraph(f"{p.get_role_display()}(签名、盖章或按指印):__________", body))
    mediator = d.mediator.display_name or d.mediator.username if d.mediator else ""
    story += [Paragraph(f"人民调解员(签名):{esc(mediator)} __________", body),
              Paragraph(f"{esc(d.committee.name if d.committee else '人民调解委员会')}(印章)", body),
              Paragraph(f"{agreed:%Y年%m月%d日}", body)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=25 * mm, title="人民调解协议书", author="gridgov", subject=d.title)
    doc.build(story)
    return out.getvalue()
