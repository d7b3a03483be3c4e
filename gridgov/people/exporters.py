"""Excel exports of what the actor may see; the same columns as the imports, personal data masked."""

from __future__ import annotations

from gridgov.core.xlsx import write_rows
from gridgov.people.importers import BUILDING_COLUMNS, RESIDENT_COLUMNS


def residents_workbook(qs) -> bytes:
    qs = qs.select_related("grid", "household__building", "household__unit").prefetch_related("focus_groups")

    def rows():
        for r in qs.iterator(chunk_size=2000):
            h = r.household
            yield [
                r.grid.code,
                h.building.number if h else "",
                h.building.name if h else "",
                (h.unit.number if h and h.unit_id else ""),
                h.room if h else "",
                r.name,
                r.get_id_type_display(),
                r.id_number_masked,
                r.phone_masked,
                r.get_residence_type_display(),
                r.ethnicity,
                r.relation_to_head,
                "、".join(f.get_group_display() for f in r.focus_groups.all()),
                r.get_gender_display(),
                r.birth_date.isoformat() if r.birth_date else "",
            ]

    return write_rows(RESIDENT_COLUMNS, rows(), title="实有人口")


def buildings_workbook(qs) -> bytes:
    rows = (
        [b.grid.code, b.number, b.name, b.address, b.get_use_display(), b.floors or "", b.lon or "", b.lat or "",
         "wgs84" if b.lon is not None else ""]
        for b in qs.select_related("grid")
    )
    return write_rows(BUILDING_COLUMNS, rows, title="楼栋")
