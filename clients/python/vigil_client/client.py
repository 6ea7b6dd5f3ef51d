"""VigilClient: declare a model version once, then log every prediction from ``predict()``.

``log()`` only puts the record on a bounded in-memory queue (a few microseconds, never a network
call); one background thread sends the queue to ``POST /log`` in batches, closed by count, bytes or
age, and retries throttled (429), unavailable (5xx, 503 LOG_WRITE_FAILED) and network failures with
exponential backoff and full jitter. Every record gets its UUID in ``log()``, so a retried batch
carries the same ids and Vigil's readers keep one copy. Records the server refuses (400, 404) are not
retried: they are counted in ``stats.rejected`` and passed to ``on_error``.

When the queue is full (Vigil unreachable for long, or logging faster than it can be sent) the new
record is dropped and counted in ``stats.dropped``: the caller's prediction is never held up by
monitoring. Pass ``put_timeout`` > 0 to wait that long for room instead.
"""

from __future__ import annotations

import atexit
import datetime as _dt
import json
import os
import queue
import random
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from .sigv4 import Credentials, default_credentials_provider
from .transport import Transport, VigilError

FieldValue = Union[str, int, float, bool, None]
Timestamp = Union[str, int, float, _dt.datetime, None]

MAX_BATCH_RECORDS = 1000  # the server's limit per POST /log
MAX_BATCH_BYTES = 5 * 1024 * 1024


def uuid7() -> str:
    """A time-ordered UUID (version 7), as the server assigns; random bits from os.urandom."""
    ms = time.time_ns() // 1_000_000
    b = bytearray(ms.to_bytes(6, "big") + os.urandom(10))
    b[6] = (b[6] & 0x0F) | 0x70
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _timestamp(ts: Timestamp) -> Union[str, int, None]:
    if ts is None:
        return None
    if isinstance(ts, _dt.datetime):
        if ts.tzinfo is None:
            raise ValueError("timestamp: a datetime needs a timezone (e.g. datetime.now(timezone.utc))")
        return ts.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(ts, bool):
        raise TypeError("timestamp: expected an ISO-8601 string, epoch milliseconds or a datetime")
    if isinstance(ts, (int, float)):
        return int(ts)
    if isinstance(ts, str):
        return ts
    raise TypeError("timestamp: expected an ISO-8601 string, epoch milliseconds or a datetime")


def _floats(x: Any, name: str) -> List[float]:
    if hasattr(x, "detach"):  # torch.Tensor, without importing torch
        x = x.detach().cpu()
    if hasattr(x, "tolist"):  # numpy / torch: one C call
        x = x.tolist()
    if not isinstance(x, (list, tuple)):
        raise TypeError(f"{name}: expected a list of numbers, got {type(x).__name__}")
    return list(x)


@dataclass
class ClientStats:
    """Counters since the client started (read them any time; they only grow)."""

    queued: int = 0
    """Records accepted by ``log()``."""
    sent: int = 0
    """Records Vigil answered 200 for."""
    dropped: int = 0
    """Records ``log()`` dropped because the queue was full."""
    rejected: int = 0
    """Records in batches Vigil refused (400/404/413/415): not retried."""
    failed: int = 0
    """Records given up on after the last retry (429/5xx/network)."""
    retries: int = 0
    """Batches sent again after a retryable failure."""
    batches: int = 0
    """Batches Vigil answered 200 for."""


class _Flush:
    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()


