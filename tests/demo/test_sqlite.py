"""The demo as `make run` starts it: local settings on SQLite, seeded twice, every page served.

The suite runs on PostgreSQL; this test is the one place the demo's own database is used,
in a subprocess with a fresh SQLite file, so what only SQLite does wrong shows up here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.demo import sqlite_demo

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Run by `manage.py shell`: every page of every demo account through the test client, as
# lena, and each Content page's rows (views, likes, comments, shares, engagement rate).
PROBE = r"""
import json, re
from django.contrib.auth import get_user_model
from django.test import Client
from accounts.models import Account
from analytics.models import Video

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(username="lena"))
urls = ["/t/acme/", "/t/acme/scorecards/", "/t/acme/scorecards/export.csv", "/t/acme/imports/",
        "/t/acme/imports/new/", "/t/acme/promotional-markers/", "/t/acme/accounts/",
        "/t/acme/alerts/", "/profile/", "/profile/digest/", "/t/acme/report/",
        "/t/acme/report/?start=2025-01-01&end=2025-03-31&compare=year", "/t/acme/reports/shares/"]
for handle in Account.objects.order_by("handle").values_list("handle", flat=True):
    base = f"/t/acme/a/{handle}/"
    video = Video.objects.filter(account__handle=handle).order_by("video_id").first()
    urls += [base, base + "scorecard/", base + "checklist/", base + "videos/",
             base + "videos/?sort=-engagement_rate", base + "videos/export.csv",
             base + f"videos/{video.video_id}/", base + "report/",
             f"/t/acme/imports/new/?account={handle}"]
statuses = {url: client.get(url).status_code for url in urls}
html = client.get("/t/acme/a/acmecoffee/videos/").content.decode()
cells = re.findall(
    r'data-column="views">([\d,]+)</td>\s*<td[^>]*>([\d,]+)</td>\s*<td[^>]*>([\d,]+)</td>'
    r'\s*<td[^>]*>([\d,]+)</td>\s*<td[^>]*>([\d.]+)%</td>', html)
rows = [[int(n.replace(",", "")) for n in row[:4]] + [row[4]] for row in cells]
export = client.get("/t/acme/a/acmecoffee/videos/export.csv").content.decode().splitlines()
from django.conf import settings
missing = client.get("/t/acme/no-such-page/")
served = {path: client.get(path).status_code
          for path in ("/favicon.ico", "/static/css/playbook.css", "/static/img/favicon.png")}
print(json.dumps({"statuses": statuses, "rows": rows, "export": export, "debug": settings.DEBUG,
                  "missing": [missing.status_code, missing.content.decode()], "served": served}))
"""


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_it_seeds_the_sqlite_demo_twice_and_serves_every_page() -> None:
    # `manage.py migrate --no-input -v0` of a fresh SQLite file, started in the background
    # when the run collected this test (tests/demo/sqlite_demo.py).
    env = sqlite_demo.migrated()
    first = manage("seed_demo", env=env).stdout
    again = manage("seed_demo", env=env).stdout

    assert "demo videos: 0 videos" not in first
    assert "demo videos: 0 videos and 0 snapshots added" in again
    assert "alerts, a digest preview to lena@example.com" in first
    assert "demo notifications" not in again
    probe = json.loads(manage("shell", "-c", PROBE, env=env).stdout.splitlines()[-1])
    failed = {url: status for url, status in probe["statuses"].items() if status != 200}
    assert not failed
    assert len(probe["statuses"]) == 13 + 5 * 9
    # DEBUG is off: a missing page is the product's own 404, not Django's URL list; static
    # files and the favicon are still served (WhiteNoise).
    assert probe["debug"] is False
    status, html = probe["missing"]
    assert status == 404 and "URLconf" not in html and "Page not found" in html
    assert probe["served"] == dict.fromkeys(
        ("/favicon.ico", "/static/css/playbook.css", "/static/img/favicon.png"), 200
    )
    # The engagement rates SQLite computes are the counts' own, to one decimal.
    assert len(probe["rows"]) == 25
    for views, likes, comments, shares, rate in probe["rows"]:
        assert abs(float(rate) - 100 * (likes + comments + shares) / views) <= 0.05 + 1e-9
    # The CSV is ordered by handle, post date, video id and snapshot day, on SQLite too.
    header, *lines = probe["export"]
    assert header.startswith("handle,video_id,posted_on,title,snapshot_on")
    keys = [(line.split(",")[2], line.split(",")[1]) for line in lines]
    assert len(lines) > 25
    assert keys == sorted(keys)
