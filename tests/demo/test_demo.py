"""The demo district: grids tile their communities without gaps or overlaps, numbers are valid, logins work,
and a second run changes nothing."""

import pytest
from django.core.management import call_command
from shapely.ops import unary_union

from gridgov.accounts.models import User
from gridgov.core.identity import parse_id_document
from gridgov.core.pii import get_pii
from gridgov.demo.builder import DEMO_PASSWORD, build_demo
from gridgov.orgs.models import OrgUnit, UnitKind
from gridgov.people.models import Resident
from gridgov.regions.geometry import area_m2, parse_polygon
from gridgov.regions.locator import get_locator
from gridgov.regions.models import Level, Region


@pytest.mark.django_db
def test_demo_district(client):
    result = build_demo(seed=1, history_days=10, cases_per_day=20)
    assert result.created
    c = result.counts
    assert c["communities"] == 20 and 120 <= c["grids"] <= 130
    assert c["households"] >= 2000 and c["residents"] >= 3000
    assert Region.objects.filter(level=Level.TOWN).count() == 4

    for community in Region.objects.filter(level=Level.COMMUNITY):
        grids = [parse_polygon(g.geometry) for g in Region.objects.filter(parent=community, level=Level.GRID)]
        shape = parse_polygon(community.geometry)
        union = unary_union(grids)
        assert area_m2(shape.symmetric_difference(union)) < 1.0, community.name  # no gaps, nothing outside
        assert abs(sum(area_m2(g) for g in grids) - area_m2(union)) < 1.0, community.name  # no overlaps
    special = Region.objects.filter(grid_kind="special")
    assert special.count() == 4 and all(s.special_kind for s in special)

    # every building lies in its grid
    loc = get_locator()
    for r in Resident.objects.select_related("household__building", "grid")[:300]:
        b = r.household.building
        assert loc.locate(b.lon, b.lat).grid.code == r.grid.code
    for r in Resident.objects.all()[:200]:
        parse_id_document(r.id_type, get_pii(r, "id_number"))
    overseas = Resident.objects.filter(residence_type="overseas")
    assert overseas.exists() and not overseas.filter(id_type="resident_id").exists()
    assert OrgUnit.objects.filter(kind=UnitKind.GOVERNANCE_CENTER).count() == 25
    assert OrgUnit.objects.filter(kind=UnitKind.EMERGENCY_UNIT, lon__isnull=False).count() == 20

    usernames = {x.username for x in result.logins}
    assert {"admin", "district", "town", "community", "gridworker", "handler", "mediator", "resident"} <= usernames
    assert client.login(username="gridworker", password=DEMO_PASSWORD)
    assert client.get("/admin/people/resident/").status_code == 200
    assert Resident.objects.filter(user__username="resident").exists()

    # the case history went through the real services: timelines, lights, KPIs
    from gridgov.analytics.selectors import kpis
    from gridgov.cases.models import Case, CaseEvent
    from gridgov.core.timeutil import local, now

    assert result.counts["cases"] >= 100
    states = set(Case.objects.values_list("state", flat=True))
    assert {"reported", "handling", "closed", "rejected"} <= states and len(states) >= 6
    closed = Case.objects.filter(state="closed", category__is_safety=False).first()
    actions = list(CaseEvent.objects.filter(case=closed).values_list("action", flat=True))
    assert actions[:4] == ["report", "accept", "dispatch", "acknowledge"] and "verify_pass" in actions
    assert Case.objects.exclude(light="none").exists()
    import datetime as dt

    [row] = kpis(actor=User.objects.get(username="district"), start=now() - dt.timedelta(days=11), end=now())
    # the history's cases and those care made (a missed look, a device alarm)
    from gridgov.supervision.models import Result as InspectionResult

    window = InspectionResult.objects.filter(case__created_at__gte=now() - dt.timedelta(days=11)).count()
    # … and the rectification cases of the inspections (监督考核) in the window
    assert row["received"] == result.counts["cases"] + result.counts["care_cases"] + window and row["closed"] > 0
    assert result.counts["care_cases"] >= 1 and result.counts["care_plans"] >= 5
    # the staff's messages came when the history happened, and all but the last day's have been read
    from gridgov.notify.models import Message

    inbox = Message.objects.filter(channel="console", recipient__isnull=False)
    assert inbox.filter(created_at__lt=now() - dt.timedelta(days=5)).exists()
    assert not inbox.filter(created_at__lt=now() - dt.timedelta(days=1), read_at__isnull=True).exists()
    assert not inbox.filter(created_at__lt=now() - dt.timedelta(days=1), status="pending").exists()  # no backlog
    assert inbox.filter(read_at__isnull=True).exists()

    # a year of disputes through the mediation services: colours, sources, outcomes, linked cases
    from gridgov.mediation.models import Dispute, DisputeEvent

    assert result.counts["disputes"] >= 150
    assert {"closed", "agreed", "failed", "handed_over"} <= set(Dispute.objects.values_list("state", flat=True))
    assert set(Dispute.objects.values_list("risk_level__code", flat=True)) == {"blue", "yellow", "red"}
    assert {"police", "court", "application"} <= set(Dispute.objects.values_list("source", flat=True))
    assert Dispute.objects.filter(created_at__lt=now() - dt.timedelta(days=300)).exists()
    assert DisputeEvent.objects.filter(action="rerate").exists() and DisputeEvent.objects.filter(action="follow_up").exists()
    assert Dispute.objects.filter(prevented_crime=True).exists()
    assert DisputeEvent.objects.filter(action="consult", dispute__risk_level__code="red").exists()  # 联合会商
    window = Dispute.objects.filter(window=True)  # 一窗受理: passed between offices, some still with one
    assert window.filter(state="closed").exists() and window.exclude(station="").filter(state="registered").exists()
    assert DisputeEvent.objects.filter(action="relay").count() >= window.count()
    from gridgov.mediation.models import CommitteeProfile, MediatorProfile

    assert CommitteeProfile.objects.filter(room="婚姻家庭调解室").exists() and MediatorProfile.objects.exists()
    [row] = kpis(actor=User.objects.get(username="district"), start=now() - dt.timedelta(days=365), end=now())
    assert row["disputes_accepted"] > 100 and 0.5 < row["resolution_rate"] < 1
    # two months of volunteer points: approved claims, rewards picked up, work waiting for the community officer
    from gridgov.points.ledger import problems
    from gridgov.points.models import Account, Claim, Redemption, Volunteer

    assert result.counts["volunteers"] >= 12 and result.counts["point_claims_approved"] > 50
    assert result.counts["patrols"] >= 10  # the volunteer's evening patrols, awarded by the sweep
    assert Account.objects.get(user__username="volunteer").earned_total > 0
    assert Redemption.objects.filter(state="picked_up").exists() and Redemption.objects.filter(state="reserved").exists()
    assert Claim.objects.filter(state="submitted").exists() and Volunteer.objects.filter(state="applied").exists()
    assert problems() == []
    from gridgov.points.credit import published_lists
    from gridgov.points.models import CreditRecord

    community = Volunteer.objects.get(user__username="volunteer").community
    lists = published_lists(community)
    assert len(lists["red"]) >= 3 and len(lists["grey"]) >= 2 and all("*" in r["name"] for r in lists["grey"])
    assert CreditRecord.objects.filter(state="proposed").exists()
    from gridgov.points.models import TaskTake

    assert result.counts["volunteer_tasks"] == 3
    assert TaskTake.objects.filter(state="confirmed", award__isnull=False).count() == 3
    assert TaskTake.objects.filter(state="done").count() == 1  # waiting for `community`

    # 协商议事: topics at every step, through the services
    from gridgov.deliberation import selectors as delib
    from gridgov.deliberation.models import Ballot, Topic

    assert result.counts["topics"] == 6
    states = dict(Topic.objects.values_list("title", "state"))
    assert states == {"楼道堆物集中清理": "closed", "小区增设电动自行车充电桩": "implementing", "地下车库渗水抢修": "voting",
                      "老旧小区加装电梯": "discussion", "小区公共收益使用": "referred", "广场舞噪音时段约定": "proposed"}
    me = User.objects.get(username="resident")
    urgent, dance = Topic.objects.get(state="voting"), Topic.objects.get(state="proposed")
    assert delib.my_part(me, urgent)["can_vote"] and delib.my_part(me, dance)["can_support"]
    assert Ballot.objects.filter(channel="paper").exists() and Topic.objects.get(state="implementing").result["passed"]
    assert delib.satisfaction(Topic.objects.get(state="closed"))["total"] >= 10

    # 掌上社区: the resident reads, asks and books
    from gridgov.portal import access as portal_access
    from gridgov.portal.models import Appointment, Conversation

    assert portal_access.published_for(me).count() == 6  # 和平社区's five and 青禾街道's policy
    assert set(Conversation.objects.filter(resident=me).values_list("state", flat=True)) == {"answered", "waiting"}
    assert Appointment.objects.filter(user=me, state="booked").count() == 1

    # 监督考核: two months of inspections, scores from their evidence, today's waiting for the grid worker
    from gridgov.supervision import score as supervision_score
    from gridgov.supervision.models import Compound, Inspection

    assert result.counts["compounds"] >= 3 and result.counts["inspections"] >= 6
    assert Inspection.objects.filter(state="rectifying").exists() or Inspection.objects.filter(state="closed").exists()
    assert Inspection.objects.filter(state="scheduled", compound__inspector__username="gridworker").exists()
    month = f"{now():%Y-%m}"
    rows = supervision_score.ranking(Compound.objects.all(), month)
    assert len(rows) == 2 and all(0 <= r["score"] <= 100 for r in rows)
    # a week of the grid worker's patrols with their tracks: five of seven afternoon rounds walked
    from gridgov.supervision.models import PatrolPoint
    from gridgov.supervision.patrol import grid_summary

    grid = PatrolPoint.objects.select_related("grid").first().grid
    today = local(now()).date()
    summary = grid_summary(grid, today - dt.timedelta(days=7), today - dt.timedelta(days=1))
    assert result.counts["patrol_positions"] >= 14 * 30
    assert (summary["due"], summary["done"], len(summary["missed"]), summary["coverage"]) == (14, 12, 2, 85.7)

    again = build_demo(seed=1)
    assert not again.created and {x.username for x in again.logins} == usernames
    assert User.objects.exclude(password__startswith="!").count() == len(usernames)


@pytest.mark.django_db
def test_demo_command_prints_url_and_logins(capsys):
    call_command("demo", "--url", "http://127.0.0.1:8000/", "--history-days", "0")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/admin/" in out and DEMO_PASSWORD in out and "gridworker" in out
