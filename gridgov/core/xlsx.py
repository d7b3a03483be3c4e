"""Reading and writing .xlsx for imports and exports, with Chinese column headers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based row number as Excel shows it (headers are row 1)
    column: str  # the Chinese header
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        return f"第{self.row}行「{self.column}」:{self.reason}"


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"共 {self.rows} 行,发现 {len(self.errors)} 处错误,未导入任何数据"
        if self.dry_run:
            return f"共 {self.rows} 行,校验通过(试导入,未写入数据)"
        parts = "、".join(f"{k} {v}" for k, v in self.created.items())
        return f"共 {self.rows} 行,导入成功:{parts}"


class SheetError(ValueError):
    """The file as a whole cannot be read (not xlsx, wrong headers)."""


def read_rows(file, columns: Sequence[str], required: Sequence[str]) -> list[tuple[int, dict]]:
    """(row number, {header: value as str}) for every non-empty row of the first sheet."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SheetError(f"无法读取文件,请上传 Excel .xlsx 文件({type(exc).__name__})")
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise SheetError(f"无法读取文件,请上传 Excel .xlsx 文件({type(exc).__name__})")
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [str(h).strip().rstrip("*") if h is not None else "" for h in next(rows)]
    except StopIteration:
        raise SheetError("文件是空的")
    missing = [c for c in required if c not in header]
    if missing:
        raise SheetError(f"缺少必需的列:{'、'.join(missing)}(第1行须为列名)")
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise SheetError(f"无法识别的列:{'、'.join(unknown)}")
    out = []
    for n, values in enumerate(rows, start=2):
        record = {}
        for h, v in zip(header, values, strict=False):
            if not h:
                continue
            if v is None:
                record[h] = ""
            elif isinstance(v, float) and v.is_integer():
                record[h] = str(int(v))
            else:
                record[h] = str(v).strip()
        if any(record.values()):
            out.append((n, record))
    wb.close()
    return out


# A text cell starting with one of these is read as a formula by Excel/WPS (=HYPERLINK(…), =cmd|…, +…, -…, @…)
# or starts a new cell on import (tab, CR): such values are written as text, never as formulas.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _as_text_cell(ws, value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # a string cell, not a formula
        cell.quotePrefix = True  # shown and re-saved by Excel as text (as if typed with a leading ')
        return cell
    return value


def write_rows(columns: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1",
               required: Sequence[str] = (), caption: str = "", percent_columns: Sequence[int] = ()) -> bytes:
    """A workbook with a bold header row (required columns marked *). `caption` (e.g. the period of a report)
    becomes the document title and the printed page header; `percent_columns` (0-based) hold fractions shown
    as percentages."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title
    if caption:
        wb.properties.title = caption
        ws.oddHeader.center.text = caption
    ws.append([f"{c}*" if c in required else c for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        ws.append([_as_text_cell(ws, v) for v in row])
    for i in percent_columns:
        for (cell,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
            cell.number_format = "0.0%"
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(c) * 2 + 4)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
