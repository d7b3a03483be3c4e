"""The mediation file (调解卷宗, 司法部 2010 文书格式), written from the dispute and its timeline: 受理登记表,
当事人权利义务告知书, 调查记录, 联合会商记录, 人民调解记录 (each session), 人民调解协议书 (the items of 人民调解法 art. 29)
or 口头协议登记表, 回访记录, 结案报告表, and the whole 卷宗 with its cover and contents in the order the format gives.

Each document is first a list of `Block`s (title, paragraph, two-column form, page break…), then rendered as PDF
(reportlab, for printing and the archive) or as DOCX (python-docx, for the mediator to fill in or correct in a word
processor). In the PDF a CJK font is embedded so it prints the same everywhere: the first found of GRIDGOV_CJK_FONT
and the usual Debian CJK fonts (fonts-wqy-microhei, installed by scripts/setup.sh); without any, reportlab's
built-in STSong-Light is named (not embedded: the reader's viewer supplies the glyphs). The DOCX names 宋体 for
East Asian text, as the 司法部 formats are set."""

from __future__ import annotations

import io
from dataclasses import dataclass

from gridgov.core.errors import ApplicationError
from gridgov.core.pdf import cjk_font
from gridgov.core.timeutil import LOCAL_TZ
from gridgov.mediation.models import Dispute

# -- the blocks a document is made of ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """kind: "head" (the document's title), "sub" (centred line under it), "section", "para", "form" (rows of
    label | value in ruled cells), "image" (a JPEG in `data`, fitted to the page width), "gap" (vertical space,
    `size` in mm) or "break" (a new page). Text is plain, with "\\n" for a line break; the renderers escape it."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    size: float = 0
    data: bytes = b""


def head(text: str) -> Block:
    return Block("head", text)


def sub(text: str) -> Block:
    return Block("sub", text)


def section(text: str) -> Block:
    return Block("section", text)


def para(text: str) -> Block:
    return Block("para", text)


def form(rows: list[tuple[str, str]]) -> Block:
    return Block("form", rows=tuple((label, value or "-") for label, value in rows))


def gap(size: float) -> Block:
    return Block("gap", size=size)


BREAK = Block("break")


def _local(moment) -> str:
    return f"{moment.astimezone(LOCAL_TZ):%Y年%m月%d日 %H:%M}" if moment else "-"


def _day(moment) -> str:
    return f"{moment.astimezone(LOCAL_TZ):%Y年%m月%d日}" if moment else "-"


def _number(d: Dispute) -> str:
    """卷号 / 文书号: (受理年)调字第 id 号."""
    year = (d.accepted_at or d.created_at).astimezone(LOCAL_TZ).year
    return f"({year})调字第 {d.pk} 号"


def _parties_text(d: Dispute) -> str:
    lines = []
    for p in d.parties.all():
        facts = [f"{p.get_role_display()}:{p.name}"]
        if p.id_number_masked:
            facts.append(f"身份证号 {p.id_number_masked}")
        if p.phone_masked:
            facts.append(f"联系电话 {p.phone_masked}")
        if p.address:
            facts.append(f"住址 {p.address}")
        lines.append(",".join(facts))
    return "\n".join(lines)


def _party_names(d: Dispute) -> str:
    return "、".join(p.name for p in d.parties.all())


def _person(user) -> str:
    return (user.display_name or user.username) if user else ""


def _committee_name(d: Dispute) -> str:
    return d.committee.name if d.committee else "人民调解委员会"


def _events(d: Dispute, action: str) -> list:
    return list(d.events.filter(action=action).select_related("actor").order_by("at", "id"))


def _agreement_event(d: Dispute):
    return d.events.filter(action="agree").order_by("-at", "-id").first()


# -- the documents: each a list of blocks, or None where it does not apply to the dispute (yet) ---------------


