"""The benchmarks' own PostgreSQL database: named per benchmark, created and migrated once."""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urlsplit


def bench_database_url(name: str) -> str:
    """DATABASE_URL (or the test default) with the database name replaced by `name`,
    followed by `_<BENCH_DB_SUFFIX>` when that is set: benches run side by side (several
    checkouts on one machine) each keep their own database."""
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/playbook"))
    suffix = os.environ.get("BENCH_DB_SUFFIX", "")
    if suffix:
        name = f"{name}_{suffix}"
    return url._replace(path=f"/{name}").geturl()


def create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def setup_django(url: str) -> None:
    """Points Django at the bench database, creating and migrating it when needed."""
    create_database(url)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def accounts_create(team: object, count: int, handle: Callable[[int], str]) -> None:
    """`count` accounts of the team, three official to two marketing, as every bench has."""
    from accounts.models import DEFAULT_TARGETS, Account, Kind

    kinds = [Kind.OFFICIAL if i % 5 < 3 else Kind.MARKETING for i in range(count)]
    Account.objects.bulk_create(
        (
            Account(
                team=team,
                handle=handle(i),
                kind=kind,
                verified=i % 7 != 0,
                primary_goal="brand_image" if kind == Kind.OFFICIAL else "conversions",
                **DEFAULT_TARGETS[kind],
            )
            for i, kind in enumerate(kinds)
        ),
        batch_size=2000,
    )


def production_passwords(usernames: list[str], password: str) -> None:
    """`password` hashed with Argon2 for these users, which the production settings of the
    benchmarks' servers check (the test settings that load the data hash with MD5, which
    production does not know)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    hashed = hasher.encode(password, hasher.salt())
    get_user_model().objects.filter(username__in=usernames).update(password=hashed)
