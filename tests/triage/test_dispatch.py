"""The classifier's class in dispatch: a case no rule routes and whose category's department type has no unit
serving the place is suggested the closest unit of the type its class stands for; a dispatcher who sends it elsewhere is recorded as a correction; dispatched cases
export as training rows labelled by the lead unit's class."""

import csv
import io

from django.core.management import call_command

from gridgov.cases import services as s
from gridgov.cases.models import Case, TriageClass, TriageCorrection
from gridgov.cases.routing import suggest_unit
from tests.cases.conftest import cw, report  # noqa: F401


def _uncategorised(cw, text, label):  # noqa: F811
    case = report(cw, category=None, description=text, photos=[])
    Case.objects.filter(pk=case.pk).update(suggested_class=label, suggested_confidence=0.8,
                                           suggested_by="department-v2")
    # 政策咨询 belongs to 民政, and no 民政 unit serves this place in the test world
    return s.case_accept(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, category="2403")


def test_the_suggested_class_routes_an_uncategorised_case(cw):  # noqa: F811
    case = _uncategorised(cw, "楼上违章搭建阳光房", "城乡建设")
    assert TriageClass.objects.get(label="城乡建设").department_type == "housing"
    assert suggest_unit(case) == cw.zj  # 区住建局
    s.case_dispatch(case=case, actor=cw.dispatcher)  # as suggested: no correction
    assert not TriageCorrection.objects.exists()


def test_a_dispatch_elsewhere_is_recorded_and_exported_for_retraining(cw, tmp_path):  # noqa: F811
    TriageClass.objects.filter(label="环境保护").update(department_type="urban_management")  # the district's choice
    case = _uncategorised(cw, "路边烧烤油烟很大", "城乡建设")
    s.case_dispatch(case=case, actor=cw.dispatcher, unit=cw.cg)  # 城管 (环境保护 here)
    c = TriageCorrection.objects.get()
    assert (c.suggested_class, c.chosen_class, c.unit, c.actor) == ("城乡建设", "环境保护", cw.cg, cw.dispatcher)
    out = tmp_path / "rows.csv"
    call_command("triage_export", "--out", str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["id"], r["label"]) for r in rows] == [(str(case.pk), "环境保护")]
    assert rows[0]["text"] == "路边烧烤油烟很大"


def test_above_its_class_threshold_an_accepted_case_is_dispatched_at_once(cw):  # noqa: F811
    TriageClass.objects.filter(label="城乡建设").update(auto_dispatch_at=0.9)
    unsure = _uncategorised(cw, "楼上违章搭建阳光房", "城乡建设")  # 0.8: below the class's threshold
    assert unsure.state == "accepted"
    case = report(cw, category=None, description="小区楼顶违章加盖两层", photos=[])
    Case.objects.filter(pk=case.pk).update(suggested_class="城乡建设", suggested_confidence=0.95,
                                           suggested_by="department-v2")
    case = s.case_accept(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, category="2403")
    assert case.state == "dispatched" and case.assignments.get().unit == cw.zj
    note = case.events.filter(action="dispatch").values_list("note", flat=True).get()
    assert note == "智能分拨自动派遣:「城乡建设」置信度 0.95 ≥ 0.90"
    assert not TriageCorrection.objects.exists()
