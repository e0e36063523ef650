"""Scorecards are rewritten by every recompute: leave room in each page for the new row.

With a fillfactor of 60, most updates are HOT (heap-only tuples: no index entry is
written), and the account's own index goes, since scorecard_unique_period starts with
the account. Measured on the recompute bench at 10,000 accounts: the upsert from about
0.19 s to 0.13 s (docs/scaling.md). The fillfactor is PostgreSQL's; SQLite (the demo)
has no such setting.
"""

import django.db.models.deletion
from django.db import migrations, models


def set_fillfactor(value):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE analytics_scorecard SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("analytics", "0005_recompute_chunks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="scorecard",
            name="account",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scorecards",
                to="accounts.account",
            ),
        ),
        migrations.RunPython(set_fillfactor(60), set_fillfactor(100)),
    ]
