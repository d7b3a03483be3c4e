"""The department classifier: it ships and suggests from the first report; train writes a new version whose
cross-validated macro-F1 on the real messages is in the expected band; evaluate prints per-class figures and
`macro_f1=… n=…` last; bad input is refused clearly."""

import csv
import io
import os
import statistics

import pytest
from django.core.management import CommandError, call_command

from gridgov.triage import classifier
from gridgov.triage.suggest import suggest

DATA = classifier.Path(__file__).resolve().parents[3] / "shared" / "datasets" / "tipdm2020"
needs_data = pytest.mark.skipif(not (DATA / "messages_labeled.csv").exists(), reason="dataset not present")
# Tests that touch no database run once, in the SQLite pass of the suite (training takes tens of seconds).
once = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                          reason="no database involved: run in the SQLite pass only")


def test_the_shipped_model_suggests_with_a_calibrated_confidence():
    s = classifier.predict("孩子上学难,学区划片不合理", "小区划入的学校太远,义务教育阶段学位紧张,希望教育局调整划片")
    assert s.label == "教育文体" and 0.5 < s.confidence <= 1 and s.version == "department-v2"
    s = classifier.predict("公司拖欠工资半年", "我们农民工在工地干了半年,老板一直拖欠工资,劳动仲裁也没结果,社保也没交")
    assert s.label == "劳动和社会保障"
    assert suggest("", "  ") is None


def test_a_broken_model_never_stops_intake(settings, tmp_path):
    settings.TRIAGE_MODEL = str(tmp_path / "missing.joblib")
    assert suggest("路灯不亮", "小区门口路灯坏了") is None


@once
@needs_data
def test_evaluate_prints_per_class_figures_and_the_macro_f1_last(tmp_path):
    rows = classifier.read_rows(DATA)[::9]  # a sample the shipped model was trained on: near perfect
    path = tmp_path / "sample.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "text", "label"])
        for r in rows:
            w.writerow([r.id, r.title, r.text, r.label])
    out = io.StringIO()
    call_command("triage", "evaluate", "--data", str(path), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1].startswith("macro_f1=") and lines[-1].endswith(f" n={len(rows)}")
    assert float(lines[-1].split()[0].split("=")[1]) > 0.95
    assert any(line.startswith("教育文体") for line in lines)


@once
@needs_data
def test_training_cross_validates_and_writes_the_next_version(tmp_path):
    rows = classifier.read_rows(DATA)
    scores = classifier.cross_validate(rows, folds=3)
    assert 0.78 < statistics.mean(scores) < 0.95  # 5 folds: 0.878 ± 0.016 shipped (classifier.CHOICE)
    out = io.StringIO()
    call_command("triage", "train", "--data", str(DATA), "--out", str(tmp_path), "--no-cv", stdout=out)
    call_command("triage", "train", "--data", str(DATA), "--out", str(tmp_path), "--no-cv", stdout=out)
    assert (tmp_path / "department-v2.joblib").exists() and (tmp_path / "department-v2.json").exists()
    s = classifier.predict("高速收费站排长队", "节假日收费站拥堵严重", path=tmp_path / "department-v2.joblib")
    assert s.version == "department-v2" and s.label == "交通运输"


def test_bad_input_is_refused_clearly(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,label\n1,路灯,城乡建设\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns text"):
        call_command("triage", "evaluate", "--data", str(bad))
    empty_label = tmp_path / "empty.csv"
    empty_label.write_text("id,title,text,label\n1,路灯,不亮,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="empty.csv:2"):
        call_command("triage", "evaluate", "--data", str(empty_label))
    good = tmp_path / "good.csv"
    good.write_text("id,title,text,label\n1,路灯,不亮,城乡建设\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no such model"):
        call_command("triage", "evaluate", "--data", str(good), "--model", str(tmp_path / "nope.joblib"))


def test_the_fast_path_gives_what_the_pipeline_gives():
    import numpy as np

    model, _meta = classifier.load()
    for title, body in [("路灯不亮", "小区门口路灯坏了一个月"), ("", "医保报销比例太低,看病贵"), ("景区门票", "")]:
        message = classifier.text.message(title, body)
        assert np.allclose(classifier.probabilities(model, message), model.predict_proba([message])[0])


@once
def test_training_on_a_small_sample_is_deterministic(tmp_path):
    rows = [classifier.Row(str(i), t, b, label) for i, (t, b, label) in enumerate([
        ("社保断缴", "单位不给交社保", "劳动和社会保障"), ("拖欠工资", "老板拖欠工资三个月", "劳动和社会保障"),
        ("养老金调整", "退休金什么时候调整", "劳动和社会保障"), ("失业保险", "失业保险金怎么领", "劳动和社会保障"),
        ("公交线路", "公交车班次太少", "交通运输"), ("道路堵塞", "路口天天堵车", "交通运输"),
        ("出租车拒载", "出租车经常拒载", "交通运输"), ("高速收费", "收费站排长队", "交通运输"),
        ("违章搭建", "楼顶违章搭建", "城乡建设"), ("物业不作为", "小区物业不管事", "城乡建设"),
        ("拆迁补偿", "拆迁补偿太低", "城乡建设"), ("房产证", "交房多年办不了房产证", "城乡建设"),
    ] * 5)]
    a, _ = classifier.train(rows, tmp_path / "a", cv=False)
    b, _ = classifier.train(rows, tmp_path / "b", cv=False)
    message = classifier.text.message("公司不交社保", "单位一直没有给我们交社保")
    pa = classifier.load(a)[0].predict_proba([message])[0]
    pb = classifier.load(b)[0].predict_proba([message])[0]
    assert (pa == pb).all()


def test_a_blocked_road_goes_to_transport_or_urban_construction():
    s = classifier.predict("道路被占堵死", "小区门口的道路被施工围挡堵死了,车辆无法通行")
    assert s.label in ("交通运输", "城乡建设")
