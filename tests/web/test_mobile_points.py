"""积分 on the phone: registering as a volunteer, claiming with a photo, the shop (redeem, cancel), the history;
errors in Chinese on the page, nothing changed."""

from __future__ import annotations

from gridgov.core.timeutil import local_today
from gridgov.points.models import Claim, Redemption, Volunteer
from gridgov.points.services import claim_act
from tests.cases.conftest import photo
from tests.conftest import make_user
from tests.points.conftest import pw  # noqa: F401 - the points world


def test_register_claim_and_redeem_on_the_phone(pw, client):  # noqa: F811
    cw = pw.cw
    user = make_user("courier_m")
    client.force_login(user)
    page = client.get("/m/points/").content.decode()
    assert "成为流动网格员" in page and "甲一社区" in page and "0</span> 分可用" in page
    r = client.post("/m/points/", {"kind": "courier", "community": "999999", "employer": ""})
    assert r.status_code == 400 and "选择一个有效的选项" in r.content.decode() and not Volunteer.objects.filter(
        user=user).exists()
    r = client.post("/m/points/", {"kind": "courier", "community": str(cw.w.comm_a.pk), "employer": "某快递"})
    assert r.status_code == 302
    assert "社区正在审核您的申请" in client.get("/m/points/").content.decode()
    from gridgov.points.services import volunteer_act

    volunteer_act(actor=pw.officer, volunteer=user.volunteer, action="verify")

    r = client.post("/m/points/claim/", {"item": "patrol", "happened_on": local_today().isoformat(),
                                         "note": "夜间巡逻"})
    assert r.status_code == 400 and "须上传佐证照片" in r.content.decode() and not Claim.objects.exists()
    r = client.post("/m/points/claim/", {"item": "patrol", "happened_on": local_today().isoformat(),
                                         "note": "夜间巡逻两小时", "photos": photo()})
    assert r.status_code == 302
    claim = Claim.objects.get()
    assert "待审核" in client.get("/m/points/claim/").content.decode()
    claim_act(actor=pw.officer, claim=claim, action="approve")
    claim2 = client.post("/m/points/claim/", {"item": "flood_duty", "happened_on": local_today().isoformat(),
                                              "note": "防汛值守", "photos": photo()})
    assert claim2.status_code == 302
    claim_act(actor=pw.officer, claim=Claim.objects.latest("id"), action="approve")

    shop = client.get("/m/points/shop/").content.decode()
    assert "25</span> 分可用" in shop and "洗衣液" in shop and "保温杯" in shop
    r = client.post("/m/points/shop/", {"reward": str(pw.mug.pk)})
    assert r.status_code == 400 and "积分不足" in r.content.decode() and not Redemption.objects.exists()
    r = client.post("/m/points/shop/", {"reward": str(pw.soap.pk)})
    assert r.status_code == 302
    red = Redemption.objects.get()
    shop = client.get("/m/points/shop/").content.decode()
    assert f"兑换码 {red.code}" in shop and "甲一社区爱心驿站" in shop
    r = client.post("/m/points/shop/", {"cancel": str(red.pk)})
    assert r.status_code == 302
    red.refresh_from_db()
    assert red.state == "cancelled"
    home = client.get("/m/points/").content.decode()
    assert "+10" in home and "-20" in home and "兑换退还" in home


def test_someone_elses_redemption_cannot_be_cancelled(pw, client):  # noqa: F811
    from gridgov.points import ledger
    from gridgov.points.services import give, redeem

    account = ledger.member_account(pw.volunteer, lock=True)
    from gridgov.core.timeutil import now

    give(account, pw.item("clue"), at=now(), day=local_today(), source_key="t:1")
    r = redeem(actor=pw.volunteer, reward_id=pw.soap.pk)
    client.force_login(pw.cw.w.resident_user)
    resp = client.post("/m/points/shop/", {"cancel": str(r.pk)})
    assert resp.status_code == 400 and "不在您的管辖范围内" in resp.content.decode()
    r.refresh_from_db()
    assert r.state == "reserved"


def test_patrol_check_in_on_the_phone(pw, client):  # noqa: F811
    from gridgov.cases.models import PatrolCheckin

    client.force_login(pw.volunteer)
    page = client.get("/m/points/").content.decode()
    assert "巡逻打卡" in page and "今日已打卡 0 次" in page
    r = client.post("/m/points/", {"step": "patrol", "lon": "", "lat": ""}, follow=True)
    assert "打卡需要定位" in r.content.decode() and not PatrolCheckin.objects.exists()
    r = client.post("/m/points/", {"step": "patrol", "lon": "120.005", "lat": "30.01"}, follow=True)
    assert "已打卡" in r.content.decode() and "今日已打卡 1 次" in r.content.decode()
    assert PatrolCheckin.objects.get().user == pw.volunteer
    client.force_login(pw.cw.w.resident_user)  # not a volunteer: no patrol card
    assert "巡逻打卡" not in client.get("/m/points/").content.decode()
