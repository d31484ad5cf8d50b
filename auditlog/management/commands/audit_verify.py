"""`manage.py audit_verify [--account N …]`: verify accounts' hash chains (docs/operations.md).

Checks seq continuity, every hash, every signed checkpoint and retention anchor (in the database
and in storage) and the chain against its newest checkpoint and head; prints each account's
outcome, naming the first broken or missing link, records it as the account's Verification, and
exits non-zero when any account fails.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from accounts.models import Account
from auditlog.integrity.verify import VerificationResult, chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain of every account (or of the accounts named)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--account",
            type=int,
            action="append",
            dest="accounts",
            metavar="ID",
            help="verify this account only (repeat for several)",
        )
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="print the outcome without recording it as the accounts' latest verification",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted: list[int] | None = options["accounts"]
        with scopes_disabled():  # an operator's tool over every account
            accounts = Account.objects.order_by("id")
            if wanted:
                accounts = accounts.filter(id__in=wanted)
            names = dict(accounts.values_list("id", "name"))
        missing = sorted(set(wanted or ()) - set(names))
        if missing:
            raise CommandError(f"no account with id {', '.join(map(str, missing))}")
        failed = 0
        for account_id, name in names.items():
            result = chain_verify(account_id=account_id, record=not options["no_record"])
            self._report(name, result)
            failed += not result.ok
        if failed:
            raise CommandError(
                f"{failed} of {len(names)} accounts failed verification", returncode=1
            )

    def _report(self, name: str, result: VerificationResult) -> None:
        who = f"account {result.account_id} ({name})"
        seconds = ((result.finished_at or result.started_at) - result.started_at).total_seconds()
        if result.failure is None:
            checkpoint = (
                f"; matches the signed checkpoint at seq {result.checkpoint_seq}"
                if result.checkpoint_seq
                else "; no checkpoint yet"
            )
            self.stdout.write(
                self.style.SUCCESS(f"{who}: verified")
                + f" — {result.events_checked:,} events through seq {result.through_seq:,}"
                f"{checkpoint} ({seconds:.1f} s)"
            )
        else:
            failure = result.failure
            event = f", event {failure.event_id}" if failure.event_id is not None else ""
            self.stdout.write(
                self.style.ERROR(f"{who}: FAILED at seq {failure.seq}{event}: {failure.check}")
                + f" — {failure.detail} (intact through seq {result.through_seq:,})"
            )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
