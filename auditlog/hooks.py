"""How the floors above the log hear of what it records, without the log knowing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the recording transaction for every event recorded one by one, with `account` and
# `event`. Receivers that have side effects schedule them on commit.
event_recorded = Signal()
