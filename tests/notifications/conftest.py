"""Notification fixtures: tasks recorded instead of published, so nothing reaches a broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from notifications import dispatch


@pytest.fixture(autouse=True)
def enqueued(settings, monkeypatch) -> Iterator[list[tuple[str, list]]]:
    """Tasks the code enqueues, as (task name, args); tests run them by hand."""
    calls: list[tuple[str, list]] = []
    settings.DISPATCH_IN_BACKGROUND = False

    def record(task_name: str, args) -> bool:
        calls.append((task_name, list(args)))
        return True

    monkeypatch.setattr(dispatch, "enqueue", record)
    yield calls
