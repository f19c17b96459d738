"""Waiting inside a Lambda: every sleep is checked against the invocation's remaining time.

The clock and the sleep are injected, so the tests never really sleep: a fake clock's ``sleep``
advances the time the fake context reports.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Optional

DEFAULT_MARGIN_SECONDS = 5.0
"""Time kept back to log the error and return it before Lambda kills the invocation."""
LOCAL_BUDGET_SECONDS = 900.0
"""Budget when called without a Lambda context (a CLI or a test calling the function in-process)."""


class PublishTimeout(RuntimeError):
    """The publish gave up waiting before the Lambda's time ran out; the message says on what."""


class Deadline:
    """The time left to this invocation, and sleeps that stop short of it."""

    def __init__(
        self,
        remaining_ms: Callable[[], float],
        sleep: Callable[[float], None] = time.sleep,
        margin_seconds: float = DEFAULT_MARGIN_SECONDS,
    ) -> None:
        self._remaining_ms = remaining_ms
        self._sleep = sleep
        self.margin_seconds = margin_seconds

    @classmethod
    def for_context(
        cls,
        context: Optional[Any],
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        margin_seconds: float = DEFAULT_MARGIN_SECONDS,
    ) -> "Deadline":
        """From a Lambda context's ``get_remaining_time_in_millis``, or a local budget without one."""
        if context is not None and hasattr(context, "get_remaining_time_in_millis"):
            return cls(context.get_remaining_time_in_millis, sleep, margin_seconds)
        end = monotonic() + LOCAL_BUDGET_SECONDS
        return cls(lambda: (end - monotonic()) * 1000.0, sleep, margin_seconds)

    def remaining(self) -> float:
        """Seconds left to this invocation."""
        return self._remaining_ms() / 1000.0

    def sleep(self, seconds: float, waiting_for: str) -> None:
        """Sleep ``seconds``, or raise :class:`PublishTimeout` when that would eat into the margin."""
        left = self.remaining()
        if left - seconds < self.margin_seconds:
            raise PublishTimeout(
                f"gave up waiting for {waiting_for} with {left:.1f} s of the Lambda's time left; "
                "what was already created stays and a rerun of the same publish reuses it"
            )
        self._sleep(seconds)
