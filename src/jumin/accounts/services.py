"""Account services."""

from __future__ import annotations

SYSTEM_USERNAME = "system"


def system_actor():
    """The system account (``is_system``) that records batch 異動 (scheduled jobs, seeding).
    It has no usable password and cannot log in; its rows in the operation log say "システム"."""
    from .models import Staff

    staff, created = Staff.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"display_name": "システム", "is_system": True, "is_active": True},
    )
    if created:
        staff.set_unusable_password()
        staff.save(update_fields=["password"])
    return staff
