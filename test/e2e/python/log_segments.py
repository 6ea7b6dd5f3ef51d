"""Logs 2,000 predictions of a 384-dimension, three-label model with a `language` segment through the
Python client: 1,000 in a reference period (3 to 2 days before --now) and 1,000 in the last 24 hours,
where only language=de shifts (its embeddings move along 50 dimensions and its labels turn negative).

    python3 log_segments.py URL NOW_MS   -> prints the client's counters as JSON
"""

import datetime as dt
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "clients" / "python"))

from vigil_client import VigilClient  # noqa: E402

LABELS = ["negative", "neutral", "positive"]
DIM = 384
HOUR = 3_600_000


def language_of(i):
    # 40% en, 30% de, 30% fr in both periods, exactly: the language field itself does not drift.
    return ("en", "en", "en", "en", "de", "de", "de", "fr", "fr", "fr")[i % 10]


def record(rng, language, shifted):
    weights = [0.7, 0.15, 0.15] if shifted else [0.3, 0.3, 0.4]
    k = rng.choices(range(3), weights)[0]
    e = [rng.gauss(0.0, 1.0) for _ in range(DIM)]
    for j in range(k * 10, k * 10 + 10):  # each label has its own direction
        e[j] += 1.0
    if shifted:
        for j in range(100, 150):
            e[j] += 0.6
    return {"embedding": e, "label": LABELS[k], "score": round(rng.uniform(0.5, 1.0), 4),
            "fields": {"language": language}}


def main():
    url, now_ms = sys.argv[1], int(sys.argv[2])
    rng = random.Random(11)
    client = VigilClient(url, "reviews-segments", "1", max_batch_records=250, flush_at_exit=False)
    client.create_model_version(labels=LABELS, embedding_dim=DIM, score=True,
                                fields={"language": "string:segment"})
    periods = [
        (now_ms - 72 * HOUR, False),  # reference: [now - 72 h, now - 48 h)
        (now_ms - 24 * HOUR, True),  # current: the last 24 hours
    ]
    for start, current in periods:
        for i in range(1000):
            language = language_of(i)
            r = record(rng, language, shifted=current and language == "de")
            # Spread over 23 hours of the period, a minute clear of its edges.
            ts = start + 60_000 + i * (23 * HOUR // 1000)
            client.log(timestamp=dt.datetime.fromtimestamp(ts / 1000, dt.timezone.utc), **r)
    ok = client.flush(120)
    client.close(10)
    print(json.dumps({"flushed": ok, **vars(client.stats),
                      "last_error": str(client.last_error) if client.last_error else None}))


if __name__ == "__main__":
    main()
