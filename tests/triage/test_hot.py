"""热点问题 from a file of board messages: clustered by place, words and time; heat = messages + users + likes."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.triage.test_classifier import DATA, needs_data, once

ROWS = """id,user,title,time,text,dislikes,likes
1,u1,A3区某小区门口垃圾无人清理,2019/3/1 10:00:00,A市A3区某小区门口垃圾堆积多日无人清理,0,5
2,u2,A3区某小区门口垃圾堆积,2019/3/2 10:00:00,A3区某小区门口垃圾堆积好多天了无人清理,0,3
3,u3,A3区某小区门口垃圾,2019/3/3 10:00:00,某小区门口垃圾无人清理 A3区,0,0
4,u4,A5区路灯不亮,2019/3/3 11:00:00,A5区某路路灯不亮,0,50
5,u5,A3区某小区门口垃圾无人清理,2019/6/1 10:00:00,A3区某小区门口垃圾又堆积了无人清理,0,0
"""


def test_hot_topics_from_a_file(tmp_path):
    path = tmp_path / "hot.csv"
    path.write_text(ROWS, encoding="utf-8")
    out = io.StringIO()
    call_command("triage", "hot", "--data", str(path), "--top", "3", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(" 1. heat=14 messages=3 users=3 likes=8 place=A3区 2019-03-01–2019-03-03")
    # its messages (June's is outside the 30-day window; the lamp is alone)
    assert [line.split()[0] for line in lines[1:4]] == ["1", "2", "3"] and "赞5" in lines[1]
    assert lines[-1] == "hot_topics=1 messages=5"


def test_bad_files_are_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,user,title,time,text,likes\n1,u,标题,昨天,内容,0\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.csv:2: unreadable time"):
        call_command("triage", "hot", "--data", str(bad))
    with pytest.raises(CommandError, match="--top and --days"):
        call_command("triage", "hot", "--data", str(bad), "--top", "0")


@once
@needs_data
def test_the_boards_hot_topics():
    out = io.StringIO()
    call_command("triage", "hot", "--data", str(DATA / "hot_messages.csv"), "--top", "5", stdout=out)
    text = out.getvalue()
    for topic in ("58车贷", "五矿万境", "绿地海外滩", "丽发新城", "月亮岛路"):  # the five hottest on the board
        assert topic in text


def test_reply_times_by_class(tmp_path):
    path = tmp_path / "replies.csv"
    path.write_text("id,user,title,time,text,reply,reply_time\n"
                    "1,u,社保断缴怎么办,2019/3/1 10:00:00,单位没给交社保,已转人社局,2019/3/2 10:00:00\n"
                    "2,u,养老保险补缴,2019/3/1 10:00:00,养老保险如何补缴,答复,2019/3/11 10:00:00\n"
                    "3,u,学区划片,2019/3/1 10:00:00,孩子上学划片不合理,答复,2019/4/5\n", encoding="utf-8")
    out = io.StringIO()
    call_command("triage", "replies", "--data", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "replies=3 p50_hours=240.0 p90_hours=712.0"
    assert lines[1].split()[:2] == ["全部", "3"] and lines[2].split()[:2] == ["劳动和社会保障", "2"]
    bad = tmp_path / "bad.csv"
    bad.write_text("id,time,reply_time\n1,2019/3/2 10:00:00,2019/3/1 10:00:00\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.csv:2: answered before it was asked"):
        call_command("triage", "replies", "--data", str(bad), "--no-classes")