def _acceptance(d: Dispute):
    """人民调解受理登记表."""
    if d.accepted_at is None:
        return None
    accept = d.events.filter(action="accept").order_by("at", "id").first()
    rows = [("编号", _number(d)), ("纠纷名称", d.title),
            ("纠纷类型", f"{d.dispute_type.name}({d.dispute_type.code};{d.dispute_type.get_moj_category_display()})"),
            ("案件来源", f"{d.get_source_display()}{(' ' + d.source_ref) if d.source_ref else ''}"),
            ("当事人", _parties_text(d)),
            ("发生时间地点", f"{d.occurred_on:%Y年%m月%d日} {d.place}"),
            ("涉及人数", f"{d.people_involved} 人({d.get_scale_display()})"),
            ("纠纷简要情况", d.summary), ("风险等级", d.risk_level.name),
            ("受理时间", _local(d.accepted_at)), ("受理人民调解委员会", _committee_name(d)),
            ("人民调解员", _person(d.mediator) or "由调委会指定"),
            ("受理意见", accept.note if accept and accept.note else "符合受理条件,予以受理。")]
    return [head("人民调解受理登记表"), gap(6), form(rows), gap(8), para("当事人(签名):__________ 登记人(签名):__________")]


RIGHTS = ["(一)选择或者接受人民调解员;", "(二)接受调解、拒绝调解或者要求终止调解;",
          "(三)要求调解公开进行或者不公开进行;", "(四)自主表达意愿、自愿达成调解协议。"]
DUTIES = ["(一)如实陈述纠纷事实;", "(二)遵守调解现场秩序,尊重人民调解员;", "(三)尊重对方当事人行使权利。"]


def _rights_notice(d: Dispute):
    """人民调解当事人权利义务告知书 (人民调解法 arts. 23–24), told when mediation starts."""
    told = d.events.filter(action="start").order_by("at", "id").first()
    if told is None:
        return None
    return [head("人民调解当事人权利义务告知书"), gap(6), para(f"{', '.join(p.name for p in d.parties.all())}:"),
            para(f"你(单位)申请(或同意)调解的{d.title}一事,{_committee_name(d)}已予受理。"
                 "根据《中华人民共和国人民调解法》,在人民调解活动中,当事人享有下列权利:"),
            *map(para, RIGHTS), para("当事人承担下列义务:"), *map(para, DUTIES),
            para("人民调解委员会调解民间纠纷不收取任何费用。"), gap(8), para(f"告知时间:{_local(told.at)}"),
            para("当事人(签名):__________ 人民调解员(签名):__________")]


def _records(d: Dispute, action: str, title: str, each: str, labels: tuple[str, str, str, str], signed: str):
    """A record kept one entry per meeting (调查, 会商, 调解): time, place, who took part, who wrote it, what
    happened; `labels` name the last four rows as the format does."""
    rows = _events(d, action)
    if not rows:
        return None
    blocks = [head(title), gap(6)]
    for i, e in enumerate(rows, start=1):
        data = e.data or {}
        blocks += [section(f"第 {i} 次{each}"),
                   form([("时间", _local(e.at)), ("地点", data.get("place", "")),
                         (labels[0], data.get("participants", "")), (labels[1], _person(e.actor)),
                         (labels[2], e.note)] + ([(labels[3], data["decision"])] if data.get("decision") else []))]
    return [*blocks, gap(8), para(signed)]


def _investigation(d: Dispute):
    """调查记录: each inquiry with its time, place, the people heard and what was found."""
    return _records(d, "record_investigation", "调查记录", "调查", ("被调查人及在场人", "调查人", "调查情况", ""),
                    "被调查人(签名):__________ 调查人(签名):__________")


def _consultations(d: Dispute):
    """联合会商记录: the 一会三室 / "1+1+1" meeting a red dispute calls for — the offices and people at it (司法所,
    派出所, 法庭, 信访, 律师…), what they found, and who does what next."""
    return _records(d, "consult", "矛盾纠纷联合会商记录", "会商", ("参加单位及人员", "记录人", "会商情况", "会商意见及分工"),
                    "参加人员(签名):__________ 主持人(签名):__________")


def _sessions(d: Dispute):
    """人民调解记录: each session with its time, place, participants and what happened."""
    return _records(d, "record_session", "人民调解记录", "调解", ("参加人员", "记录人", "调解经过", ""),
                    "当事人(签名):__________ 人民调解员(签名):__________")


