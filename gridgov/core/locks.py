"""Claiming rows for one worker among several: SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (a row another
worker holds is passed over, not waited for); on SQLite, which serialises writers, the query as it is."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def skip_locked(qs: QuerySet) -> QuerySet:
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True, of=("self",))
    return qs
