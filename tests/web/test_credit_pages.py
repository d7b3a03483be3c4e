"""诚信红灰榜 in the console and on the phone: a grid worker registers by the resident's document number, the
community officer approves, the resident sees the list (grey names masked) and appeals, the officer hears it;
bad input is refused in Chinese and changes nothing."""

from __future__ import annotations

from gridgov.points.models import CreditRecord
from tests.cases.conftest import photo
from tests.conftest import ID_A1, ID_B1
from tests.points.conftest import pw  # noqa: F401 - the points world


def test_register_approve_publish_and_appeal(pw, client):  # noqa: F811
    cw = pw.cw
    client.force_login(cw.w.worker_a)
    desk = client.get("/console/points/").content.decode()
    assert "登记诚信记录" in desk
    form = {"id_number": ID_B1, "list": "grey", "reason": "illegal_building", "description": "楼顶违章搭建"}
    r = client.post("/console/points/credit/new/", form)
    assert r.status_code == 400 and "您管辖的网格中没有这位居民" in r.content.decode()  # 王五 lives in town B
    r = client.post("/console/points/credit/new/", {**form, "id_number": ID_A1})
    assert r.status_code == 400 and "列入灰榜须上传证据照片" in r.content.decode()
    r = client.post("/console/points/credit/new/", {**form, "id_number": ID_A1, "reason": "brave", "photos": photo()})
    assert r.status_code == 400 and "该事由不属于灰榜" in r.content.decode()
    assert not CreditRecord.objects.exists()
    r = client.post("/console/points/credit/new/", {**form, "id_number": ID_A1, "photos": photo()})
    assert r.status_code == 302
    record = CreditRecord.objects.get()

    client.force_login(pw.officer)
    desk = client.get("/console/points/").content.decode()
    assert "张三" in desk and "审核" in desk
    page = client.get(f"/console/points/credit/{record.pk}/").content.decode()
    assert f"/console/points/credit/photos/{record.photos.get().pk}/" in page and "审核通过(公示)" in page
    assert client.get(f"/console/points/credit/photos/{record.photos.get().pk}/").status_code == 200
    assert client.post(f"/console/points/credit/{record.pk}/approve/", {"note": "属实"}).status_code == 302

    client.force_login(cw.w.resident_user)
    page = client.get("/m/points/credit/").content.decode()
    assert "张*" in page and "违章搭建拒不整改" in page and "提出申诉" in page
    r = client.post("/m/points/credit/", {"record": str(record.pk), "reason": ""})
    assert r.status_code == 400 and "请填写申诉理由" in r.content.decode()
    r = client.post("/m/points/credit/", {"record": str(record.pk), "reason": "已于上周拆除,请核实"})
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.state == "appealed"
    assert client.get(f"/console/points/credit/photos/{record.photos.get().pk}/").status_code == 302  # not staff

    client.force_login(pw.officer)
    assert "处理申诉" in client.get("/console/points/").content.decode()
    r = client.post(f"/console/points/credit/{record.pk}/remove/", {"reason": "经现场核实已拆除"})
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.state == "removed"


def test_others_see_nothing(pw, client):  # noqa: F811
    from gridgov.points.credit import credit_propose

    record = credit_propose(actor=pw.cw.w.worker_a, resident=pw.cw.w.res_a1, list_="red", reason="brave",
                            description="救起落水儿童")
    client.force_login(pw.cw.w.user_b)
    assert client.get(f"/console/points/credit/{record.pk}/").status_code == 404
    assert client.post(f"/console/points/credit/{record.pk}/approve/", {}).status_code == 404
    client.force_login(pw.volunteer)
    assert "救起落水儿童" not in client.get("/m/points/credit/").content.decode()  # not yet approved
    record.refresh_from_db()
    assert record.state == "proposed"
