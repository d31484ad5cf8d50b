"""The log's public pages: the key that checkpoints are signed with (docs/integrity.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from auditlog.integrity.keys import current_key_id, public_key_pem


@require_GET
@cache_control(public=True, max_age=3600)
def signing_public_key(request: HttpRequest) -> HttpResponse:
    """The deployment's Ed25519 public key (PEM), for anyone who verifies a checkpoint."""
    response = HttpResponse(public_key_pem(), content_type="application/x-pem-file")
    response["Auditdesk-Key-Id"] = current_key_id()
    return response
