"""How every benchmark takes and prints its figures: latency percentiles, CPU per request
in process, and one line per goal."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def report(name: str, latencies: list[float], seconds: float) -> float:
    if len(latencies) < 2:
        # A machine busy with other work can leave a short run without enough requests.
        raise SystemExit(
            f"{name}: {len(latencies)} request(s) in {seconds:g} s, too few for a p95; "
            "run longer (--seconds) or on a quieter machine"
        )
    cut = statistics.quantiles(latencies, n=100)
    p50, p95, p99 = cut[49] * 1000, cut[94] * 1000, cut[98] * 1000
    print(
        f"{name:<22} {len(latencies):>7} requests {len(latencies) / seconds:>8.0f}/s   "
        f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms   "
        f"max {max(latencies) * 1000:6.1f} ms"
    )
    return p95


def goal(name: str, figure: float, op: str, target: float, digits: int = 2) -> None:
    """One goal's line, the same in every benchmark: figure, target, met or missed."""
    met = {"<=": figure <= target, "<": figure < target, "==": figure == target}[op]
    verdict = "met" if met else "missed"
    print(f"goal {name}: {figure:.{digits}f} (target {op} {target:g}) {verdict}")


def median_cpu_ms(requests: list[tuple[str, Callable]], *, warm: int = 3) -> float:
    """The median CPU (process time, ms) of in-process requests, each a path and the call
    that makes it (a test client's get or post); the first `warm` only warm the caches.
    Any answer but 200 stops the benchmark."""
    used = []
    for n, (path, call) in enumerate(requests):
        started = time.process_time()
        response = call()
        if n >= warm:
            used.append(time.process_time() - started)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return statistics.median(used) * 1000