def _written_agreement(d: Dispute):
    """人民调解协议书: 当事人基本情况; 纠纷主要事实、争议事项及各方责任; 协议内容、履行方式、期限; how it takes effect,
    the copies, and 司法确认 within 30 days (art. 33)."""
    event = _agreement_event(d)
    if d.agreement_kind != "written" or event is None:
        return None
    agreed = (d.agreed_at or event.at).astimezone(LOCAL_TZ)
    data = event.data or {}
    blocks = [head("人民调解协议书"), sub(f"({agreed:%Y})调字第 {d.pk} 号"), gap(6),
              section("当事人基本情况"), para(_parties_text(d)),
              section("纠纷主要事实、争议事项及各方责任"), para(d.summary)]
    if data.get("duties"):
        blocks.append(para("各方责任:" + data["duties"]))
    blocks += [section("经调解,自愿达成如下协议(协议内容、履行方式、期限)"), para(event.note)]
    if data.get("amount") not in (None, "", "0", "0.00"):
        blocks.append(para(f"协议涉及金额:人民币 {data['amount']} 元。"))
    n = d.parties.count() + 1
    blocks += [gap(4),
               para("本协议自各方当事人签名、盖章或者按指印,人民调解员签名并加盖人民调解委员会印章之日起生效。"
                    f"本协议一式 {n} 份,当事人各执一份,人民调解委员会留存一份。"),
               para("当事人认为有必要的,可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"), gap(10)]
    blocks += [para(f"{p.get_role_display()}(签名、盖章或按指印):__________") for p in d.parties.all()]
    return [*blocks, para(f"人民调解员(签名):{_person(d.mediator)} __________"), para(f"{_committee_name(d)}(印章)"),
            para(f"{agreed:%Y年%m月%d日}")]


def _oral_agreement(d: Dispute):
    """口头调解协议登记表 (人民调解法 art. 28): what was agreed by word of mouth, recorded by the mediator."""
    event = _agreement_event(d)
    if d.agreement_kind != "oral" or event is None:
        return None
    data = event.data or {}
    rows = [("编号", _number(d)), ("当事人", _parties_text(d)), ("纠纷简要情况", d.summary), ("协议内容", event.note)]
    if data.get("amount"):
        rows.append(("涉及金额", f"人民币 {data['amount']} 元"))
    rows += [("达成时间", _local(d.agreed_at or event.at)), ("人民调解员", _person(d.mediator))]
    return [head("口头调解协议登记表"), gap(6), form(rows), gap(8), para("当事人(签名):__________ 登记人(签名):__________")]


def _follow_up(d: Dispute):
    """人民调解回访记录: 当事人, 协议编号, 回访事由, 回访情况 (履行), 回访人, 时间; with the 履行情况 recorded before."""
    visits = _events(d, "follow_up")
    performance = _events(d, "record_performance")
    if not visits and not performance:
        return None
    blocks = [head("人民调解回访记录"), gap(6)]
    for e in performance:
        blocks += [form([("履行凭证", e.note), ("记录时间", _local(e.at))]), gap(4)]
    for e in visits:
        performed = "已履行" if (e.data or {}).get("performed") else "未履行或未完全履行"
        blocks += [form([("当事人", _party_names(d)), ("调解协议编号", _number(d)), ("回访事由", "了解调解协议履行情况"),
                         ("协议履行", performed), ("回访情况", e.note), ("回访人", _person(e.actor)),
                         ("回访时间", _local(e.at))]), gap(4)]
    return blocks


def _printable(att) -> bytes | None:
    """A material as a JPEG to print: upright, at most 2048 px, without EXIF (HEIC and PNG converted too); None
    where the stored file cannot be read."""
    from gridgov.cases.photos import public_copy

    try:
        with att.file.open("rb") as f:
            return public_copy(f.read())
    except (OSError, ValueError):
        return None


