from django.db import migrations


def superusers_are_administrators(apps, schema_editor):
    """A superuser made before this had the role viewer and could change nothing."""
    User = apps.get_model("team", "User")
    User.objects.filter(is_superuser=True).update(role="admin", is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("team", "0005_currency_code")]

    operations = [
        migrations.RunPython(superusers_are_administrators, migrations.RunPython.noop),
    ]
