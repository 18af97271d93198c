"""Spaced re-practice of the wrong-answer book, with FSRS (the Free Spaced Repetition
Scheduler, https://github.com/open-spaced-repetition/py-fsrs, version 6).

Each wrong-book entry carries an FSRS card. A wrong answer reviews it as "Again", a right answer
on a later day as "Good"; the card's due moment is when the entry comes back in 今日复习.
Parameters: FSRS 6's published default weights, a desired retention of 90 %, no intra-day
learning steps (practice is a once-a-day habit, so the shortest interval is one day) and no
fuzzing (the dates are reproducible). With them a question answered wrong comes back the next
day, and after a right answer two days later, then about a week.

An entry leaves the book once it is answered right on at least ``OCCASIONS_TO_CLEAR`` separate
days — never counting the day it was answered wrong, when the key has just been shown — and
FSRS rates the memory of it stable for ``MASTERED_DAYS`` (the interval over which recall is
predicted to stay at 90 %): with the default weights, after right answers on about the 1st, 3rd,
9th and 26th day.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from fsrs import Card, Rating, Scheduler

DESIRED_RETENTION = 0.9
OCCASIONS_TO_CLEAR = 2
MASTERED_DAYS = 21
SCHEDULER = Scheduler(
    desired_retention=DESIRED_RETENTION,
    learning_steps=(),
    relearning_steps=(),
    enable_fuzzing=False,
)


def review(card: dict, *, correct: bool, now: datetime) -> tuple[dict, datetime]:
    """The card after one review (a dict, as stored), and when it is due next."""
    moment = now.astimezone(UTC)  # FSRS works in UTC
    current = Card.from_dict(card) if card else Card(due=moment)
    rating = Rating.Good if correct else Rating.Again
    reviewed, _ = SCHEDULER.review_card(current, rating, moment)
    return reviewed.to_dict(), reviewed.due


@dataclass(frozen=True)
class EntryState:
    """What a wrong-book entry holds of its history."""

    card: dict
    due_at: datetime | None
    wrong_count: int
    right_occasions: int
    last_wrong_on: date | None
    last_right_on: date | None
    cleared: bool


def after_answer(state: EntryState, *, correct: bool, now: datetime, today: date) -> EntryState:
    """The entry after an answer: a wrong one (re)opens it for tomorrow; a right one counts once
    a day, not on the day of a wrong answer, and clears it when it is mastered."""
    if not correct:
        card, due = review(state.card, correct=False, now=now)
        return EntryState(card, due, state.wrong_count + 1, 0, today, None, False)
    if state.cleared or today in (state.last_wrong_on, state.last_right_on):
        return state
    card, due = review(state.card, correct=True, now=now)
    occasions = state.right_occasions + 1
    cleared = occasions >= OCCASIONS_TO_CLEAR and card["stability"] >= MASTERED_DAYS
    return EntryState(
        card, None if cleared else due, state.wrong_count, occasions,
        state.last_wrong_on, today, cleared,
    )  # fmt: skip
