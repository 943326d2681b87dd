"""Notifications of discussions. (Being written.)"""


def message_published(message) -> None:
    """Tell the thread's watchers and the people ``message`` mentions."""
