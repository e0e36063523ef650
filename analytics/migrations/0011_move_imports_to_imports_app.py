"""ImportRun and ImportFile move to the `imports` app (issue 20): removed from analytics'
state only. Their tables (analytics_importrun, analytics_importfile) and every row stay;
imports' 0001_initial takes them over under the same names."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0010_day_sources_and_activity_import'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ImportFile'),
                migrations.DeleteModel(name='ImportRun'),
            ],
            database_operations=[],
        ),
    ]
