# The weekly review (snoozed alerts) and the QBR follow-ups, digests and calendar feeds
# were built side by side; this joins their migrations.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cadence', '0002_alertsnooze'),
        ('cadence', '0002_follow_ups_calendar_digest'),
    ]

    operations = [
    ]
