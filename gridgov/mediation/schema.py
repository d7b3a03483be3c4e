"""What the OpenAPI document says of disputes beyond the serializers: this district's dispute types and risk
levels (read when the document is made), and the formats of a party's identity number and phone."""

from __future__ import annotations

from gridgov.cases.schema import MOBILE

ID_NUMBER = r"^$|^[0-9]{17}[0-9Xx]$"


def dispute_constraints(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    from django.db import DatabaseError

    from gridgov.mediation.models import DisputeType, RiskLevel

    schemas = result.get("components", {}).get("schemas", {})
    try:
        types = list(DisputeType.objects.order_by("code").values_list("code", flat=True))
        levels = list(RiskLevel.objects.filter(is_active=True).order_by("rank").values_list("code", flat=True))
    except DatabaseError:  # no database yet (a system check before migrate)
        types, levels = [], []
    for name in ("DisputeIn", "FromCaseIn"):
        props = schemas.get(name, {}).get("properties", {})
        if "parties" in props:
            props["parties"].update(minItems=1, maxItems=50)
        if types and "dispute_type" in props:
            props["dispute_type"] = {**props["dispute_type"], "enum": types}
            props["dispute_type"].pop("pattern", None)
        if levels and "risk_level" in props:
            props["risk_level"] = {**props["risk_level"], "enum": ["", *levels]}
            props["risk_level"].pop("pattern", None)
    rerate = schemas.get("RerateDisputeIn", {}).get("properties", {})
    if levels and "risk_level" in rerate:
        rerate["risk_level"] = {**rerate["risk_level"], "enum": levels}
        rerate["risk_level"].pop("pattern", None)
    party = schemas.get("PartyIn", {}).get("properties", {})
    if party:
        party["id_number"].update(pattern=ID_NUMBER)
        party["phone"].update(pattern=MOBILE)
    return result
