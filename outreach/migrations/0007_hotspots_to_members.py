"""Outreach lets go of Hotspot and Assignment (members owns them now, same tables): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0012_hotspots_from_outreach"),
        ("outreach", "0006_contact_person_kind_index"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="groupactivity",
                    name="hotspot",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="members.hotspot",
                    ),
                ),
                migrations.AlterField(
                    model_name="sizeestimate",
                    name="hotspot",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="size_estimates",
                        to="members.hotspot",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="hotspot",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="members.hotspot",
                    ),
                ),
                migrations.DeleteModel(
                    name="Assignment",
                ),
                migrations.DeleteModel(
                    name="Hotspot",
                ),
            ],
            database_operations=[],
        ),
    ]