def _materials(d: Dispute):
    """卷内材料: the photographed or scanned papers (证据材料, 身份证明, 委托书, 履行凭证…) in the order they came, each
    with its kind, when and by whom it was added and what it is."""
    atts = list(d.attachments.select_related("uploaded_by", "event").order_by("id"))
    if not atts:
        return None
    blocks = [head("卷内材料"), gap(6)]
    for i, att in enumerate(atts, start=1):
        note = att.event.note if att.event else ""
        blocks.append(section(f"{i}. {att.get_kind_display()}:{_local(att.created_at)},{_person(att.uploaded_by) or '-'}"
                              f"上传{(',' + note) if note else ''}"))
        image = _printable(att)
        blocks.append(Block("image", data=image) if image else para("(文件无法读取,请查看原件)"))
    return blocks


OUTCOMES = {"agreed": "调解成功", "closed": "调解成功", "failed": "调解未成", "handed_over": "移交", "rejected": "不予受理"}


def _closing_report(d: Dispute):
    """人民调解结案报告表: 卷号, 承办人, 受案时间, 结案时间, 案件来源, the outcome and how it ended."""
    if d.closed_at is None or d.accepted_at is None:
        return None
    last = d.events.filter(action__in=["follow_up", "fail", "hand_over"]).order_by("-at", "-id").first()
    rows = [("卷号", _number(d)), ("纠纷名称", d.title), ("承办人", _person(d.mediator)),
            ("受案时间", _local(d.accepted_at)), ("结案时间", _local(d.closed_at)),
            ("案件来源", d.get_source_display()), ("纠纷类型", d.dispute_type.name),
            ("调解结果", OUTCOMES.get(d.state, d.get_state_display())),
            ("协议形式", {"written": "书面协议", "oral": "口头协议"}.get(d.agreement_kind, "-")),
            ("司法确认", d.get_judicial_confirmation_display() or "-"),
            ("结案情况", last.note if last else "-")]
    return [head("人民调解结案报告表"), gap(6), form(rows), gap(8),
            para("人民调解员(签名):__________ 调委会主任(签名):__________")]


# name → (title, builder), in the order of the 卷宗 (司法部 2010 文书格式)
DOCUMENTS = {
    "acceptance": ("人民调解受理登记表", _acceptance),
    "rights": ("当事人权利义务告知书", _rights_notice),
    "investigation": ("调查记录", _investigation),
    "consultation": ("联合会商记录", _consultations),
    "sessions": ("人民调解记录", _sessions),
    "agreement": ("人民调解协议书", _written_agreement),
    "oral": ("口头调解协议登记表", _oral_agreement),
    "follow-up": ("回访记录", _follow_up),
    "closing": ("结案报告表", _closing_report),
    "materials": ("卷内材料", _materials),
}
FILE = "file"  # the whole 卷宗


def available(d: Dispute) -> list[tuple[str, str]]:
    """(name, title) of the documents this dispute has so far."""
    return [(name, title) for name, (title, build) in DOCUMENTS.items() if build(d) is not None]


def _file(d: Dispute) -> list[Block]:
    """调解卷宗: a cover (卷号, 案由, 调委会, 受案与结案时间, 调解员), the contents, then every document the dispute has,
    each from a new page."""
    parts = [(title, blocks) for title, build in DOCUMENTS.values() if (blocks := build(d)) is not None]
    out = [gap(40), sub(_committee_name(d)), gap(6), head("人民调解卷宗"), gap(20),
           form([("卷号", _number(d)), ("案由", d.title), ("纠纷类型", d.dispute_type.name), ("当事人", _party_names(d)),
                 ("人民调解员", _person(d.mediator)), ("受理日期", _day(d.accepted_at)), ("结案日期", _day(d.closed_at)),
                 ("调解结果", OUTCOMES.get(d.state, d.get_state_display()))]),
           BREAK, head("卷内目录"), gap(6)]
    out += [para(f"{i}. {title}") for i, (title, _) in enumerate(parts, start=1)]
    for _, blocks in parts:
        out += [BREAK, *blocks]
    return out


