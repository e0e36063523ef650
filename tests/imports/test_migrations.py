"""The move of ImportRun and ImportFile from analytics to imports (issue 20) keeps every row.

The database is taken back to the state before the move (analytics 0010, no imports
app), filled through the historical analytics models, then migrated forward; every run
and file must be there, unchanged, read through imports' models.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from imports.models import ImportFile, ImportRun
from tests.factories import AccountFactory, ScorecardRunFactory, TeamFactory, UserFactory

BEFORE = [("analytics", "0010_day_sources_and_activity_import"), ("imports", None)]
RUN_FIELDS = [field.attname for field in ImportRun._meta.concrete_fields]


def migrate(targets: list[tuple[str, str | None]]):
    """Migrates the test database to `targets`; returns the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    # ("imports", None) is no node of the graph: the state is that of the others.
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def leaf_nodes() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_import_run_and_file_when_they_move_to_imports() -> None:
    team = TeamFactory(slug="acme")
    account = AccountFactory(team=team, handle="acmeofficial")
    user = UserFactory(username="alice")
    recompute = ScorecardRunFactory(team=team)
    old = migrate(BEFORE)
    OldRun = old.get_model("analytics", "ImportRun")
    OldFile = old.get_model("analytics", "ImportFile")
    statuses = ["preview", "applied", "failed", "discarded"]
    runs = []
    for number in range(12):
        runs.append(
            OldRun.objects.create(
                public_id=uuid.uuid4(),
                team_id=team.pk,
                account_id=account.pk if number % 3 else None,
                user_id=user.pk if number % 2 else None,
                status=statuses[number % 4],
                source="command" if number % 5 == 0 else "web",
                file_names=[f"upload-{number}.csv", "Content.xlsx"],
                format="canonical" if number % 2 else "tiktok-studio",
                as_of=date(2026, 11, 1) + timedelta(days=number),
                date_from=date(2026, 10, 1),
                date_to=date(2026, 10, 1) + timedelta(days=number),
                rows_created=number * 10,
                rows_updated=number,
                rows_unchanged=100 - number,
                account_handles=["acmeofficial"],
                ignored_columns=["Extra"] if number % 4 == 1 else [],
                errors=[f"upload-{number}.csv: line 2: bad"] if number % 4 == 2 else [],
                error_count=number % 4 == 2,
                notes=["note"],
                details={"format": "auto", "files": [{"name": f"upload-{number}.csv"}]},
                message=f"imported {number}",
                scorecard_run_id=recompute.pk if number % 4 == 1 else None,
                applied_at=timezone.now() if number % 4 == 1 else None,
            )
        )
        for part in range(number % 3):
            OldFile.objects.create(
                run=runs[-1], name=f"part-{part}.csv", content=bytes([number, part, 0, 255])
            )
    before_runs = {row["id"]: row for row in OldRun.objects.values(*RUN_FIELDS)}
    before_files = {
        row["id"]: (row["run_id"], row["name"], bytes(row["content"]))
        for row in OldFile.objects.values("id", "run_id", "name", "content")
    }

    migrate(leaf_nodes())

    after_runs = {row["id"]: row for row in ImportRun.objects.values(*RUN_FIELDS)}
    after_files = {
        row["id"]: (row["run_id"], row["name"], bytes(row["content"]))
        for row in ImportFile.objects.values("id", "run_id", "name", "content")
    }
    assert len(before_runs) == 12
    assert len(before_files) == sum(number % 3 for number in range(12))
    assert after_runs == before_runs
    assert after_files == before_files
    # The foreign keys still lead where they did, through the new models.
    applied = ImportRun.objects.filter(status=ImportRun.Status.APPLIED)
    assert {run.scorecard_run for run in applied} == {recompute}
    assert {run.team for run in ImportRun.objects.all()} == {team}
    assert ImportFile.objects.filter(run__team=team).count() == len(before_files)
    # Permissions given on the models follow them: their content types moved too.
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(ImportRun).app_label == "imports"
    assert not ContentType.objects.filter(app_label="analytics", model="importrun").exists()
