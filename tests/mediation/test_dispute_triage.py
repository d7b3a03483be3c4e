"""矛盾分诊: the committee by place and colour (community-led levels stay in the community, town-led and joint ones
go to the town's committee), the mediator by load."""

from gridgov.accounts.services import membership_grant
from gridgov.mediation import services as m
from gridgov.mediation.triage import mediator_loads, suggest
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.conftest import make_user
from tests.mediation.test_dispute_workflow import registered


def test_committee_by_place_and_colour_mediator_by_load(mw):
    town = org_unit_create(actor=None, code="MC-TA", name="甲街道人民调解委员会", kind=UnitKind.MEDIATION_COMMITTEE,
                           region=mw.w.town_a)
    busy = mw.mediator
    free = make_user("mediator_a2", is_staff=True)
    membership_grant(actor=None, user=free, role_code="mediator", region=mw.w.comm_a, unit=mw.committee)
    yellow = registered(mw, risk_level="yellow")  # led by the community
    assert suggest(yellow)["committee"] == mw.committee
    red = registered(mw, risk_level="red", title="群体性劳资纠纷")  # joint 会商: the town's committee
    assert suggest(red)["committee"] == town
    # the mediator with fewer disputes in hand is suggested
    m.dispute_accept(dispute=registered(mw, title="另一起"), actor=mw.dispatcher, committee=mw.committee, mediator=busy)
    assert dict((u.username, n) for u, n in mediator_loads(mw.committee)) == {busy.username: 1, free.username: 0}
    assert suggest(yellow)["mediator"] == free
    blue_far = registered(mw, actor=mw.district_dispatcher, lon=120.03, title="乙街道的纠纷")  # 乙一社区: no committee
    assert suggest(blue_far)["committee"] is None


def test_specialised_committee_and_skilled_mediator_first(mw):
    """A 医疗纠纷调委会 at the town takes medical disputes over the community's committee, and only those; within a
    committee the mediator good at the type comes before a less loaded one."""
    from gridgov.mediation.models import CommitteeProfile, DisputeType, MediatorProfile

    medical = org_unit_create(actor=None, code="MC-MED", name="甲街道医疗纠纷人民调解委员会",
                              kind=UnitKind.MEDIATION_COMMITTEE, region=mw.w.town_a)
    CommitteeProfile.objects.create(unit=medical, room="医疗纠纷调解室").specialities.set(
        DisputeType.objects.filter(code="05"))
    tort = registered(mw, dispute_type="0599", risk_level="yellow", title="医疗损害赔偿")
    assert suggest(tort)["committee"] == medical  # 0599 is in the 大类 05 it takes
    family = registered(mw, dispute_type="0101", risk_level="red", title="婚姻纠纷")
    assert suggest(family)["committee"] == mw.committee  # no general town committee: the community's, not medical
    # within the community committee: the family-law mediator before the idle one
    idle = make_user("mediator_a3", is_staff=True)
    membership_grant(actor=None, user=idle, role_code="mediator", region=mw.w.comm_a, unit=mw.committee)
    m.dispute_accept(dispute=registered(mw, title="在办一件"), actor=mw.dispatcher, committee=mw.committee,
                     mediator=mw.mediator)
    assert suggest(family)["mediator"] == idle  # nobody is skilled yet: the least loaded
    MediatorProfile.objects.create(user=mw.mediator, kind="full_time").specialities.set(
        DisputeType.objects.filter(code="01"))
    assert suggest(family)["mediator"] == mw.mediator
    assert [u for u, _ in mediator_loads(mw.committee, family.dispute_type)] == [mw.mediator, idle]
