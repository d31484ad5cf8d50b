"""`manage.py seed_demo`: the demo accounts, people, records and events of the contract."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo import data
from demo.seed import DEFAULT_EVENTS, DEFAULT_SEED, demo_present, demo_seed


class Command(BaseCommand):
    help = (
        "Seed the demo data (ENGINEERING.md §1): Northwind Traders (Enterprise), Globex "
        "(Professional) and Initech (Starter), their people (password "
        f"'{data.DEMO_PASSWORD}'), teams, platform employees, CRM records and about --events "
        "events over the last 120 days. Idempotent: accounts are found by name and people by "
        "email, and what exists is kept unchanged; records are created only for an account "
        "without records, and events only for an account without events (so a second run adds "
        "nothing). To regenerate the events, start from an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--events",
            type=int,
            default=DEFAULT_EVENTS,
            help=f"events to generate across the three accounts (default {DEFAULT_EVENTS:,}; "
            "about 85%% in Northwind Traders)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the demo accounts already exist with events (for `make run`)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="random seed; the same seed gives the same data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["events"] < 0:
            self.stderr.write("--events must be 0 or more")
            raise SystemExit(2)
        # Checked before anything else so that `make run` starts at once when the data is there.
        if options["if_empty"] and demo_present():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        verbose = options["verbosity"]
        result = demo_seed(
            events=options["events"],
            if_empty=options["if_empty"],
            seed=options["seed"],
            progress=(lambda message: self.stdout.write(f"  {message}")) if verbose else None,
        )
        if result.skipped:
            self.stdout.write("Demo data already present; nothing to do.")
            return
        for account in result.accounts:
            self.stdout.write(
                f"{account.name} ({account.tier}, id {account.account_id}): "
                f"{account.events_created:,} events added, {account.events_total:,} in total, "
                f"{len(account.categories)} categories, {account.records:,} CRM records"
            )
            if verbose > 1:
                for category, count in account.categories.items():
                    self.stdout.write(f"    {category:<28} {count:>8,}")
        rate = result.events_created / result.seconds if result.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.events_created:,} events in {result.seconds:.1f} s "
                f"({rate:,.0f} events/s)."
            )
        )
