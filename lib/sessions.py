"""Database sessions, read with one plain SQL statement (SESSION_ENGINE = "lib.sessions").

Every logged-in request reads its session. Django's database backend builds that query
with the ORM, which costs about ten times as much CPU as running it; this backend runs the
same SELECT by hand, prepared once per connection (lib.prepared). Everything else is
Django's database backend: sessions stay in the django_session table, so logging out or
changing the password ends them on the server, and nothing depends on Redis.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from lib import prepared

# The model's own table and columns, as Django's backend asks for them.
_READ = (
    f'SELECT "session_data", "expire_date" FROM "{Session._meta.db_table}" '  # noqa: S608 - the model's table
    'WHERE "session_key" = %s AND "expire_date" > %s'
)


# Sessions signed in before accounts.backends existed name Django's backend, which is no
# longer in AUTHENTICATION_BACKENDS; read as ours (the same rules), they stay signed in.
_BACKEND_KEY = "_auth_user_backend"
_RENAMED_BACKENDS = {"django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend"}


class SessionStore(DatabaseSessionStore):
    def decode(self, session_data: str) -> dict:
        data = super().decode(session_data)
        backend = data.get(_BACKEND_KEY)
        if backend in _RENAMED_BACKENDS:
            data[_BACKEND_KEY] = _RENAMED_BACKENDS[backend]
        return data

    def _get_session_from_db(self) -> Session | None:
        alias = router.db_for_read(self.model)
        if not prepared.available(alias):
            return super()._get_session_from_db()
        rows = prepared.fetch(_READ, [self.session_key, timezone.now()], using=alias)
        if not rows:
            # As Django's backend does for a key it does not know: a new session.
            self._session_key = None
            return None
        data, expire_date = rows[0]
        return Session(session_key=self.session_key, session_data=data, expire_date=expire_date)
