"""One rule for what background work retries (notifications/transient.py): outages, timeouts and
a full disk; never a refusal, a permission, a rejected recipient or a bug."""

from __future__ import annotations

import errno
import smtplib
from types import SimpleNamespace

import psycopg
import pytest
import redis
import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
    AnymailRequestsAPIError,
)
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from accounts.entitlements import Capability, NotEntitled
from accounts.errors import DomainError, NotFound, Refused
from auditlog.services import InvalidEvent
from console.comments import CommentError
from console.saved_views import ViewNameError
from crm.services import RestoreRefused
from exports.selectors import ExportRefused
from notifications.transient import is_transient


def esp_answered(status: int) -> AnymailRequestsAPIError:
    return AnymailRequestsAPIError(response=SimpleNamespace(status_code=status, reason="x"))


def esp_unreachable(kind: type[requests.RequestException]) -> AnymailRequestsAPIError:
    # What anymail raises when the request never got an answer: both its error and requests'.
    cls = type("AnymailRequestsAPIError", (AnymailRequestsAPIError, kind), {})
    return cls("Error posting to https://api.esp.example/send")


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        psycopg.OperationalError("connection failed"),
        redis.exceptions.ConnectionError("Error 111 connecting to redis:6379"),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
        BrokerError("broker unreachable"),
        ConnectionRefusedError("no mail server"),
        ConnectionResetError("reset by peer"),
        TimeoutError("timed out"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"Service not available"),
        smtplib.SMTPSenderRefused(451, b"Try again later", "no-reply@auditdesk.example"),
        smtplib.SMTPRecipientsRefused({"ada@northwind.test": (450, b"Mailbox busy")}),
        esp_answered(500),
        esp_answered(503),
        esp_answered(429),
        esp_unreachable(requests.ConnectionError),
        esp_unreachable(requests.Timeout),
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        OSError(errno.EIO, "Input/output error"),
    ],
    ids=repr,
)
def test_outages_timeouts_and_a_full_disk_are_retried(exc):
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        PermissionError(errno.EACCES, "Permission denied"),
        FileNotFoundError(errno.ENOENT, "No such file or directory"),
        OSError("no errno at all"),
        Refused("Only super admins can restore records."),
        NotFound("This record does not exist."),
        DomainError("A business rule"),
        NotEntitled(Capability.CONTENT_EXPORT),
        RestoreRefused("This record was already restored."),
        ExportRefused({"Changed by": ["Select a valid choice."]}),
        smtplib.SMTPRecipientsRefused({"ada@northwind.test": (550, b"No such user")}),
        smtplib.SMTPDataError(554, b"Message rejected"),
        smtplib.SMTPAuthenticationError(535, b"Authentication failed"),
        AnymailRecipientsRefused(),
        AnymailInvalidAddress("Invalid email address"),
        AnymailAPIError("ESP said no"),
        esp_answered(400),
        esp_answered(401),
        esp_answered(422),
        ZeroDivisionError("a bug"),
        ValueError("a bug"),
    ],
    ids=repr,
)
def test_refusals_rejections_permissions_and_bugs_are_not(exc):
    assert not is_transient(exc)


def test_the_projects_refusals_are_domain_errors():
    refusals = (Refused, NotFound, NotEntitled, RestoreRefused, ExportRefused, CommentError,
                ViewNameError, InvalidEvent)  # fmt: skip
    for refusal in refusals:
        assert issubclass(refusal, DomainError)
        assert not issubclass(refusal, OSError)
