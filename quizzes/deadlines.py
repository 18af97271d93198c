"""A person's terms for a quiz, as pure arithmetic: the quiz's settings overridden by their own
(``PersonalSetting``), and what follows from them — until when they may start, how many
attempts they have, and when an attempt started at a given moment ends.

* Extra time lengthens the limit and is never cut off by the common close: without a personal
  close, the person's close is the common close plus their extra time.
* A personal close replaces the common one (it may be later or earlier).
* An untimed quiz ends at the close; a timed one at start + limit + extra time, or at the close
  if that comes first.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Terms:
    time_limit_minutes: int | None  # None: untimed
    opens_at: datetime | None
    common_close: datetime | None
    attempt_limit: int | None  # None: unlimited
    extra_minutes: int = 0
    personal_close: datetime | None = None
    extra_attempts: int = 0

    @property
    def start_close(self) -> datetime | None:
        """The moment starting stops for this person."""
        return self.personal_close or self.common_close

    @property
    def close(self) -> datetime | None:
        """The last moment this person's attempt may run."""
        if self.personal_close:
            return self.personal_close
        if self.common_close and self.extra_minutes:
            return self.common_close + timedelta(minutes=self.extra_minutes)
        return self.common_close

    @property
    def limit_minutes(self) -> int | None:
        if self.time_limit_minutes is None:
            return None
        return self.time_limit_minutes + self.extra_minutes

    @property
    def attempts_allowed(self) -> int | None:
        if self.attempt_limit is None:
            return None
        return self.attempt_limit + self.extra_attempts

    def deadline(self, started_at: datetime) -> datetime | None:
        """When an attempt started at ``started_at`` ends; None: never (untimed, no close)."""
        if self.limit_minutes is None:
            return self.close
        end = started_at + timedelta(minutes=self.limit_minutes)
        return min(end, self.close) if self.close else end

    def refusal(self, now: datetime, used: int) -> str:
        """Why this person may not start an attempt now (having used ``used``), or ""."""
        if self.opens_at and now < self.opens_at:
            return f"该测试将于 {_local(self.opens_at)} 开放。"
        if self.start_close and now >= self.start_close:
            return "该测试已经结束。"
        if self.attempts_allowed is not None and used >= self.attempts_allowed:
            return f"该测试最多可作答 {self.attempts_allowed} 次，您已用完。"
        return ""


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M")
