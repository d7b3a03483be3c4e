import pytest

from gridgov.accounts.services import membership_grant
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.cases.conftest import cw  # noqa: F401, F811 - the case world the disputes live in
from tests.conftest import make_user


@pytest.fixture
def mw(cw):  # noqa: F811
    """The case world plus 甲一社区's mediation committee and its mediator."""
    committee = org_unit_create(actor=None, code="MC-CA", name="甲一社区人民调解委员会",
                                kind=UnitKind.MEDIATION_COMMITTEE, region=cw.w.comm_a)
    mediator = make_user("mediator_a", is_staff=True)
    membership_grant(actor=None, user=mediator, role_code="mediator", region=cw.w.comm_a, unit=committee)
    cw.committee, cw.mediator = committee, mediator
    return cw
