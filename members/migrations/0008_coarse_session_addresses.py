"""Sessions already listed keep only the network they came from (members.sessions.coarse_ip)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import migrations


def coarse(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        # A stored placeholder for "unknown": nothing listens on it.
        return "0.0.0.0"  # noqa: S104 # nosec B104
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def coarsen(apps: Any, schema_editor: Any) -> None:
    UserSession = apps.get_model("usersessions", "UserSession")
    for session in UserSession.objects.only("pk", "ip").iterator():
        if session.ip and coarse(session.ip) != session.ip:
            UserSession.objects.filter(pk=session.pk).update(ip=coarse(session.ip))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_reminder_address_encrypted"),
        ("usersessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(coarsen, migrations.RunPython.noop)]