class VigilClient:
    """Logs predictions of one model version to Vigil.

    Args:
        url: the Vigil endpoint, e.g. ``http://127.0.0.1:3000`` or the API Gateway URL.
        model, version: the model version the records belong to (declare it once with
            ``create_model_version``).
        aws_region: sign every request with SigV4 (service ``execute-api``) for the IAM-protected
            AWS endpoint; credentials from botocore when importable, else the AWS_* variables.
        max_batch_records, max_batch_bytes, max_batch_age: a batch is sent when it holds this many
            records, would grow past this many bytes of JSON, or its first record is this many
            seconds old.
        max_queue: records waiting to be sent; when full, ``log()`` drops the new record.
        put_timeout: seconds ``log()`` may wait for room in a full queue (default 0: never waits).
        max_retries, backoff_base, backoff_max: retries of one batch after 429/5xx/network errors,
            waiting ``uniform(0, min(backoff_max, backoff_base * 2**attempt))`` seconds before each.
        timeout: seconds per HTTP request.
        on_error: called from the sender thread with ``(VigilError, records)`` for every batch
            rejected or given up on. Also kept as ``last_error``.
        flush_at_exit: flush (for at most ``exit_timeout`` seconds) when the interpreter exits.
    """

    def __init__(
        self,
        url: str,
        model: str,
        version: str,
        aws_region: Optional[str] = None,
        *,
        max_batch_records: int = 500,
        max_batch_bytes: int = 4 * 1024 * 1024,
        max_batch_age: float = 1.0,
        max_queue: int = 10_000,
        put_timeout: float = 0.0,
        max_retries: int = 8,
        backoff_base: float = 0.1,
        backoff_max: float = 10.0,
        timeout: float = 10.0,
        on_error: Optional[Callable[[VigilError, List[Dict[str, Any]]], None]] = None,
        flush_at_exit: bool = True,
        exit_timeout: float = 10.0,
        credentials: Optional[Callable[[], Credentials]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        if not 1 <= max_batch_records <= MAX_BATCH_RECORDS:
            raise ValueError(f"max_batch_records must be 1-{MAX_BATCH_RECORDS}")
        if not 1024 <= max_batch_bytes <= MAX_BATCH_BYTES:
            raise ValueError(f"max_batch_bytes must be 1024-{MAX_BATCH_BYTES}")
        if max_queue < 1:
            raise ValueError("max_queue must be at least 1")
        self.model = model
        self.version = version
        self.stats = ClientStats()
        self.last_error: Optional[VigilError] = None
        self.on_error = on_error
        self._transport = Transport(
            url,
            timeout=timeout,
            aws_region=aws_region,
            credentials=(credentials or default_credentials_provider()) if aws_region else None,
            headers=dict(headers or {}),
        )
        self._max_records = max_batch_records
        self._max_bytes = max_batch_bytes
        self._max_age = max_batch_age
        self._put_timeout = put_timeout
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._queue: "queue.Queue[Any]" = queue.Queue(maxsize=max_queue)
        self._lock = threading.Lock()
        self._closed = False
        self._sleep = time.sleep  # tests replace it to check the backoff without waiting
        self._random = random.Random()
        self._formats: Dict[int, str] = {}
        # The JSON envelope around the records, to keep a batch's bytes under the server's limit.
        self._prefix = json.dumps({"model": {"name": model, "version": version}})[:-1] + ', "records": ['
        self._thread = threading.Thread(target=self._run, name="vigil-client-sender", daemon=True)
        self._thread.start()
        if flush_at_exit:
            ref = weakref.ref(self)

            def at_exit() -> None:
                client = ref()
                if client is not None:
                    client.close(timeout=exit_timeout)

            atexit.register(at_exit)

    # ---- model versions (synchronous) ---------------------------------------------------------

    def create_model_version(
        self,
        labels: Sequence[str],
        embedding_dim: int,
        text: bool = False,
        score: bool = False,
        probabilities: bool = False,
        fields: Union[Sequence[Mapping[str, Any]], Mapping[str, str], None] = None,
        monitors: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Declares this client's model version (PUT /models/{name}/versions/{version}).

        ``fields`` is a list of ``{"name", "type", "segment"?}`` or a mapping like
        ``{"language": "string:segment", "length": "number"}``. The same declaration again is a
        no-op; a different one for a version that already has data raises VigilError
        ``SCHEMA_CONFLICT`` (409); a bad one ``INVALID_MODEL_VERSION`` (400). Returns the stored JSON.
        """
        body: Dict[str, Any] = {
            "labels": list(labels),
            "embedding_dim": embedding_dim,
            "text": text,
            "score": score,
            "probabilities": probabilities,
            "fields": _field_list(fields),
        }
        if monitors is not None:
            body["monitors"] = dict(monitors)
        path = f"/models/{_seg(self.model)}/versions/{_seg(self.version)}"
        return self._request_with_retries("PUT", path, json.dumps(body).encode("utf-8"))

    def get_model_version(self) -> Dict[str, Any]:
        """The stored declaration of this client's model version (VigilError MODEL_NOT_FOUND if none)."""
        path = f"/models/{_seg(self.model)}/versions/{_seg(self.version)}"
        return self._request_with_retries("GET", path, None)

    # ---- logging (asynchronous) ---------------------------------------------------------------

    def log(
        self,
        embedding: Any,
        label: str,
        text: Optional[str] = None,
        score: Optional[float] = None,
        probabilities: Any = None,
        fields: Optional[Mapping[str, FieldValue]] = None,
        id: Optional[str] = None,  # noqa: A002 - the record's field name
        timestamp: Timestamp = None,
    ) -> Optional[str]:
        """Queues one prediction and returns its id, or None when the queue was full (dropped).

        ``embedding`` and ``probabilities`` may be lists, numpy arrays or torch tensors;
        ``timestamp`` an ISO-8601 string, epoch milliseconds or an aware datetime (default: when
        Vigil receives it). Validation against the declared schema happens on the server.
        """
        if self._closed:
            raise RuntimeError("VigilClient is closed")
        record: Dict[str, Any] = {"id": id or uuid7(), "embedding": _floats(embedding, "embedding"), "label": label}
        if text is not None:
            record["text"] = text
        if score is not None:
            record["score"] = float(score)
        if probabilities is not None:
            record["probabilities"] = _floats(probabilities, "probabilities")
        if fields is not None:
            record["fields"] = dict(fields)
        ts = _timestamp(timestamp)
        if ts is not None:
            record["timestamp"] = ts
        try:
            if self._put_timeout > 0:
                self._queue.put(record, timeout=self._put_timeout)
            else:
                self._queue.put_nowait(record)
        except queue.Full:
            with self._lock:
                self.stats.dropped += 1
            return None
        with self._lock:
            self.stats.queued += 1
        return record["id"]

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends everything queued before this call; True when done (sent, rejected or given up on)
        within ``timeout`` seconds (None: wait as long as it takes)."""
        if not self._thread.is_alive():
            return self._queue.empty()
        marker = _Flush()
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.done.wait(timeout)

    def close(self, timeout: Optional[float] = None) -> bool:
        """Flushes and stops the sender thread. Further ``log()`` calls raise."""
        if self._closed:
            return True
        self._closed = True
        flushed = self.flush(timeout)
        try:
            self._queue.put(_STOP, timeout=1.0)
        except queue.Full:
            pass
        self._thread.join(timeout if timeout is not None else None)
        return flushed

    def __enter__(self) -> "VigilClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- the sender thread --------------------------------------------------------------------

    def _run(self) -> None:
        batch: List[Dict[str, Any]] = []
        encoded: List[bytes] = []
        size = len(self._prefix) + 2
        deadline: Optional[float] = None
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                item = None  # the batch is old enough
            if item is None or isinstance(item, _Flush) or item is _STOP:
                if batch:
                    self._send(batch, encoded)
                batch, encoded, size, deadline = [], [], len(self._prefix) + 2, None
                if isinstance(item, _Flush):
                    item.done.set()
                if item is _STOP:
                    return
                continue
            try:
                raw = self._encode(item)
            except (ValueError, TypeError) as e:
                # NaN/inf cannot travel as JSON; refuse the one record, not its batch.
                self._give_up(VigilError(0, "SCHEMA_MISMATCH", f"record {item['id']}: {e}"), [item], "rejected")
                continue
            if batch and size + len(raw) + 1 > self._max_bytes:
                self._send(batch, encoded)
                batch, encoded, size, deadline = [], [], len(self._prefix) + 2, None
            batch.append(item)
            encoded.append(raw)
            size += len(raw) + 1
            if deadline is None:
                deadline = time.monotonic() + self._max_age
            if len(batch) >= self._max_records:
                self._send(batch, encoded)
                batch, encoded, size, deadline = [], [], len(self._prefix) + 2, None

    def _encode(self, item: Dict[str, Any]) -> bytes:
        """One record as JSON. The embedding goes through one %-format of 9 significant digits (exact
        for the float32 Vigil stores), about 3x faster than json.dumps' shortest repr: less time holding
        the GIL the caller's thread may want."""
        emb = item["embedding"]
        fmt = self._formats.get(len(emb))
        if fmt is None:
            fmt = self._formats.setdefault(len(emb), ",".join(["%.9g"] * len(emb)))
        numbers = fmt % tuple(emb)
        if "n" in numbers:  # "nan" or "inf": not JSON, and the server would refuse the whole batch
            raise ValueError("embedding has a NaN or infinite value")
        rest = {k: v for k, v in item.items() if k != "embedding"}
        head = json.dumps(rest, separators=(",", ":"), allow_nan=False, default=_plain)
        return f'{head[:-1]},"embedding":[{numbers}]}}'.encode("utf-8")

    def _body(self, encoded: List[bytes]) -> bytes:
        return self._prefix.encode("utf-8") + b",".join(encoded) + b"]}"

    def _send(self, batch: List[Dict[str, Any]], encoded: List[bytes]) -> None:
        try:
            self._send_with_retries(batch, encoded)
        except Exception as e:  # noqa: BLE001 - the sender thread must survive anything
            self._give_up(VigilError(0, "CLIENT_ERROR", repr(e)), batch, "failed")

    def _send_with_retries(self, batch: List[Dict[str, Any]], encoded: List[bytes]) -> None:
        body = self._body(encoded)
        attempt = 0
        while True:
            try:
                _, answer = self._transport.request("POST", "/log", body)
            except VigilError as e:
                if e.status == 413 and len(batch) > 1:
                    # Too big for the server's limit after all: send the halves (same ids).
                    half = len(batch) // 2
                    self._send_with_retries(batch[:half], encoded[:half])
                    self._send_with_retries(batch[half:], encoded[half:])
                    return
                if e.retryable and attempt < self._max_retries:
                    cap = min(self._backoff_max, self._backoff_base * (2**attempt))
                    attempt += 1
                    with self._lock:
                        self.stats.retries += 1
                    self._sleep(self._random.uniform(0, cap))
                    continue
                self._give_up(e, batch, "failed" if e.retryable else "rejected")
                return
            accepted = answer.get("accepted", len(batch)) if isinstance(answer, dict) else len(batch)
            with self._lock:
                self.stats.sent += int(accepted)
                self.stats.batches += 1
            return

    def _give_up(self, error: VigilError, batch: List[Dict[str, Any]], counter: str) -> None:
        with self._lock:
            setattr(self.stats, counter, getattr(self.stats, counter) + len(batch))
            self.last_error = error
        if self.on_error is not None:
            try:
                self.on_error(error, batch)
            except Exception:  # noqa: BLE001 - a failing callback must not stop the sender
                pass

    def _request_with_retries(self, method: str, path: str, body: Optional[bytes]) -> Dict[str, Any]:
        attempt = 0
        while True:
            try:
                _, answer = self._transport.request(method, path, body)
                return answer
            except VigilError as e:
                if not e.retryable or attempt >= min(self._max_retries, 4):
                    raise
                cap = min(self._backoff_max, self._backoff_base * (2**attempt))
                attempt += 1
                self._sleep(self._random.uniform(0, cap))


def _plain(x: Any) -> Any:
    """numpy scalars and arrays in ``fields`` or ``score`` become plain JSON values."""
    if hasattr(x, "tolist"):
        return x.tolist()
    raise TypeError(f"{type(x).__name__} is not JSON serializable")


def _seg(s: str) -> str:
    from urllib.parse import quote

    return quote(s, safe="")


def _field_list(fields: Union[Sequence[Mapping[str, Any]], Mapping[str, str], None]) -> List[Dict[str, Any]]:
    if fields is None:
        return []
    if isinstance(fields, Mapping):
        out = []
        for name, spec in fields.items():
            kind, _, flag = str(spec).partition(":")
            if flag not in ("", "segment"):
                raise ValueError(f"fields.{name}: expected 'string', 'number' or 'boolean', optionally ':segment'")
            entry: Dict[str, Any] = {"name": name, "type": kind}
            if flag == "segment":
                entry["segment"] = True
            out.append(entry)
        return out
    return [dict(f) for f in fields]
