from django.db import migrations


def add_curated_themes(apps, schema_editor):
    from commons.events.models import Theme as CurrentTheme

    Theme = apps.get_model("events", "Theme")
    for code, label in CurrentTheme.CURATED.items():
        Theme.objects.get_or_create(code=code, defaults={"name": str(label)})


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(add_curated_themes, migrations.RunPython.noop)]
