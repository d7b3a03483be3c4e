"""Training rows from what dispatchers did (智能分拨 learns from its corrections): each dispatched case with a
description, labelled with the class of the department type its lead unit was (`TriageClass`), as the CSV that
`gridgov triage train` reads (id, title, text, label). A case sent to a unit whose type no class stands for is
left out."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from gridgov.cases.models import Case, TriageClass


def training_rows(*, since: dt.datetime | None = None) -> list[dict]:
    by_type: dict[str, list[str]] = {}
    for label, department_type in TriageClass.objects.values_list("label", "department_type"):
        by_type.setdefault(department_type, []).append(label)
    qs = Case.objects.filter(handling_unit__isnull=False).exclude(description="").select_related("handling_unit")
    if since is not None:
        qs = qs.filter(dispatched_at__gte=since)
    rows = []
    for case in qs.order_by("pk").iterator(chunk_size=2000):
        labels = by_type.get(case.handling_unit.department_type, []) if case.handling_unit is not None else []
        if len(labels) == 1:
            rows.append({"id": case.pk, "title": case.title, "text": case.description, "label": labels[0]})
    return rows


def write_rows(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "title", "text", "label"])
        w.writeheader()
        w.writerows(rows)
