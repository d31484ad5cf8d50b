from tests.notifications.conftest import enqueued  # noqa: F401  (tasks recorded, not published)
