"""Stakeholders already on a map have been there since they were added."""

from django.db import migrations, models
from django.db.models.functions import TruncDate

import keyplan.core.clock


def since_added(apps, schema_editor):
    for name in ("Stakeholder", "HistoricalStakeholder"):
        model = apps.get_model("relationships", name)
        model.objects.update(on_map_since=TruncDate("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('relationships', '0002_crm_notes'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalstakeholder',
            name='on_map_since',
            field=models.DateField(default=keyplan.core.clock.today, help_text="When this person joined the plan (the CRM's created date when imported). Someone never met counts against coverage and alerts only after the coverage window.", verbose_name='on the map since'),
        ),
        migrations.AddField(
            model_name='stakeholder',
            name='on_map_since',
            field=models.DateField(default=keyplan.core.clock.today, help_text="When this person joined the plan (the CRM's created date when imported). Someone never met counts against coverage and alerts only after the coverage window.", verbose_name='on the map since'),
        ),
        migrations.RunPython(since_added, migrations.RunPython.noop),
    ]
