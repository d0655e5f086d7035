"""The scorecard's default criteria and weights (DESIGN.md §2, portfolio level)."""

from django.db import migrations

DEFAULTS = [
    ("expansion_potential", "Expansion potential", 30, "Unsold whitespace and budget to grow into."),
    ("strategic_fit", "Strategic fit", 25, "How well our offering fits their priorities."),
    ("current_revenue", "Current revenue", 20, "What they pay us today."),
    ("executive_access", "Executive access", 15, "Our reach to their decision makers."),
    ("reference_value", "Reference value", 10, "Logo, case study and referral value."),
    ("competitive_position", "Competitive position", 0, "Our standing against incumbents."),
]


def add_defaults(apps, schema_editor):
    criterion = apps.get_model("accounts", "SelectionCriterion")
    for position, (key, name, weight, description) in enumerate(DEFAULTS):
        criterion.objects.get_or_create(
            key=key,
            defaults={"name": name, "weight": weight, "description": description, "position": position},
        )


def remove_defaults(apps, schema_editor):
    criterion = apps.get_model("accounts", "SelectionCriterion")
    criterion.objects.filter(key__in=[key for key, *_ in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_contractline")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
