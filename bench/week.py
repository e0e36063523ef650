"""My week's CPU per request and queries on the pages bench database, lead and a manager.

    DJANGO_SETTINGS_MODULE=config.settings.test BENCH_DB_SUFFIX=NAME \
        python bench/week.py [--save DIR]

Uses (and creates on first run, as bench/pages.py --quick does) the database of
bench/pages.py --quick: 1,000 accounts in team bench-pages and 10 in bench-pages-10.
With --save, writes each answer's bytes to DIR, to compare pages before and after a change.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

from benchdb import bench_database_url, setup_django  # noqa: E402
from figures import median_cpu_ms  # noqa: E402
from pages_data import BIG_TEAM, LEAD, SMALL_LEAD, SMALL_TEAM, load, manager_name  # noqa: E402

TABLE = {"HX-Request": "true", "HX-Target": "week-table"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--save", type=Path, default=None)
    args = parser.parse_args()
    setup_django(bench_database_url("playbook_bench_pages_quick"))
    load(1000, 120, False)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cases = [
        ("lead", LEAD, BIG_TEAM, "", {}),
        ("lead page 2", LEAD, BIG_TEAM, "?page=2", {}),
        ("lead kind filter", LEAD, BIG_TEAM, "?kind=marketing", TABLE),
        ("manager", manager_name(1), BIG_TEAM, "", {}),
        ("lead of 10", SMALL_LEAD, SMALL_TEAM, "", {}),
    ]
    print(f"{'visit':<18} {'CPU ms':>8} {'queries':>8} {'bytes':>8}")
    for name, username, team, query, headers in cases:
        client = Client(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=username))
        path = f"/t/{team}/week/{query}"
        get = partial(client.get, path, headers=headers)
        cpu = median_cpu_ms([(path, get)] * 12)
        with CaptureQueriesContext(connection) as queries:
            response = get()
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{name.replace(' ', '_')}.html").write_bytes(response.content)
        print(f"{name:<18} {cpu:>8.1f} {len(queries):>8} {len(response.content):>8}")


if __name__ == "__main__":
    main()
