"""Adding permission codes to the seeded roles, for the data migrations of the modules (care, emergency,
deliberation, portal, points …): each module's migration names role → codes, and this adds the codes a role does
not hold yet, leaving the rest of what an administrator set."""

from __future__ import annotations


def add_permissions(apps, grants: dict[str, list[str]]) -> None:
    """`grants`: role code → permission codes. A role that does not exist is skipped."""
    Role = apps.get_model("accounts", "Role")
    for code, perms in grants.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.permissions = list(dict.fromkeys(list(role.permissions or []) + list(perms)))
        role.save(update_fields=["permissions"])
