"""The deployment's Ed25519 signing key (`AUDIT_SIGNING_KEY`) and signed statements.

A statement (a checkpoint, a retention anchor) is a JSON object; its signature is Ed25519 over
the statement's RFC 8785 text, and the statement names the key by `key_id` (the first 16 hex
digits of SHA-256 over the raw 32-byte public key). Older public keys stay valid for what they
signed through `AUDIT_PREVIOUS_PUBLIC_KEYS` (key rotation, docs/operations.md).

This module is read by `config/settings.py` at start-up, so it imports no models.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from auditlog.integrity.canonical import jcs


def _base64(text: str) -> bytes:
    """Standard or URL-safe base64, padding optional."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("neither a PEM block nor base64") from exc


def private_key_parse(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS #8) or base64 of its 32-byte seed; ValueError says
    what is wrong (never the key itself)."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise ValueError("the PEM block is not an unencrypted private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        return key
    raw = _base64(text)
    if len(raw) != 32:
        raise ValueError(f"base64 of {len(raw)} bytes, where an Ed25519 key has 32")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_parse(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (SubjectPublicKeyInfo) or base64 of its 32 raw bytes."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise ValueError("the PEM block is not a public key") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        return key
    raw = _base64(text)
    if len(raw) != 32:
        raise ValueError(f"base64 of {len(raw)} bytes, where an Ed25519 public key has 32")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_generate() -> str:
    """A new private key as base64 of its seed, the form AUDIT_SIGNING_KEY takes."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode()


def key_file(path: Path) -> str:
    """The key kept in `path` (development), generated there first when there is none; written
    aside and linked into place, so processes starting together agree on one key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        draft.write_text(key_generate() + "\n")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """The name statements give their key: 16 hex digits of SHA-256 over the raw public key."""
    return hashlib.sha256(_raw(public_key)).hexdigest()[:16]


@lru_cache(maxsize=8)
def _private(text: str) -> Ed25519PrivateKey:
    return private_key_parse(text)


def signing_key() -> Ed25519PrivateKey:
    """The deployment's key (settings validated it at start-up)."""
    from django.conf import settings

    return _private(settings.AUDIT_SIGNING_KEY)


def public_key_pem() -> str:
    """The public half of the deployment's key, as the public-key URL serves it."""
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def public_key_base64(public_key: Ed25519PublicKey | None = None) -> str:
    """A public key's 32 raw bytes in base64 (the form AUDIT_PREVIOUS_PUBLIC_KEYS lists)."""
    return base64.b64encode(_raw(public_key or signing_key().public_key())).decode()


def current_key_id() -> str:
    return key_id(signing_key().public_key())


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """Every key a statement may be signed with: the current one and the previous ones."""
    from django.conf import settings

    keys = [public_key_parse(text) for text in settings.AUDIT_PREVIOUS_PUBLIC_KEYS]
    keys.append(signing_key().public_key())
    return {key_id(key): key for key in keys}


def statement_bytes(statement: Mapping[str, Any]) -> bytes:
    """What is signed: the statement's RFC 8785 text."""
    return jcs(dict(statement)).encode()


def statement_sign(statement: Mapping[str, Any]) -> bytes:
    """Sign a statement with the deployment's key; it must name that key (`key_id`)."""
    if statement.get("key_id") != current_key_id():
        raise ValueError("a statement names the key that signs it")
    return signing_key().sign(statement_bytes(statement))


def statement_verify(
    statement: Mapping[str, Any],
    signature: bytes,
    keys: Mapping[str, Ed25519PublicKey] | None = None,
) -> bool:
    """True when `signature` is the named key's signature over the statement."""
    key = (keys if keys is not None else verification_keys()).get(str(statement.get("key_id")))
    if key is None:
        return False
    try:
        key.verify(signature, statement_bytes(statement))
    except InvalidSignature:
        return False
    return True
