"""One HTTP exchange with Vigil over urllib (JSON in, JSON out), SigV4-signed when asked."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, Optional, Tuple

from .sigv4 import Credentials, sign_request

# 429 throttled, 5xx (503 LOG_WRITE_FAILED, 502/504 from a gateway): the same batch may succeed later.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class VigilError(Exception):
    """An answer of Vigil that is not a success, in the API's error shape.

    ``status`` is the HTTP status (0 for a network error), ``code`` the stable error code
    (``SCHEMA_MISMATCH``, ``MODEL_NOT_FOUND``, ``NETWORK_ERROR`` ...), ``index`` and ``field`` name the
    offending record of a ``SCHEMA_MISMATCH``.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        index: Optional[int] = None,
        field: Optional[str] = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.index = index
        self.field = field

    @property
    def retryable(self) -> bool:
        return self.status == 0 or self.status in RETRYABLE_STATUSES


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        aws_region: Optional[str] = None,
        credentials: Optional[Callable[[], Credentials]] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.aws_region = aws_region
        self.credentials = credentials
        self.headers = dict(headers or {})

    def request(self, method: str, path: str, body: Optional[bytes] = None) -> Tuple[int, Any]:
        """Returns ``(status, parsed JSON)`` of a 2xx answer; raises VigilError otherwise."""
        url = self.base_url + path
        headers = {"content-type": "application/json", "accept": "application/json", **self.headers}
        data = body if body is not None else b""
        if self.aws_region:
            assert self.credentials is not None
            try:
                creds = self.credentials()
            except LookupError as e:
                raise VigilError(0, "NO_CREDENTIALS", str(e)) from e
            headers = sign_request(method, url, headers, data, region=self.aws_region, credentials=creds)
            headers.pop("host", None)  # urllib sets the same Host itself
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                return res.status, _json_or_none(res.read())
        except urllib.error.HTTPError as e:
            raise _error_from(e.code, e.read()) from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise VigilError(0, "NETWORK_ERROR", f"{method} {url}: {reason}") from None


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _error_from(status: int, raw: bytes) -> VigilError:
    body = _json_or_none(raw)
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        return VigilError(
            status,
            str(err.get("code", "HTTP_ERROR")),
            str(err.get("message", "")),
            err.get("index"),
            err.get("field"),
        )
    text = raw[:200].decode("utf-8", "replace")
    return VigilError(status, "HTTP_ERROR", text or f"HTTP {status}")
