"""What ships: the production settings pass Django's deploy check, the compose file stays whole."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_DB_POOL_MAX_SIZE",
)


def test_it_passes_the_deploy_check_with_debug_off() -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "playbook.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_hashes_passwords_with_argon2_and_throttles_logins() -> None:
    from django.conf import settings

    base = ROOT / "config" / "settings" / "base.py"
    text = base.read_text()
    assert (
        '"django.contrib.auth.hashers.Argon2PasswordHasher",'
        in text.split("PASSWORD_HASHERS")[1][:200]
    )
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert "unsafe-eval" not in str(settings.CONTENT_SECURITY_POLICY)


def test_it_declares_every_service_of_the_stack() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "pgdata" in compose["volumes"]
    web = " ".join(services["web"]["command"].split())
    assert "manage.py migrate" in web and "gunicorn config.wsgi:application" in web
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")


def test_it_gives_the_app_services_the_variables_the_readme_documents() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    readme = (ROOT / "README.md").read_text()
    for name in ("web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        for variable in SETTINGS_VARIABLES:
            assert variable in env, f"{name} lacks {variable}"
            assert f"`{variable}`" in readme, f"README does not document {variable}"
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()


def test_it_names_both_commands_first_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    head = readme[:1500]
    assert "make run" in head and "make test" in head


POOL_PROBE = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
connection.close()  # back to the pool, not closed
pool = connection.pool
print(connection.settings_dict["CONN_MAX_AGE"], pool.max_size, pool.get_stats()["pool_size"])
"""


def test_production_reaches_postgresql_through_a_pool() -> None:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/playbook")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # The server's maintenance database: the probe only asks SELECT 1.
        "DATABASE_URL": urlsplit(url)._replace(path="/postgres").geturl(),
        "DJANGO_DB_POOL_MAX_SIZE": "3",
        # Asked for but ignored: a pool replaces persistent connections.
        "DJANGO_CONN_MAX_AGE": "60",
    }
    result = subprocess.run(
        [sys.executable, "-c", POOL_PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    conn_max_age, max_size, open_connections = map(int, result.stdout.split())
    assert (conn_max_age, max_size) == (0, 3)
    assert open_connections >= 1
