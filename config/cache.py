"""The Redis cache, degrading to a miss while Redis does not answer.

Everything cached here can be recomputed from PostgreSQL (entitlements, counts, the account
switcher; sessions are `cached_db`), so while Redis is down a read is a miss and a write is
dropped: pages keep working and an export is still requested, as the brokerless request path
promises (the sweeps enqueue the work once Redis is back).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisError, OSError)
_LOG_EVERY_S = 30.0


class ResilientRedisCache(RedisCache):
    _last_logged = 0.0

    def _down(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_logged >= _LOG_EVERY_S:
            ResilientRedisCache._last_logged = now
            logger.warning("cache unavailable (%s): %s; reading from the database", operation, exc)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as exc:
            self._down("get", exc)
            return default

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, version=version, timeout=timeout)
        except UNAVAILABLE as exc:
            self._down("set", exc)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        try:
            return super().add(key, value, version=version, timeout=timeout)
        except UNAVAILABLE as exc:
            self._down("add", exc)
            return False

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, version=version, timeout=timeout)
        except UNAVAILABLE as exc:
            self._down("touch", exc)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNAVAILABLE as exc:
            self._down("delete", exc)
            return False

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as exc:
            self._down("get_many", exc)
            return {}

    def set_many(
        self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        try:
            return super().set_many(data, version=version, timeout=timeout)
        except UNAVAILABLE as exc:
            self._down("set_many", exc)
            return list(data)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNAVAILABLE as exc:
            self._down("delete_many", exc)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as exc:
            self._down("has_key", exc)
            return False
