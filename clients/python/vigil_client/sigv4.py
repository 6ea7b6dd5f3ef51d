"""AWS Signature Version 4 for the IAM-protected Vigil HTTP API (service ``execute-api``).

The signature is computed with the standard library (hmac, hashlib) so it is tested here against
AWS's published test vector and against the AWS SDK's own signer; credentials come from botocore's
provider chain when botocore is importable (profiles, SSO, instance roles), else from the
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN`` environment variables.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import os
from typing import Callable, Dict, NamedTuple, Optional
from urllib.parse import quote, urlsplit, parse_qsl


class Credentials(NamedTuple):
    access_key: str
    secret_key: str
    token: Optional[str] = None


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def _canonical_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    encoded = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _canonical_path(path: str) -> str:
    # API Gateway (like every service but S3) wants each segment URI-encoded twice.
    path = path or "/"
    return "/".join(quote(quote(seg, safe="-_.~"), safe="-_.~") for seg in path.split("/"))


def sign_request(
    method: str,
    url: str,
    headers: Dict[str, str],
    body: bytes,
    *,
    region: str,
    credentials: Credentials,
    service: str = "execute-api",
    now: Optional[_dt.datetime] = None,
) -> Dict[str, str]:
    """Returns ``headers`` (lower-cased) plus ``host``, ``x-amz-date``, ``x-amz-security-token``
    (with temporary credentials) and ``authorization``; every header given is signed."""
    when = (now or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    parts = urlsplit(url)
    payload_hash = hashlib.sha256(body).hexdigest()
    out = {k.lower(): v for k, v in headers.items()}
    out["host"] = parts.netloc
    out["x-amz-date"] = amz_date
    if credentials.token:
        out["x-amz-security-token"] = credentials.token
    names = sorted(out)
    canonical_headers = "".join(f"{n}:{' '.join(str(out[n]).strip().split())}\n" for n in names)
    signed_headers = ";".join(names)
    canonical_request = "\n".join(
        [
            method.upper(),
            _canonical_path(parts.path),
            _canonical_query(parts.query),
            canonical_headers,
            signed_headers,
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()]
    )
    key = _hmac(("AWS4" + credentials.secret_key).encode("utf-8"), day)
    key = _hmac(key, region)
    key = _hmac(key, service)
    key = _hmac(key, "aws4_request")
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    out["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
    return out


def default_credentials_provider() -> Callable[[], Credentials]:
    """botocore's credential chain when botocore is importable, else the environment variables."""
    try:
        from botocore.session import Session  # type: ignore[import-not-found]
    except ImportError:
        Session = None  # noqa: N806

    if Session is not None:
        session = Session()

        def from_botocore() -> Credentials:
            creds = session.get_credentials()
            if creds is None:
                raise LookupError("botocore found no AWS credentials (profile, environment or role)")
            frozen = creds.get_frozen_credentials()  # refreshes temporary credentials when due
            return Credentials(frozen.access_key, frozen.secret_key, frozen.token)

        return from_botocore

    def from_env() -> Credentials:
        key = os.environ.get("AWS_ACCESS_KEY_ID")
        secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
        if not key or not secret:
            raise LookupError(
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(and AWS_SESSION_TOKEN), or install botocore to use profiles and roles"
            )
        return Credentials(key, secret, os.environ.get("AWS_SESSION_TOKEN") or None)

    return from_env
