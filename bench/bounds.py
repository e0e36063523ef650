"""Bounded work for hostile input (issue 17): what a row of the worst kind costs.

Numbers: parses, in process, a canonical CSV, a Studio Overview and an Ads Manager report
of R rows (default 2,000) whose every figure is hostile (`1e600000`, 400 digits, a count
beyond bigint, unicode digits, `inf`, `nan`, grouped digits 300 long), and the same files
with plain figures, each several times; prints the best time per row of each and the ratio
hostile / plain. Before the fix one `1e600000` row cost about 1.5 s.

Pages (unless --no-pages): in a separate PostgreSQL database (playbook_bench_bounds,
created and migrated here), a team with 200 promotional markers of 60 characters and an
account with five videos whose titles hold 100,000 characters, renders the account's
Content page, its scorecard page and its account page in process with the test client,
best of a few, against the login page of the same client.

Ends with one line per goal: `goal <name>: <figure> (target <op> <value>) met|missed`.

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/bounds.py [--rows R] [--no-pages]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

HOSTILE = [
    "1e600000",
    "9" * 400,
    "9223372036854775808",
    "١٢٣٤",
    "inf",
    "nan",
    "-1E+999999999",
    ",".join(["999"] * 100),
]
GOALS: list[tuple[str, float, str, float]] = []


def _best(run, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _canonical(rows: int, hostile: bool) -> bytes:
    lines = ["date,handle,video_views,likes,spend"]
    start = date(2000, 1, 1)
    for index in range(rows):
        cell = HOSTILE[index % len(HOSTILE)] if hostile else str(index)
        money = f'"{cell}"' if "," in cell else cell
        day = (start + timedelta(days=index)).isoformat()
        lines.append(f"{day},acme,{money},{money},{money}")
    return ("\n".join(lines) + "\n").encode()


def _studio(rows: int, hostile: bool) -> bytes:
    lines = ["Date,Video Views,Profile Views,Likes,Comments,Shares"]
    start = date(2000, 1, 1)
    for index in range(rows):
        cell = HOSTILE[index % len(HOSTILE)] if hostile else f"{index:,}"
        cell = f'"{cell}"'
        day = (start + timedelta(days=index)).isoformat()
        lines.append(f"{day},{cell},{cell},{cell},{cell},{cell}")
    return ("\n".join(lines) + "\n").encode()


def _ads(rows: int, hostile: bool) -> bytes:
    lines = ["By Day,Cost,Impressions,Clicks (destination),Conversions"]
    start = date(2000, 1, 1)
    for index in range(rows):
        cell = HOSTILE[index % len(HOSTILE)] if hostile else f"{index:,}"
        cell = f'"{cell}"'
        day = (start + timedelta(days=index)).isoformat()
        lines.append(f"{day},{cell},{cell},{cell},{cell}")
    return ("\n".join(lines) + "\n").encode()


def numbers(rows: int) -> None:
    import django

    django.setup()
    from imports.parsers import parse

    as_of = date(2030, 1, 1)
    for name, make, format in [
        ("canonical", _canonical, "canonical"),
        ("studio", _studio, "tiktok-studio"),
        ("ads", _ads, "ads-manager"),
    ]:
        plain, hostile = make(rows, False), make(rows, True)

        def read(data: bytes, format: str = format, name: str = name) -> tuple[int, int]:
            parsed = parse(f"{name}.csv", data, format=format, as_of=as_of)
            return len(list(parsed.rows)), len(parsed.errors)

        kept, refused = read(hostile)
        plain_s = _best(lambda data=plain: read(data))
        hostile_s = _best(lambda data=hostile: read(data))
        per_row = hostile_s / rows * 1000
        print(
            f"numbers {name}: {rows} rows, plain {plain_s / rows * 1000:.4f} ms/row, "
            f"hostile {per_row:.4f} ms/row ({kept} rows kept, {refused} errors), "
            f"ratio {hostile_s / plain_s:.2f}"
        )
        GOALS.append((f"numbers_{name}_ms_per_row", per_row, "<=", 2.0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--no-pages", action="store_true")
    options = parser.parse_args()
    if not options.no_pages:
        os.environ["DJANGO_ALLOWED_HOSTS"] = "localhost,127.0.0.1,testserver"
        from benchdb import bench_database_url, setup_django

        setup_django(bench_database_url("playbook_bench_bounds"))
    numbers(options.rows)
    if not options.no_pages:
        from bounds_pages import pages

        GOALS.extend(pages())
    for name, figure, op, target in GOALS:
        met = figure <= target if op == "<=" else figure >= target
        print(f"goal {name}: {figure:.3f} (target {op} {target}) {'met' if met else 'missed'}")


if __name__ == "__main__":
    main()
