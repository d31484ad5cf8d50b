"""The demo data of the contract (ENGINEERING.md §1), seeded by `manage.py seed_demo`."""
