"""gridgov triage train --data <folder or csv> [--out <dir>] [--no-cv]
gridgov triage evaluate --data <csv with id,title,text,label> [--model <file>]
gridgov triage hot --data <csv with id,user,title,time,text,likes> [--top 10] [--days 30]
gridgov triage replies --data <csv with time,reply_time (and title,text)> [--no-classes]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.triage import classifier


class Command(BaseCommand):
    help = "Train or evaluate the department classifier (智能分拨)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="step", required=True)
        t = sub.add_parser("train", help="cross-validate, fit on all rows, write the next model version")
        t.add_argument("--data", required=True, help="a folder with messages_labeled.csv, or a CSV")
        t.add_argument("--out", default="", help="folder for the model (default: $GRIDGOV_DATA_DIR/triage)")
        t.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
        e = sub.add_parser("evaluate", help="per-class precision/recall/F1 of a model on labelled rows")
        e.add_argument("--data", required=True, help="CSV with id,title,text,label")
        e.add_argument("--model", default="", help="model file (default: TRIAGE_MODEL or the shipped one)")
        h = sub.add_parser("hot", help="热点问题: cluster messages by place, words and time; rank by heat")
        h.add_argument("--data", required=True, help="CSV with id,user,title,time,text,likes (hot_messages.csv)")
        h.add_argument("--top", type=int, default=10)
        h.add_argument("--days", type=int, default=30, help="the window a cluster's messages fall within")
        r = sub.add_parser("replies", help="回复时长: the distribution of reply times, per department class")
        r.add_argument("--data", required=True, help="CSV with time, reply_time, title, text (replies.csv)")
        r.add_argument("--no-classes", action="store_true", help="all messages only, no split by class")

    def handle(self, *args, step, **o):
        if step == "hot":
            return self._hot(Path(o["data"]), o["top"], o["days"])
        if step == "replies":
            return self._replies(Path(o["data"]), not o["no_classes"])
        try:
            rows = classifier.read_rows(Path(o["data"]))
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if step == "train":
            from django.conf import settings

            out = Path(o["out"]) if o["out"] else Path(settings.DATA_DIR) / "triage"
            path, meta = classifier.train(rows, out, cv=not o["no_cv"])
            if meta["cv_macro_f1"]:
                self.stdout.write(f"cross-validation ({classifier.FOLDS} folds) macro-F1 "
                                  f"{meta['cv_macro_f1_mean']:.3f} ± {meta['cv_macro_f1_std']:.3f}")
            self.stdout.write(f"model v{meta['version']} ({meta['rows']} rows) written to {path}")
            self.stdout.write(f"use it: TRIAGE_MODEL={path}")
            return
        model = Path(o["model"]) if o["model"] else None
        if model is not None and not model.exists():
            raise CommandError(f"{model}: no such model file")
        report = classifier.evaluate(rows, path=model)
        self.stdout.write(f"{'class':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for label, m in report["classes"].items():
            self.stdout.write(f"{label:<12}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}"
                              f"{m['support']:>9}")
        self.stdout.write(f"macro_f1={report['macro_f1']:.4f} n={report['n']}")

    def _hot(self, path: Path, top: int, days: int) -> None:
        from gridgov.triage.hot import hot_topics, read_messages

        if top < 1 or days < 1:
            raise CommandError("--top and --days must be 1 or more")
        try:
            messages = read_messages(path)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        hot = hot_topics(messages, top=top, window_days=days)
        for rank, h in enumerate(hot, start=1):
            self.stdout.write(f"{rank:>2}. heat={h.heat} messages={len(h.messages)} users={h.users} likes={h.likes} "
                              f"place={h.place or '-'} {h.first_at:%Y-%m-%d}–{h.last_at:%Y-%m-%d} {h.title}")
            for m in h.messages[:20]:
                self.stdout.write(f"    {m.id} {m.at:%Y-%m-%d} 赞{m.likes} {m.title}")
        self.stdout.write(f"hot_topics={len(hot)} messages={len(messages)}")

    def _replies(self, path: Path, by_class: bool) -> None:
        from gridgov.triage.replies import BANDS_DAYS, read_delays

        try:
            rows = read_delays(path, by_class=by_class)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        bands = "".join(f"{f'≤{d}天':>8}" for d in BANDS_DAYS)
        self.stdout.write(f"{'class':<12}{'n':>6}{'p25 h':>9}{'p50 h':>9}{'p75 h':>9}{'p90 h':>9}{bands}")
        for d in rows:
            shares = "".join(f"{d.within(days):>8.0%}" for days in BANDS_DAYS)
            self.stdout.write(f"{d.label:<12}{len(d.hours):>6}{d.quantile(25):>9.1f}{d.quantile(50):>9.1f}"
                              f"{d.quantile(75):>9.1f}{d.quantile(90):>9.1f}{shares}")
        everyone = rows[0]
        self.stdout.write(f"replies={len(everyone.hours)} p50_hours={everyone.quantile(50):.1f} "
                          f"p90_hours={everyone.quantile(90):.1f}")
