"""The eight default risk and vulnerability factors, so a new organization can start at once. It
changes them in the Django admin; nothing is added where factors already exist."""

from django.db import migrations

DEFAULT_FACTORS = [
    "Under 25",
    "New to sex work (under a year)",
    "More than 10 clients a week",
    "Works on the street at night",
    "Violence in the last 6 months",
    "Arrested or harassed by police in the last 6 months",
    "Uses alcohol or drugs at work",
    "Does not always use condoms",
]


def create_default_factors(apps, schema_editor):
    RiskFactor = apps.get_model("outreach", "RiskFactor")
    if RiskFactor.objects.exists():
        return
    RiskFactor.objects.bulk_create(
        RiskFactor(name=name, position=position)
        for position, name in enumerate(DEFAULT_FACTORS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("outreach", "0003_outreach_records")]

    operations = [migrations.RunPython(create_default_factors, migrations.RunPython.noop)]