# -- rendering ---------------------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _pdf(blocks: list[Block], title: str, subject: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    styles = {"para": body, "head": ParagraphStyle("head", parent=body, fontSize=20, leading=30, alignment=TA_CENTER),
              "sub": ParagraphStyle("sub", parent=body, alignment=TA_CENTER, fontSize=11),
              "section": ParagraphStyle("section", parent=body, fontSize=13, spaceBefore=8)}
    cell = ParagraphStyle("cell", parent=body, fontSize=11, leading=16)
    story: list = []
    for b in blocks:
        if b.kind == "break":
            story.append(PageBreak())
        elif b.kind == "gap":
            story.append(Spacer(1, b.size * mm))
        elif b.kind == "form":
            table = Table([[Paragraph(_esc(label), cell), Paragraph(_esc(value), cell)] for label, value in b.rows],
                          colWidths=[38 * mm, 122 * mm])
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2"))]))
            story.append(table)
        elif b.kind == "image":
            width, height = _fit(b.data, 160, 200)
            story.append(Image(io.BytesIO(b.data), width=width * mm, height=height * mm))
        else:
            story.append(Paragraph(_esc(b.text), styles[b.kind]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm, bottomMargin=25 * mm,
                      title=title, author="gridgov", subject=subject).build(story)
    return out.getvalue()


def _fit(jpeg: bytes, max_width: float, max_height: float) -> tuple[float, float]:
    """The size (mm) of an image fitted within the box, its proportions kept."""
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as img:
        w, h = img.size
    scale = min(max_width / w, max_height / h)
    return w * scale, h * scale


DOCX_FONT = "宋体"


def _docx(blocks: list[Block], title: str, subject: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = DOCX_FONT, Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_FONT)
    for sec in doc.sections:  # A4 with the margins of the PDF
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Mm(25)
    doc.core_properties.title, doc.core_properties.subject, doc.core_properties.author = title, subject, "gridgov"
    sizes = {"head": Pt(20), "sub": Pt(11), "section": Pt(13)}
    for b in blocks:
        if b.kind == "break":
            doc.add_page_break()
        elif b.kind == "gap":
            doc.add_paragraph().paragraph_format.space_after = Mm(max(b.size - 5, 0))
        elif b.kind == "form":
            table = doc.add_table(rows=len(b.rows), cols=2)
            table.style = doc.styles["Table Grid"]
            for row, (label, value) in zip(table.rows, b.rows, strict=True):
                row.cells[0].width, row.cells[1].width = Mm(38), Mm(122)
                row.cells[0].text, row.cells[1].text = label, value
        elif b.kind == "image":
            width, _ = _fit(b.data, 160, 200)
            doc.add_picture(io.BytesIO(b.data), width=Mm(width))
        else:
            p = doc.add_paragraph()
            run = p.add_run(b.text)
            if b.kind in sizes:
                run.font.size = sizes[b.kind]
                run.bold = b.kind != "sub"
            if b.kind in ("head", "sub"):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


FORMATS = {  # name → (content type, renderer)
    "pdf": ("application/pdf", _pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _docx),
}


def render(d: Dispute, name: str, fmt: str = "pdf") -> bytes:
    """One document of the file, or the whole 卷宗 (name "file"), as PDF or DOCX; ApplicationError where there
    is no such document or the dispute does not have it (yet)."""
    if fmt not in FORMATS:
        raise ApplicationError("unknown_format", "文书格式只能是 PDF 或 Word(docx)", status=404)
    if name == FILE:
        return FORMATS[fmt][1](_file(d), "人民调解卷宗", d.title)
    if name not in DOCUMENTS:
        raise ApplicationError("unknown_document", "没有这种调解文书", status=404)
    title, build = DOCUMENTS[name]
    blocks = build(d)
    if blocks is None:
        code = "no_written_agreement" if name == "agreement" else "document_not_available"
        message = "该纠纷没有书面调解协议" if name == "agreement" else f"该纠纷尚无{title}"
        raise ApplicationError(code, message, status=409)
    return FORMATS[fmt][1](blocks, title, d.title)


def document_pdf(d: Dispute, name: str) -> bytes:
    return render(d, name, "pdf")


def agreement_pdf(d: Dispute) -> bytes:
    return render(d, "agreement", "pdf")


def file_pdf(d: Dispute) -> bytes:
    return render(d, FILE, "pdf")
