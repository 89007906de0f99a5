"""Timing shared by the benchmark scripts of this folder."""
import time


def best_seconds(f, repeats=5):
    """The fastest of `repeats` calls of f, after one warm-up call."""
    f()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best
