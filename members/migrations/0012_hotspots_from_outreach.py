"""Hotspots and assignments move from outreach to members, below everything that reads them.
No table changes: both keep their outreach_ table (db_table), their rows, constraints and
indexes; the content types follow, so the admin's history still points at them."""

import django.db.models.deletion
import django.utils.timezone
import members.fields
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("hotspot", "assignment"):
        if not ContentType.objects.filter(app_label="members", model=model).exists():
            ContentType.objects.filter(app_label="outreach", model=model).update(
                app_label="members"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("outreach", "0006_contact_person_kind_index"),
        ("members", "0011_password_reset_codes"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Hotspot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=80, unique=True, verbose_name="name")),
                        (
                            "area",
                            models.CharField(
                                help_text="A district, not an address.",
                                max_length=80,
                                verbose_name="area",
                            ),
                        ),
                        (
                            "typology",
                            models.CharField(
                                choices=[
                                    ("street", "Street"),
                                    ("venue", "Venue"),
                                    ("home", "Home-based"),
                                    ("online", "Online"),
                                ],
                                max_length=10,
                                verbose_name="typology",
                            ),
                        ),
                        (
                            "days_and_hours",
                            models.CharField(
                                blank=True,
                                help_text="For example: Thursday to Saturday, 21:00 to 03:00.",
                                max_length=120,
                                verbose_name="days and hours of operation",
                            ),
                        ),
                        (
                            "safety_notes",
                            members.fields.EncryptedTextField(
                                blank=True, null=True, verbose_name="safety notes"
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "verbose_name": "hotspot",
                        "verbose_name_plural": "hotspots",
                        "db_table": "outreach_hotspot",
                        "ordering": ["name"],
                    },
                ),
                migrations.AlterField(
                    model_name="person",
                    name="hotspot",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="people",
                        to="members.hotspot",
                        verbose_name="main hotspot",
                    ),
                ),
                migrations.CreateModel(
                    name="Assignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "starts_on",
                            models.DateField(
                                default=django.utils.timezone.localdate, verbose_name="starts on"
                            ),
                        ),
                        (
                            "ends_on",
                            models.DateField(blank=True, null=True, verbose_name="ends on"),
                        ),
                        (
                            "worker",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assignments",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "hotspot",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assignments",
                                to="members.hotspot",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "assignment",
                        "verbose_name_plural": "assignments",
                        "db_table": "outreach_assignment",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("ends_on__isnull", True),
                                    ("ends_on__gte", models.F("starts_on")),
                                    _connector="OR",
                                ),
                                name="outreach_assignment_ends_after_start",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
