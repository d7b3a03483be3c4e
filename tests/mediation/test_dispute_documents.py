"""The mediation file (调解卷宗) as PDF and as Word: each document written from the dispute and its timeline, only
once the dispute has it, and the whole file with cover and contents in the 司法部 order; in the console and the
API, for those who may see the dispute only. And the 联合会商 a red dispute calls for, recorded in its file."""

import io

import pytest
from pypdf import PdfReader

from gridgov.mediation import services as m
from gridgov.mediation.documents import FORMATS, available, document_pdf, file_pdf
from tests.conftest import ID_A1
from tests.mediation.test_dispute_workflow import accepted, fresh, mediating


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def whole_story(mw):
    d = mediating(mw)
    m.dispute_record_investigation(dispute=d, actor=mw.mediator, note="入户查看,楼上卫生间地面渗水", place="3单元502",
                                   participants="楼上住户、物业维修工")
    m.dispute_consult(dispute=d, actor=mw.dispatcher, participants="司法所刘、派出所民警李、法庭周法官、律师周",
                      note="楼上住户扬言断水,研判为民转刑风险", decision="派出所稳控;司法所牵头调解;法庭提供诉前指导",
                      place="甲街道综治中心")
    m.dispute_record_session(dispute=d, actor=mw.mediator, note="双方陈述,楼上同意查看漏点", place="甲一社区调解室",
                             participants="王调解、民警李、律师周")
    m.dispute_record_session(dispute=d, actor=mw.mediator, note="确认漏点在楼上卫生间,协商赔偿", place="甲一社区调解室",
                             participants="王调解")
    m.dispute_agree(dispute=d, actor=mw.mediator, kind="written", content="楼上维修防水层并赔偿2000元,12月10日前付清",
                    amount="2000")
    m.dispute_record_performance(dispute=fresh(d), actor=mw.mediator, note="12月8日收到转账2000元(收条存卷)")
    return m.dispute_follow_up(dispute=fresh(d), actor=mw.mediator, note="防水已修好,双方满意", performed=True)


def test_each_document_from_the_timeline(mw):
    d = fresh(whole_story(mw))
    assert [name for name, _ in available(d)] == ["acceptance", "rights", "investigation", "consultation", "sessions",
                                                  "agreement", "follow-up", "closing"]
    acceptance = text_of(document_pdf(d, "acceptance"))
    for item in ("人民调解受理登记表", "楼上漏水纠纷", "用水排水通行通风采光纠纷", "邻里纠纷", "当事人申请", "张三", "李四",
                 "甲一社区人民调解委员会"):
        assert item in acceptance, item
    assert ID_A1 not in acceptance and ID_A1[-4:] in acceptance
    rights = text_of(document_pdf(d, "rights"))
    assert "当事人权利义务告知书" in rights and "选择或者接受人民调解员" in rights and "如实陈述纠纷事实" in rights
    inquiry = text_of(document_pdf(d, "investigation"))
    assert "调查记录" in inquiry and "第 1 次调查" in inquiry and "物业维修工" in inquiry and "地面渗水" in inquiry
    joint = text_of(document_pdf(d, "consultation"))
    for item in ("联合会商记录", "第 1 次会商", "派出所民警李", "民转刑风险", "会商意见及分工", "司法所牵头调解", "甲街道综治中心"):
        assert item in joint, item
    sessions = text_of(document_pdf(d, "sessions"))
    assert "第 1 次调解" in sessions and "第 2 次调解" in sessions and "民警李" in sessions and "确认漏点" in sessions
    follow = text_of(document_pdf(d, "follow-up"))
    assert "回访记录" in follow and "已履行" in follow and "双方满意" in follow and "收条存卷" in follow
    closing = text_of(document_pdf(d, "closing"))
    assert "结案报告表" in closing and "调解成功" in closing and "书面协议" in closing and "当事人申请" in closing
    whole = file_pdf(d)
    text = text_of(whole)
    contents = text.index("卷内目录")
    assert text.index("人民调解卷宗") < contents
    assert "1. 人民调解受理登记表" in text and "8. 结案报告表" in text
    at = text.index("8. 结案报告表")
    for title in ("人民调解受理登记表", "人民调解当事人权利义务告知书", "调查记录", "联合会商记录", "人民调解记录", "人民调解协议书",
                  "人民调解回访记录", "人民调解结案报告表"):  # the documents after the contents, in this order
        at = text.index(title, at + 1)
    assert len(PdfReader(io.BytesIO(whole)).pages) >= 10  # cover, contents, and each document from a new page


