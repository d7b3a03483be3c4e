"""协商议事 pages: the console list, 提出议题, a topic's page with the committee's steps and forms; the phone pages
where residents propose, support, vote and rate. Refusals are shown in Chinese and change nothing."""

from __future__ import annotations

import datetime as dt

from gridgov.core.timeutil import local, now
from gridgov.deliberation.models import Ballot, Meeting, Topic
from tests.deliberation.conftest import dw  # noqa: F401


def test_the_committee_runs_a_topic_in_the_console(dw, client):  # noqa: F811
    client.force_login(dw.chief)
    assert "协商议事" in client.get("/console/topics/").content.decode()
    r = client.post("/console/topics/new/", {"title": "短", "body": "太短", "scale": "minor",
                                             "region": dw.w.comm_a.pk, "vote_unit": "household"})
    assert r.status_code == 400 and Topic.objects.count() == 0 and "议题名称须为" in r.content.decode()
    r = client.post("/console/topics/new/", {"title": "2号楼外墙修缮", "body": "2号楼外墙瓷砖脱落,拟使用维修资金修缮。",
                                             "scale": "minor", "region": dw.w.comm_a.pk, "buildings": [dw.b2.pk],
                                             "vote_unit": "household"})
    topic = Topic.objects.get()
    assert r.status_code == 302 and topic.state == "review"
    url = f"/console/topics/{topic.pk}/"
    page = client.get(url).content.decode()
    assert "审核通过" in page and "不予受理" in page and "幸福里2号楼" in page
    assert client.post(f"{url}accept/", {"note": "同意"}).status_code == 302
    r = client.post(url, {"step": "meeting", "kind": "doorstep", "starts_at": "2030-05-01T19:00",
                          "place": "2号楼门前", "agenda": "修缮方案和费用"})
    assert r.status_code == 302 and Meeting.objects.filter(topic=topic).count() == 1
    r = client.post(f"{url}open_vote/", {"decision": ""})  # nothing to vote on yet
    assert r.status_code == 400 and "请先写明拟表决的决议内容" in r.content.decode()
    assert Topic.objects.get(pk=topic.pk).state == "discussion"
    client.post(url, {"step": "decision", "decision": "同意使用维修资金修缮2号楼外墙"})
    assert client.post(f"{url}open_vote/", {}).status_code == 302
    page = client.get(url).content.decode()
    assert "录入选票" in page and "幸福里2号楼1单元101室(居民11户)" in page
    r = client.post(url, {"step": "ballot", "resident": dw.residents[4].pk, "choice": "yes", "channel": "proxy",
                          "proxy_name": ""})
    assert r.status_code == 400 and "委托投票须填写受托人姓名" in r.content.decode() and Ballot.objects.count() == 0
    client.post(url, {"step": "ballot", "resident": dw.residents[4].pk, "choice": "yes", "channel": "paper"})
    client.post(url, {"step": "ballot", "resident": dw.residents[5].pk, "choice": "yes", "channel": "paper"})
    assert client.post(f"{url}count/", {}).status_code == 302
    page = client.get(url).content.decode()
    assert "通过" in page and "投票率 100.0%" in page and "登记节点" in page


def test_residents_propose_support_vote_and_rate_on_the_phone(dw, client):  # noqa: F811
    client.force_login(dw.users[0])
    assert "我要提议题" in client.get("/m/topics/").content.decode()
    r = client.post("/m/topics/new/", {"title": "增设充电桩", "body": "1号楼前空地增设电动车充电桩,杜绝飞线充电。",
                                       "scale": "minor", "whole": "building"})
    topic = Topic.objects.get()
    assert r.status_code == 302 and list(topic.buildings.all()) == [dw.b1] and topic.state == "proposed"
    page = client.get(f"/m/topics/{topic.pk}/").content.decode()
    assert "附议 <b>0</b> / 3" in page and "我附议" not in page  # not one's own
    for u in dw.users[1:4]:
        client.force_login(u)
        client.post(f"/m/topics/{topic.pk}/", {"do": "support"})
    topic.refresh_from_db()
    assert topic.state == "review" and topic.supporters_count == 3
    topic = _to_vote(dw, topic)
    client.force_login(dw.users[1])
    page = client.get(f"/m/topics/{topic.pk}/").content.decode()
    assert "一户一票" in page and 'value="yes"' in page
    client.post(f"/m/topics/{topic.pk}/", {"do": "vote", "choice": "yes"})
    page = client.get(f"/m/topics/{topic.pk}/").content.decode()
    assert "本户已投票(线上投票)" in page and 'name="choice"' not in page
    client.force_login(dw.users[4])  # 2号楼: not among this topic's voters
    r = client.post(f"/m/topics/{topic.pk}/", {"do": "vote", "choice": "yes"}, follow=True)
    assert "该住户不在本议题的表决范围内" in r.content.decode() and Ballot.objects.count() == 1
    client.force_login(dw.outsider.user)
    assert client.get(f"/m/topics/{topic.pk}/").status_code == 404


def _to_vote(dw, topic):  # noqa: F811
    from gridgov.deliberation import services

    topic = services.topic_act(actor=dw.chief, topic=topic, action="accept")
    return services.topic_act(actor=dw.chief, topic=topic, action="open_vote",
                              values={"decision": "同意增设充电桩", "vote_until": local(now() + dt.timedelta(days=2)).date()})
