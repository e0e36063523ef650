"""Concurrent clients of a served app: each a different logged-in user, with keep-alive.

The lead and the managers of bench/pages_data.py's team log in with PASSWORD; a client
reads pages and, one request in WRITE_EVERY, writes (a tick or a note).
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

PASSWORD = "bench-ticks-password-1"  # noqa: S105 - a throwaway database's users
TICK_RE = re.compile(r'action="(/t/[^"]+/checklist/items/[0-9a-f-]+/tick/)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# One request in this many is a write (a tick or a note); the others read pages.
WRITE_EVERY = 10
# Accounts per client whose checklist items it ticks.
TICKED_ACCOUNTS = 5


class Client:
    """One browser: a keep-alive connection and the cookies of a logged-in session.

    Its `randomness` and its count of requests run on from one timed round to the next,
    so that one request in WRITE_EVERY is a write however short the rounds are (a count
    begun again each round writes only in rounds where the client makes WRITE_EVERY
    requests) and the rounds do not repeat each other's accounts.
    """

    def __init__(self, port: int, n: int = 0) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.randomness = random.Random(n)
        # Offset by the client's number, so that the clients' writes do not come together.
        self.made = n

    def write_due(self) -> bool:
        """Counts a request: whether it is to be this client's write, one in WRITE_EVERY."""
        self.made += 1
        return self.made % WRITE_EVERY == 0

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body or None, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed an idle keep-alive connection: a browser opens another.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body or None, headers=headers)
            response = self.conn.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def log_in(self, username: str) -> None:
        status, page = self.request("GET", "/login/")
        token = CSRF_RE.search(page)[1]
        form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        status, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{username} could not log in ({status})")

    def tick_urls(self, team: str, handles: list[str]) -> list[str]:
        urls = []
        for handle in handles:
            status, page = self.request("GET", f"/t/{team}/a/{handle}/checklist/")
            if status != 200:
                raise SystemExit(f"the checklist of {handle} answered {status}")
            urls += TICK_RE.findall(page)
        return urls

    def write(self, *, notes: float = 0.0) -> tuple[float, str]:
        """A tick (htmx) or, a share `notes` of the time, a note on a random item of the
        client's: (seconds, error or "")."""
        randomness = self.randomness
        path = randomness.choice(self.urls)
        headers = {"HX-Request": "true", "X-CSRFToken": self.cookies["csrftoken"]}
        if randomness.random() < notes:
            path = path.removesuffix("tick/") + "note/"
            body = urlencode({"note": f"bench note {randomness.randrange(1000)}"})
        else:
            body = urlencode({"ticked": "1"} if randomness.random() < 0.6 else {})
        started = time.perf_counter()
        status, content = self.request("POST", path, body, headers)
        seconds = time.perf_counter() - started
        ok = status == 200 and "checklist-progress" in content
        return seconds, "" if ok else f"POST {path} {status}"


def team_clients(port: int, team: str, users: list[tuple[str, list[str]]]) -> list[Client]:
    """One logged-in client per user, with `handles` (what it may see) and `urls` (the
    items it ticks: those of its first TICKED_ACCOUNTS accounts)."""
    clients = []
    for n, (username, handles) in enumerate(users):
        client = Client(port, n)
        client.log_in(username)
        client.handles = handles
        # The lead's accounts are everyone's: it ticks some nobody else does.
        mine = handles[-TICKED_ACCOUNTS:] if n == 0 else handles[:TICKED_ACCOUNTS]
        client.urls = client.tick_urls(team, mine)
        clients.append(client)
    return clients


def trivial_work(port: int):
    """The trivial view's load, the baseline of every page: GET /login/ as an anonymous user."""

    def trivial(n: int, deadline: float) -> tuple[list[float], list[str]]:
        anonymous = Client(port)
        latencies, errors = [], []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status, _ = anonymous.request("GET", "/login/")
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(f"GET /login/ {status}")
        return latencies, errors

    return trivial


def run_clients(count: int, seconds: float, work) -> tuple[list[float], list[str]]:
    """work(n, deadline) -> (latencies, errors) in `count` threads; all results together."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        barrier.wait()
        mine, failed = work(n, time.monotonic() + seconds)
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors
