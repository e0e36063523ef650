"""The benchmarks' clients write one request in WRITE_EVERY, however their time is cut up.

bench/pages.py and bench/ticks.py time in rounds (--rounds). A count of requests begun
again each round wrote only in rounds where a client made WRITE_EVERY requests: with four
rounds of the quick size, 12 ticks among 740 reads instead of about 80.
"""

from __future__ import annotations

from tests.bench_scripts import bench_module

clients = bench_module("clients")


def test_a_client_writes_one_request_in_write_every_across_short_rounds() -> None:
    client = clients.Client(port=1, n=3)
    # Rounds of 4 requests each, fewer than WRITE_EVERY: the count runs on between them.
    rounds = [[client.write_due() for _ in range(4)] for _ in range(25)]
    assert sum(sum(made) for made in rounds) == 100 // clients.WRITE_EVERY


def test_the_clients_first_writes_do_not_come_together() -> None:
    firsts = set()
    for n in range(clients.WRITE_EVERY):
        client = clients.Client(port=1, n=n)
        firsts.add(next(made for made in range(1, 100) if client.write_due()))
    assert firsts == set(range(1, clients.WRITE_EVERY + 1))
