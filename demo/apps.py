from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`seed_demo`). Installed only where DEMO_ENABLED is on, never in production."""

    name = "demo"
