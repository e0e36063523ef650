"""Fills the stored weekly practice figures of the checklists that existed before them.

The figures must be what strategy.selectors.states computes, evidence rules included, so
this runs the service that every write uses (strategy.practice_figures.practice_refresh)
rather than a copy of the rule written against the historical models. It reads the models
as they are when it runs; on a database created from scratch there is nothing to fill.
Reversing it removes nothing: the table goes with 0003.
"""

from __future__ import annotations

from django.db import migrations


def fill(apps: object, schema_editor: object) -> None:
    from strategy.practice_figures import practice_refresh

    practice_refresh()


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0003_week_practice"),
        # The evidence rules read the videos and metrics as they are now.
        ("analytics", "0010_day_sources_and_activity_import"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
