"""热点问题 mined from a file of messages (the board's `hot_messages.csv`: id, user, title, time, text, dislikes,
likes): messages about the same place (its district or county named in the text, e.g. "A市A5区") within a window
are clustered by how alike their words are (`triage.similar`); heat = messages + distinct users + likes."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from gridgov.triage.similar import cluster

DISTRICT = re.compile(r"[A-Z]\d+[区县]")  # the board's anonymised districts and counties: A4区, A7县
CITY = re.compile(r"[A-Z]\d*市")


@dataclass
class Message:
    id: str
    user: str
    title: str
    text: str
    at: dt.datetime
    likes: int

    @property
    def place(self) -> str:
        """The first district or county the message names (else its city, else "")."""
        text = f"{self.title} {self.text}"
        found = DISTRICT.search(text) or CITY.search(text)
        return found.group(0) if found else ""


@dataclass
class Hot:
    place: str
    messages: list[Message]
    first_at: dt.datetime
    last_at: dt.datetime

    @property
    def users(self) -> int:
        return len({m.user for m in self.messages})

    @property
    def likes(self) -> int:
        return sum(m.likes for m in self.messages)

    @property
    def heat(self) -> int:
        return len(self.messages) + self.users + self.likes

    @property
    def title(self) -> str:
        return max(self.messages, key=lambda m: (m.likes, -m.at.timestamp())).title


def _time(value: str) -> dt.datetime | None:
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def read_messages(path: Path) -> list[Message]:
    """Rows without a readable time are refused with their line number."""
    out = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"title", "text", "time"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        for n, r in enumerate(reader, start=2):
            at = _time(r.get("time") or "")
            if at is None:
                raise ValueError(f"{path}:{n}: unreadable time {r.get('time')!r}")
            likes = r.get("likes") or "0"
            out.append(Message(str(r.get("id") or n), r.get("user") or f"row{n}", r.get("title") or "",
                               r.get("text") or "", at, int(likes) if likes.strip().isdigit() else 0))
    return out


def hot_topics(messages: list[Message], *, top: int = 10, window_days: int = 30,
               threshold: float = 0.22) -> list[Hot]:
    """The hottest clusters of at least two messages. The threshold was chosen on hot_messages.csv: at 0.3 the
    110 kV line on 月亮岛路 split into two topics and 58车贷 into two; at 0.22 each is one."""
    clusters = cluster(sorted(messages, key=lambda m: m.at), key=lambda m: m.place,
                       text=lambda m: f"{m.title} {m.title} {m.text}", at=lambda m: m.at, threshold=threshold,
                       window=dt.timedelta(days=window_days))
    hot = [Hot(c.key, c.items, c.first_at, c.last_at) for c in clusters  # type: ignore[arg-type]
           if len(c.items) >= 2]
    hot.sort(key=lambda h: (-h.heat, h.first_at))
    return hot[:top]
