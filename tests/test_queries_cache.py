"""The per-version cache of the query runner and the comparison: versions and single flight."""

from __future__ import annotations

import threading
import time

import pytest

from shnor_kg.queries import VersionedCache


def test_a_new_version_empties_the_cache():
    cache = VersionedCache()
    assert cache.get_or_compute("1", "k", lambda: "a") == ("a", False)
    assert cache.get_or_compute("1", "k", lambda: "b") == ("a", True)
    assert cache.get_or_compute("2", "k", lambda: "c") == ("c", False)


def test_concurrent_callers_of_a_cold_key_share_one_computation():
    cache, started, release = VersionedCache(), threading.Event(), threading.Event()
    calls, results = [], []

    def compute():
        calls.append(1)
        started.set()
        release.wait(5)
        return "answer"

    def ask():
        results.append(cache.get_or_compute("1", "k", compute))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.1)  # the others reach the cache while the first still computes
    release.set()
    for thread in threads:
        thread.join(5)
    assert len(calls) == 1
    assert sorted(results) == [("answer", False)] + [("answer", True)] * 5


def test_after_a_failed_computation_a_waiter_computes_again():
    cache, started, release = VersionedCache(), threading.Event(), threading.Event()
    outcomes = []

    def failing():
        started.set()
        release.wait(5)
        raise RuntimeError("time limit")

    def first():
        with pytest.raises(RuntimeError):
            cache.get_or_compute("1", "k", failing)

    leader = threading.Thread(target=first)
    leader.start()
    started.wait(5)
    waiter = threading.Thread(target=lambda: outcomes.append(cache.get_or_compute("1", "k", lambda: "second try")))
    waiter.start()
    release.set()
    leader.join(5)
    waiter.join(5)
    assert outcomes == [("second try", False)]
