"""Video links stored before issue 17 were kept as the file or the API gave them.

Each is rebuilt from the account's handle and the video's id, as imports and the sync now
store them (analytics.links); a video whose id is not digits loses its link.
"""

import re

from django.db import migrations

DIGITS = re.compile(r"[0-9]{1,32}", re.ASCII)


def rebuild(apps, schema_editor):
    Video = apps.get_model("analytics", "Video")
    rows = Video.objects.values_list("pk", "link", "video_id", "account__handle")
    changed = []
    for pk, link, video_id, handle in rows.iterator(chunk_size=2000):
        kind = "photo" if "/photo/" in (link or "") else "video"
        if DIGITS.fullmatch(video_id or ""):
            canonical = f"https://www.tiktok.com/@{handle}/{kind}/{video_id}"
        else:
            canonical = ""
        if canonical != link:
            changed.append(Video(pk=pk, link=canonical))
    Video.objects.bulk_update(changed, ["link"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0007_video_title_promotional"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
