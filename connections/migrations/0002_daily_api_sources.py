from django.db import migrations

_ORGANIC = {"video_views", "likes", "comments", "shares"}


def sources_from_snapshots(apps, schema_editor):
    """The days the sync derived figures for (AccountSnapshot.written) are the API's, unless
    a Studio file wrote them (analytics' migration 0010 recorded those first)."""
    AccountSnapshot = apps.get_model("connections", "AccountSnapshot")
    DailyMetric = apps.get_model("analytics", "DailyMetric")
    snapshots = AccountSnapshot.objects.filter(written__isnull=False).values_list(
        "account_id", "date", "written"
    )
    for account_id, day, written in snapshots.iterator():
        names = set(written or {})
        days = DailyMetric.objects.filter(account_id=account_id, date=day)
        if names & _ORGANIC:
            days.filter(organic_source="").update(organic_source="api")
        if "followers" in names:
            days.filter(followers_source="").update(followers_source="api")


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0001_tiktok_connections"),
        ("analytics", "0010_day_sources_and_activity_import"),
    ]

    operations = [migrations.RunPython(sources_from_snapshots, migrations.RunPython.noop)]
