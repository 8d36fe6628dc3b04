"""Login throttle: wrong passwords in a row lock an account name and an address for a while.

Every login attempt (the chat's login form, the API's Basic credentials or token) is
counted under two keys: the account name tried and the client's address. After
``free`` failures in a row on a key, that key is locked for ``base_s`` seconds, and each
further failure once the lock has passed doubles it (up to ``max_s``). While either key
is locked the attempt is refused *without checking the password* (the caller answers
429 with ``Retry-After``), so guessing gains nothing from speed; the right password
works again as soon as the delay has passed, and clears the count. Attempts still
being checked count as failures until they finish, so a burst of parallel guesses is
held to the same budget as guesses one after another.

>>> clock = [0.0]
>>> t = Throttle(free=2, base_s=10, max_s=60, clock=lambda: clock[0])
>>> keys = ("user:bob", "addr:10.0.0.9")
>>> [t.begin(keys), t.end(keys, ok=False), t.begin(keys), t.end(keys, ok=False)]
[0.0, 0.0, 0.0, 10.0]
>>> t.begin(keys)          # locked: refused for 10 more seconds
10.0
>>> clock[0] = 10.0; t.begin(keys), t.end(keys, ok=False)    # wrong again: twice as long
(0.0, 20.0)
>>> clock[0] = 30.0; t.begin(keys), t.end(keys, ok=True), t.begin(keys)
(0.0, 0.0, 0.0)
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MAX_KEYS = 50_000  # keys remembered (least recently failed forgotten first)
FORGET_S = 3600.0  # a key with no failure for this long (after its lock) starts afresh


@dataclass
class _Record:
    failures: int = 0
    pending: int = 0
    locked_until: float = 0.0
    last: float = 0.0


def user_key(name: str) -> str:
    """The throttle key of an account name as typed (case and spaces folded)."""
    return "user:" + name.strip().lower()[:128]


def address_key(address: str) -> str:
    return "addr:" + address


class Throttle:
    """Counts failures per key and says how long a key must wait; thread-safe."""

    def __init__(self, free: int = 5, base_s: float = 2.0, max_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base_s, self.max_s, self.clock = free, base_s, max_s, clock
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def _record(self, key: str, now: float) -> _Record:
        record = self._records.get(key)
        if record is None or (not record.pending and
                              now > max(record.locked_until, record.last) + FORGET_S):
            record = self._records[key] = _Record()
        self._records.move_to_end(key)
        while len(self._records) > MAX_KEYS:
            self._records.popitem(last=False)
        return record

    def begin(self, keys: Iterable[str]) -> float:
        """Seconds to wait before an attempt is allowed (0: go ahead, and call :meth:`end`)."""
        now, keys = self.clock(), tuple(keys)
        with self._lock:
            records = [self._record(k, now) for k in keys]
            wait = max([r.locked_until - now for r in records] + [0.0])
            if not wait and any(r.failures + r.pending >= self.free and r.pending
                                for r in records):
                wait = self.base_s  # parallel guesses past the budget: wait for them
            if wait > 0:
                return float(math.ceil(wait))
            for record in records:
                record.pending += 1
            return 0.0

    def end(self, keys: Iterable[str], ok: bool) -> float:
        """Record how an allowed attempt ended; the delay a failure has now set (or 0)."""
        now, delay = self.clock(), 0.0
        with self._lock:
            for key in keys:
                record = self._record(key, now)
                record.pending = max(0, record.pending - 1)
                if ok:
                    record.failures, record.locked_until = 0, 0.0
                    continue
                record.failures += 1
                record.last = now
                over = record.failures - self.free
                if over >= 0:
                    lock = float(min(self.max_s, self.base_s * 2 ** min(over, 30)))
                    record.locked_until = max(record.locked_until, now + lock)
                    delay = max(delay, lock)
        return delay

    def failures(self, key: str) -> int:
        with self._lock:
            record = self._records.get(key)
            return record.failures if record else 0
