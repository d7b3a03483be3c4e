"""关爱走访 earns: a verified volunteer paired with a care target earns the care-visit item for each visit recorded
in 关爱看望 (not for a daily look), once per visit, within the cap shared with the claimed 探访独居、空巢老人."""

import datetime as dt

import time_machine

from gridgov.care.services import check_in, pairing_set
from gridgov.core.timeutil import now
from gridgov.points import ledger
from gridgov.points.models import PointsEvent, Transfer
from gridgov.points.sweeper import sweep_points
from tests.care.conftest import care  # noqa: F401 - the care world
from tests.emergency.conftest import ew  # noqa: F401


def balance(user) -> int:
    return ledger.member_account(user).balance


def test_a_volunteers_care_visits_earn_within_the_shared_cap(pw, care):  # noqa: F811
    pairing_set(actor=care.worker, plan=care.plan, user=pw.volunteer, role="volunteer")
    check_in(actor=pw.volunteer, plan=care.plan, kind="look", result="ok")
    sweep_points()
    assert balance(pw.volunteer) == 0  # a look is not a visit
    v1 = check_in(actor=pw.volunteer, plan=care.plan, kind="visit", result="ok", note="陪老人聊天,打扫卫生")
    sweep_points()
    sweep_points()
    assert balance(pw.volunteer) == 5
    assert Transfer.objects.get(source_key=f"care_visit:{v1.pk}").item.key == "care_visit"
    check_in(actor=pw.volunteer, plan=care.plan, kind="visit", result="ok")
    check_in(actor=pw.volunteer, plan=care.plan, kind="visit", result="ok")  # a third visit the same day
    sweep_points()
    assert balance(pw.volunteer) == 10  # daily cap 2
    assert PointsEvent.objects.filter(action="award_withheld", data__item="care_visit").count() == 1
    # the neighbour is no volunteer: visits earn nothing
    check_in(actor=care.neighbour, plan=care.plan, kind="visit", result="ok")
    sweep_points()
    assert not Transfer.objects.filter(destination__user=care.neighbour).exists()


def test_a_visit_recorded_while_the_sweep_was_down_still_earns(pw, care):  # noqa: F811
    pairing_set(actor=care.worker, plan=care.plan, user=pw.volunteer, role="volunteer")
    check_in(actor=pw.volunteer, plan=care.plan, kind="visit", result="ok")
    with time_machine.travel(now() + dt.timedelta(hours=30), tick=False):
        sweep_points()
    assert balance(pw.volunteer) == 5
