from django.db import migrations


def forwards(apps, schema_editor):
    from lotse.regions.loader import load_regions

    load_regions(apps)


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
