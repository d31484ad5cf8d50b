"""Which failures of background work are worth another try: one rule for every task.

A task retries what may pass by itself (the database, Redis, the mail server or the ESP out of
reach or overloaded, a full or failing disk) and nothing else: a refusal (`DomainError`), a
permission (`PermissionError`, an `OSError` too), a rejected recipient or a bug fails the same way
every time, so it fails at once.
"""

from __future__ import annotations

import errno
import smtplib

import psycopg
import redis
import requests
from anymail.exceptions import AnymailAPIError
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from accounts.errors import DomainError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    BrokerError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)
# Disk full, quota reached, or an I/O error: a missing file or a permission is no such thing.
TRANSIENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO})


def is_transient(exc: BaseException) -> bool:
    """Worth another try: an outage, a timeout or a full disk; never a refusal or a rejection."""
    if isinstance(exc, DomainError):
        return False
    if isinstance(exc, AnymailAPIError):
        return _esp_transient(exc)
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500  # SMTP's own "try again later"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    return isinstance(exc, OSError) and exc.errno in TRANSIENT_ERRNOS


def _esp_transient(exc: AnymailAPIError) -> bool:
    # The ESP's API was out of reach (no answer), overloaded (429) or failing (5xx); any other
    # answer is a rejection that another try would repeat.
    if exc.status_code is None:
        return isinstance(exc, requests.ConnectionError | requests.Timeout)
    return exc.status_code == 429 or exc.status_code >= 500
