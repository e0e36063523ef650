"""The benchmarks' own PostgreSQL database: named per benchmark, created and migrated once."""

from __future__ import annotations

import os
from urllib.parse import urlsplit


def bench_database_url(name: str) -> str:
    """DATABASE_URL (or the test default) with the database name replaced by `name`."""
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/playbook"))
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
