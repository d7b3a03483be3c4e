"""A reduced schemathesis run over the whole REST API, as each role's token: generated requests that follow the
OpenAPI document must never cause a server error, and every answer must match what the document says (status,
content type, body). Data the document allows must not be refused as invalid (positive data acceptance)."""

from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, assume, given  # noqa: E402
from hypothesis import settings as hsettings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          positive_data_acceptance]
EXAMPLES = int(os.environ.get("GRIDGOV_FUZZ_EXAMPLES", "3"))  # the suite's reduced run; more on demand


# Rules between two fields that OpenAPI 3.0 cannot state; a refusal for one of these is what the API documents.
CROSS_FIELD_RULES = {
    "invalid_period": "kpis: end before start",
    "on_the_spot_not_allowed": "cases: resolved_on_spot only for a category that allows it (its setting)",
    "photo_required": "cases: resolved_on_spot with a category that needs a photo",
    "photos_required": "disputes: 上传材料 takes its files as multipart photos parts, which the body schema leaves out",
    "source_ref_required": "disputes: a hand-over by court, police, petition office or procuratorate names its document",
    "occurred_in_future": "disputes: the day it happened is not after today (a date relative to the day)",
    "invalid_id_number": "disputes: a party's identity number has a wrong check digit or birth date (GB 11643)",
    "evidence_required": "points: a claim for an item that requires photos takes them as multipart photos parts",
    "invalid_date": "points: a claim's day is within the last 90 days and not after today",
    "wrong_code": "points: a pick-up names the code the redeemer was given",
    "reason_not_of_list": "points: a credit record's reason is one of its list's (red: 守信, grey: 失信)",
    "invalid_valid_until": "points: a credit record is published until a day after today and within three years",
    "building_outside": "deliberation: a topic's buildings are within its community or grid",
    "proxy_required": "deliberation: a proxy ballot names the proxy",
    "guide_materials_required": "portal: a 办事指南 names its materials, steps and place",
    "guide_steps_required": "portal: a 办事指南 names its materials, steps and place",
    "guide_where_required": "portal: a 办事指南 names its materials, steps and place",
    "activity_incomplete": "portal: an activity has its time and place",
    "invalid_signup_until": "portal: an activity's sign-up closes before it starts",
    "receipt_for_notices": "portal: only a notice asks for a read receipt",
    "message_empty": "portal: a message has words, a photo or a voice clip (these come as multipart parts)",
    "invalid_starts_at": "portal: a slot starts after now (a time relative to the moment)",
    "invalid_ends_at": "portal: a slot ends after it starts, within 12 hours",
    "address_required": "portal: a home visit for someone without a registered flat names the address",
    "results_incomplete": "supervision: every item of the inspection's checklist is answered (the items are data)",
    "unknown_item": "supervision: results name only the checklist's items (the items are data)",
    "unknown_criterion": "supervision: a 智慧小区 check names only the district's active criteria (they are data)",
    "nothing_checked": "supervision: a 智慧小区 check names at least one criterion (an object's size the fuzzer ignores)",
    "track_time_out_of_range": "supervision: a track's positions are of the last day (a time relative to the moment)",
    "invalid_vote_until": "deliberation: the vote ends after today and within 60 days (a date relative to the day)",
}


def _cross_field_rule(response, exc) -> bool:
    text = str(exc)
    if "ST202" not in text or any(f"ST{n}" in text for n in range(100, 200)):
        return False
    try:
        return response.json()["error"]["code"] in CROSS_FIELD_RULES
    except Exception:
        return False


def _token(user) -> str:
    from gridgov.accounts.services import api_token_issue

    return api_token_issue(actor=None, user=user, name=f"fuzz-{user.username}")[1]


@pytest.fixture
def keep_connection():
    """The WSGI application closes the database connection at the end of each request; inside a test's
    transaction (PostgreSQL) it must stay open, as Django's test client arranges it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["district", "town", "grid_worker", "handler", "resident"])
def test_generated_requests_match_the_schema(cw, role, keep_connection):
    from gridgov.wsgi import application
    from tests.cases.conftest import report

    report(cw)  # something to list, page through and open
    user = {"district": cw.district_dispatcher, "town": cw.w.user_a, "grid_worker": cw.w.worker_a,
            "handler": cw.handler_cg, "resident": cw.w.resident_user}[role]
    headers = {"Authorization": f"Bearer {_token(user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, headers=headers)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hsettings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                   phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            # JSON bodies: multipart is there for photos, and the fuzzer's multipart encoding of nested values
            # (objects as JSON text in unnamed parts) is nothing a client sends
            assume(case.media_type in (None, "application/json"))
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # collected: one report of everything wrong
                if _cross_field_rule(response, exc):
                    return
                failures.append(f"{case.method.upper()} {case.path}: {str(exc).strip()[:600]}")

        run()
    if os.environ.get("GRIDGOV_FUZZ_REPORT"):
        with open(os.environ["GRIDGOV_FUZZ_REPORT"], "a") as f:
            f.write("\n\n=====\n".join(failures))
    assert not failures, f"{len(failures)} problems:\n" + "\n\n".join(failures[:40])
