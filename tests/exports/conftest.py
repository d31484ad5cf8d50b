"""Export fixtures: files in a directory of the test's own, and tasks recorded instead of sent
(worker tests, marked `worker`, publish for real)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from notifications import dispatch


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    """Export files go to a directory of this test's own (Django's storage API, local disk)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def enqueued(request, settings, monkeypatch) -> Iterator[list[tuple[str, list]]]:
    """Tasks the code enqueues, recorded as (task name, args) instead of published: unit tests
    run them by hand, and nothing reaches a broker that a `make run` worker might consume."""
    calls: list[tuple[str, list]] = []
    if request.node.get_closest_marker("worker"):
        yield calls
        return
    settings.DISPATCH_IN_BACKGROUND = False

    def record(task_name: str, args) -> bool:
        calls.append((task_name, list(args)))
        return True

    monkeypatch.setattr(dispatch, "enqueue", record)
    yield calls
