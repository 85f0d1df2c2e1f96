"""Feedback's hotspot now points at members.Hotspot (the same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0012_hotspots_from_outreach"),
        ("monitoring", "0005_snapshot_asked_at"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="feedback",
                    name="hotspot",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="members.hotspot",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
