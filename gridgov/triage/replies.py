"""How long the board took to answer (回复时长), from a file of messages with their reply (replies.csv: id, user,
title, time, text, reply, reply_time): the distribution of reply times, by the department class the shipped
classifier reads in each message — for setting the SLA defaults of categories from practice."""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass
from pathlib import Path

from gridgov.triage.hot import _time

BANDS_DAYS = (1, 3, 7, 15, 30)


@dataclass
class Delays:
    label: str
    hours: list[float]

    def quantile(self, q: int) -> float:
        return statistics.quantiles(self.hours, n=100, method="inclusive")[q - 1] if len(self.hours) > 1 \
            else (self.hours[0] if self.hours else 0.0)

    def within(self, days: int) -> float:
        return sum(h <= days * 24 for h in self.hours) / len(self.hours) if self.hours else 0.0


def read_delays(path: Path, *, by_class: bool = True) -> list[Delays]:
    """All messages first, then one row per class (when `by_class`); rows with an unreadable or earlier reply time
    are refused with their line number."""
    from gridgov.triage.classifier import predict

    everyone: list[float] = []
    per: dict[str, list[float]] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"time", "reply_time"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        for n, r in enumerate(reader, start=2):
            asked, answered = _time(r.get("time") or ""), _time(r.get("reply_time") or "")
            if asked is None or answered is None:
                raise ValueError(f"{path}:{n}: unreadable time")
            hours = (answered - asked).total_seconds() / 3600
            if hours < 0:
                raise ValueError(f"{path}:{n}: answered before it was asked")
            everyone.append(hours)
            if by_class:
                per.setdefault(predict(r.get("title") or "", r.get("text") or "").label, []).append(hours)
    if not everyone:
        raise ValueError(f"{path}: no rows")
    return [Delays("全部", everyone)] + [Delays(k, v) for k, v in sorted(per.items(), key=lambda kv: -len(kv[1]))]