def docx_text(data: bytes) -> tuple[str, object]:
    """The text of a Word file, paragraphs and table cells in the order they come, and the document."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = []
    for block in doc.element.body.iterchildren():
        if block.tag.endswith("}p"):
            parts.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif block.tag.endswith("}tbl"):
            parts.append("|".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
    return "\n".join(parts), doc


def test_the_same_documents_as_word_files(mw):
    from gridgov.core.errors import ApplicationError
    from gridgov.mediation.documents import render

    d = fresh(whole_story(mw))
    text, doc = docx_text(render(d, "agreement", "docx"))
    for item in ("人民调解协议书", f"调字第 {d.pk} 号", "当事人基本情况", "张三", "纠纷主要事实、争议事项及各方责任",
                 "协议内容、履行方式、期限", "12月10日前付清", "协议涉及金额:人民币 2000", "印章", "三十日内共同向人民法院申请司法确认"):
        assert item in text, item
    assert ID_A1 not in text and ID_A1[-4:] in text
    assert doc.core_properties.title == "人民调解协议书" and round(doc.sections[0].page_width.mm) == 210
    font = doc.styles["Normal"].element.rPr.rFonts
    assert font.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
    text, doc = docx_text(render(d, "acceptance", "docx"))
    [table] = doc.tables  # the 登记表 is a ruled two-column form
    assert table.cell(0, 0).text == "编号" and table.cell(1, 1).text == "楼上漏水纠纷"
    assert "李四" in table.cell(4, 1).text and table.style.name == "Table Grid"
    whole, doc = docx_text(render(d, "file", "docx"))
    at = whole.index("卷内目录")
    for title in ("人民调解受理登记表", "调查记录", "联合会商记录", "人民调解记录", "人民调解协议书", "人民调解回访记录",
                  "人民调解结案报告表"):
        at = whole.index(title, at + 1)
    breaks = doc.element.body.xpath(".//w:br[@w:type='page']")
    assert len(breaks) == 9  # after the cover, and before each of the eight documents
    for bad, code in (("closing", "document_not_available"), ("nonsense", "unknown_document")):
        with pytest.raises(ApplicationError) as refused:
            render(fresh(accepted(mw)), bad, "docx")
        assert refused.value.code == code
    with pytest.raises(ApplicationError) as refused:
        render(d, "agreement", "odt")
    assert refused.value.code == "unknown_format"


def test_a_joint_consultation_names_who_was_there_and_who_does_what(mw):
    from gridgov.core.errors import ApplicationError
    from gridgov.mediation.workflow import TABLE

    d = fresh(accepted(mw))
    for missing, code in (({"participants": " "}, "participants_required"), ({"decision": ""}, "decision_required"),
                          ({"note": ""}, "note_required")):
        args = {"participants": "司法所、派出所", "note": "研判", "decision": "分工", **missing}
        with pytest.raises(ApplicationError) as refused:
            m.dispute_consult(dispute=fresh(d), actor=mw.mediator, **args)
        assert refused.value.code == code
    assert not d.events.filter(action="consult").exists()
    m.dispute_consult(dispute=fresh(d), actor=mw.mediator, participants="司法所、派出所", note="研判", decision="分工")
    [row] = d.events.filter(action="consult")
    assert row.data == {"participants": "司法所、派出所", "place": "", "decision": "分工"} and row.actor == mw.mediator
    assert "consult" not in [t.action for t in TABLE.allowed(mw.handler_cg, fresh(d))]  # not a department handler
    agreed = m.dispute_agree(dispute=m.dispute_start(dispute=fresh(d), actor=mw.mediator), actor=mw.mediator,
                             kind="oral", content="互相谅解")
    assert "consult" not in [t.action for t in TABLE.allowed(mw.dispatcher, fresh(agreed))]  # only while it is open


def test_documents_only_once_the_dispute_has_them(mw):
    from gridgov.core.errors import ApplicationError

    d = fresh(accepted(mw))
    assert [name for name, _ in available(d)] == ["acceptance"]
    for name, code in (("agreement", "no_written_agreement"), ("closing", "document_not_available")):
        try:
            document_pdf(d, name)
        except ApplicationError as exc:
            assert exc.code == code
        else:
            raise AssertionError(name)
    oral = m.dispute_agree(dispute=mediating(mw), actor=mw.mediator, kind="oral", content="当面道歉,互不追究")
    names = [name for name, _ in available(fresh(oral))]
    assert "oral" in names and "agreement" not in names
    assert "口头调解协议登记表" in text_of(document_pdf(fresh(oral), "oral"))


def test_console_and_api_serve_the_file_to_those_who_may_see_it(mw, client):
    d = whole_story(mw)
    client.force_login(mw.mediator)
    page = client.get(f"/console/disputes/{d.pk}/").content.decode()
    assert f"/console/disputes/{d.pk}/documents/file.pdf" in page and "人民调解回访记录" not in page
    assert "回访记录" in page and "结案报告表" in page
    r = client.get(f"/console/disputes/{d.pk}/documents/file.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r["Cache-Control"] == "private, no-store"
    assert client.get(f"/console/disputes/{d.pk}/documents/nonsense.pdf").status_code == 404
    assert f"/console/disputes/{d.pk}/documents/agreement.docx" in page
    word = client.get(f"/console/disputes/{d.pk}/documents/agreement.docx")
    assert word.status_code == 200 and word["Content-Type"] == FORMATS["docx"][0]
    assert word["Content-Disposition"] == f'attachment; filename="dispute-{d.pk}-agreement.docx"'
    assert word["Cache-Control"] == "private, no-store" and "人民调解协议书" in docx_text(word.content)[0]
    api = client.get(f"/api/v1/disputes/{d.pk}/documents/file.docx")
    assert api.status_code == 200 and api["Content-Type"] == FORMATS["docx"][0] and api.content.startswith(b"PK")
    api = client.get(f"/api/v1/disputes/{d.pk}/documents/closing.pdf")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")
    early = accepted(mw)
    refused = client.get(f"/api/v1/disputes/{early.pk}/documents/closing.pdf")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "document_not_available"
    r = client.get(f"/console/disputes/{early.pk}/documents/closing.pdf", follow=True)
    assert "该纠纷尚无结案报告表" in r.content.decode()
    client.force_login(mw.w.user_b)  # 乙街道's center does not see 甲's disputes
    assert client.get(f"/api/v1/disputes/{d.pk}/documents/file.pdf").status_code == 404
    assert client.get(f"/console/disputes/{d.pk}/documents/file.pdf").status_code == 404


def test_materials_are_checked_kept_private_and_served_to_those_who_see_the_dispute(mw, client):
    from gridgov.core.errors import ApplicationError
    from gridgov.mediation.models import DisputeAttachment
    from tests.cases.conftest import jpeg, photo

    d = mediating(mw)
    for bad, code in (([("a.txt", b"not an image")], "photo_invalid"), ([], "photos_required")):
        try:
            m.dispute_attach(dispute=fresh(d), actor=mw.mediator, kind="evidence", photos=bad)
        except ApplicationError as exc:
            assert exc.code == code
        else:
            raise AssertionError(code)
    assert not DisputeAttachment.objects.exists() and not d.events.filter(action="attach").exists()
    client.force_login(mw.mediator)
    r = client.post(f"/console/disputes/{d.pk}/attach/", {"kind": "evidence", "note": "漏水照片",
                                                          "photos": [photo("1.jpg"), photo("2.jpg")]})
    assert r.status_code == 302
    [row] = d.events.filter(action="attach")
    assert row.data == {"kind": "evidence", "count": 2} and row.note == "漏水照片"
    first = DisputeAttachment.objects.filter(dispute=d).first()
    assert first.event_id == row.pk and first.content_type == "image/jpeg"
    page = client.get(f"/console/disputes/{d.pk}/").content.decode()
    assert f"/console/disputes/materials/{first.pk}/" in page
    got = client.get(f"/console/disputes/materials/{first.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == jpeg()
    assert "private" in got["Cache-Control"]
    api = client.post(f"/api/v1/disputes/{d.pk}/attach/", {"kind": "identity", "photos": [photo("id.jpg")]})
    assert api.status_code == 200, api.content
    assert [a["kind"] for a in api.json()["attachments"]] == ["evidence", "evidence", "identity"]
    url = api.json()["attachments"][0]["url"]
    assert client.get(url).status_code == 200
    client.force_login(mw.w.user_b)  # 乙街道: not its dispute — the same answer as for none
    assert client.get(url).status_code == 404
    assert client.get(f"/console/disputes/materials/{first.pk}/").status_code == 404


def test_a_red_dispute_asks_for_its_joint_consultation_until_one_is_recorded(mw, client):
    d = fresh(accepted(mw))
    client.force_login(mw.dispatcher)
    page = client.get(f"/console/disputes/{d.pk}/").content.decode()
    assert 'id="consultation-due"' not in page  # blue: led by the community, no 会商 asked for
    m.dispute_rerate(dispute=fresh(d), actor=mw.dispatcher, risk_level="red", reason="扬言报复,可能民转刑")
    page = client.get(f"/console/disputes/{d.pk}/").content.decode()
    assert 'id="consultation-due"' in page and "多部门联合会商" in page and "尚未记录联合会商" in page
    refused = client.post(f"/console/disputes/{d.pk}/consult/", {"participants": "", "note": "研判", "decision": "分工"})
    assert refused.status_code == 400 and "请填写参加单位及人员" in refused.content.decode()
    assert not d.events.filter(action="consult").exists()
    r = client.post(f"/console/disputes/{d.pk}/consult/", {"participants": "司法所、派出所、法庭", "place": "综治中心",
                                                           "note": "研判为民转刑风险", "decision": "派出所稳控,调委会调解"})
    assert r.status_code == 302
    page = client.get(f"/console/disputes/{d.pk}/").content.decode()
    assert 'id="consultation-due"' not in page and "会商意见及分工:派出所稳控,调委会调解" in page
    assert "/documents/consultation.pdf" in page and "/documents/consultation.docx" in page


def test_the_materials_are_in_the_file_as_pictures_without_their_exif(mw):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from gridgov.mediation.documents import render
    from gridgov.mediation.models import DisputeAttachment
    from tests.cases.conftest import photo

    d = whole_story(mw)
    png = io.BytesIO()
    Image.new("RGB", (40, 80), (0, 128, 0)).save(png, format="PNG")
    m.dispute_attach(dispute=fresh(d), actor=mw.mediator, kind="performance", note="收条",
                     photos=[photo("收条.jpg"), SimpleUploadedFile("汇款.png", png.getvalue(), content_type="image/png")])
    m.dispute_attach(dispute=fresh(d), actor=mw.dispatcher, kind="identity", photos=[photo("身份证.jpg")])
    d = fresh(d)
    assert [name for name, _ in available(d)][-1] == "materials"  # after the 结案报告表, as the 卷宗 ends
    text = text_of(document_pdf(d, "materials"))
    assert "卷内材料" in text and "1. 履行凭证" in text and "收条" in text and "3. 当事人身份证明" in text
    pdf = PdfReader(io.BytesIO(file_pdf(d)))
    pictures = [img for page in pdf.pages for img in page.images]
    assert len(pictures) == 3
    for picture in pictures:  # printed as a fresh JPEG: no camera, no GPS
        assert not picture.image.getexif()
    from docx import Document

    word = Document(io.BytesIO(render(d, "materials", "docx")))
    assert len(word.inline_shapes) == 3
    DisputeAttachment.objects.filter(kind="identity").first().file.delete(save=False)  # a file lost from storage
    assert "文件无法读取" in text_of(document_pdf(fresh(d), "materials"))
