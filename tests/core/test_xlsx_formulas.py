"""Exports never carry live formulas: a text cell starting with = + - @ (or a tab/CR) is written as text."""

import io

from openpyxl import load_workbook

from gridgov.core.xlsx import write_rows

EVIL = ['=HYPERLINK("http://evil.example/","点我")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)",
        "\t=1+1", "\r=1"]


def _cells(data: bytes) -> list:
    ws = load_workbook(io.BytesIO(data)).active
    return [c for row in ws.iter_rows(min_row=2) for c in row]


def _raw_sheet(data: bytes) -> str:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def test_formula_like_text_is_written_as_text():
    data = write_rows(["值", "数"], [[v, 3] for v in EVIL] + [["普通文字", -5]])
    cells = _cells(data)
    texts = [c for c in cells if isinstance(c.value, str)]
    # a bare CR reads back as CR or LF depending on the XML parser openpyxl finds (lxml keeps it)
    assert [c.value.replace("\r", "\n") for c in texts] == [v.replace("\r", "\n") for v in EVIL] + ["普通文字"]
    assert all(c.data_type == "s" for c in texts)
    assert all(c.quotePrefix for c in texts[:-1]) and not texts[-1].quotePrefix
    assert "<f>" not in _raw_sheet(data)
    assert [c.value for c in cells if not isinstance(c.value, str)] == [3] * len(EVIL) + [-5]  # numbers stay numbers


def test_resident_export_with_a_formula_for_a_name(world):
    from gridgov.people.exporters import residents_workbook
    from gridgov.people.models import Resident

    Resident.objects.filter(pk=world.res_a1.pk).update(name=EVIL[0])
    data = residents_workbook(Resident.objects.filter(pk=world.res_a1.pk))
    assert "<f>" not in _raw_sheet(data)
    assert EVIL[0] in [c.value for c in _cells(data)]


def test_console_case_export_with_a_formula_in_the_title(cw, client):
    from tests.cases.conftest import report

    report(cw, description="=cmd|' /C calc'!A0 门口垃圾")
    client.force_login(cw.dispatcher)
    r = client.get("/console/cases/", {"export": "xlsx"})
    assert r.status_code == 200
    assert "<f>" not in _raw_sheet(r.content)
    assert any(isinstance(c.value, str) and c.value.startswith("=cmd") for c in _cells(r.content))
