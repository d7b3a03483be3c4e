"""The classifier as intake uses it: a suggestion or nothing — a missing or broken model file never stops a
report from being taken in (it is logged)."""

from __future__ import annotations

import logging

from gridgov.triage import classifier
from gridgov.triage.classifier import Suggestion

log = logging.getLogger("gridgov.triage")


def suggest(title: str, body: str) -> Suggestion | None:
    if not (title or "").strip() and not (body or "").strip():
        return None
    try:
        return classifier.predict(title, body)
    except Exception:  # noqa: BLE001 - a suggestion is a help, never a condition of intake
        log.exception("triage: no suggestion")
        return None


def warm() -> None:
    """Load the model and the segmenter now (at a server's start) rather than at the first report."""
    try:
        classifier.load()
        from gridgov.triage import text

        text.warm()
    except Exception:  # noqa: BLE001
        log.exception("triage: model not loaded")
