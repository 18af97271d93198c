"""What every learning service shares: the refusal an administrator or learner is shown."""


class LearningError(Exception):
    """A request the rules refuse; the message is shown to the person."""


def display_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()
