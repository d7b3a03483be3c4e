"""Deferred intake: store the report and answer with a token at once; a worker makes the case. The reporter's
phone and e-mail wait in the receipt encrypted, and are removed from it once the case is made."""

from __future__ import annotations

import json
import logging
import secrets

from django.db import transaction

from gridgov.cases.services import case_report
from gridgov.core import pii
from gridgov.core.errors import ApplicationError
from gridgov.integrations.models import IntakeReceipt

log = logging.getLogger("gridgov.intake")


PERSONAL = ("reporter_phone", "reporter_email")


def _seal(payload: dict) -> dict:
    payload = dict(payload)
    personal = {k: payload.pop(k) for k in PERSONAL if payload.get(k)}
    if personal:
        payload["_sealed"] = pii.encrypt(json.dumps(personal))
    return payload


def _unseal(payload: dict) -> dict:
    payload = dict(payload)
    sealed = payload.pop("_sealed", None)
    if sealed:
        payload.update(json.loads(pii.decrypt(sealed)))
    return payload


def receipt_create(*, actor, channel: str, payload: dict) -> IntakeReceipt:
    payload = _seal(payload)
    receipt = IntakeReceipt.objects.create(token=secrets.token_hex(16), channel=channel, payload=payload,
                                           actor=actor if getattr(actor, "pk", None) else None)
    from gridgov.integrations.tasks import process_receipt

    def enqueue():
        # The receipt is stored and answered with its token whatever happens here: if the queue is down or the
        # processing fails, the periodic sweep (process_pending) makes the case later. Nothing is lost.
        try:
            process_receipt(receipt.pk)
        except Exception:  # noqa: BLE001 - logged; the sweep retries
            log.exception("receipt %s: processing left to the sweep", receipt.pk)

    transaction.on_commit(enqueue)
    return receipt


def receipt_process(pk: int) -> IntakeReceipt:
    """Turn one pending receipt into a case (idempotent: the receipt's token is the case's idempotency key)."""
    with transaction.atomic():
        receipt = IntakeReceipt.objects.select_for_update(of=("self",)).select_related("actor").get(pk=pk)
        if receipt.status != IntakeReceipt.Status.PENDING:
            return receipt
        try:
            with transaction.atomic():
                case, _ = case_report(actor=receipt.actor, channel=receipt.channel,
                                      idempotency_key=f"receipt:{receipt.token}", **_unseal(receipt.payload))
        except ApplicationError as exc:
            receipt.status = IntakeReceipt.Status.FAILED
            receipt.error = exc.message
        else:
            receipt.status = IntakeReceipt.Status.DONE
            receipt.case = case
        receipt.payload.pop("_sealed", None)  # the case (or nobody) keeps them now
        receipt.save(update_fields=["status", "error", "case", "payload"])
    return receipt


def process_pending(limit: int = 500) -> int:
    ids = list(IntakeReceipt.objects.filter(status=IntakeReceipt.Status.PENDING).order_by("pk")
               .values_list("pk", flat=True)[:limit])
    for pk in ids:
        receipt_process(pk)
    return len(ids)
