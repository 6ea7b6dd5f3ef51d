"""Added latency of the Python client's log() (issue 11: p99 <= 0.1 ms, it only queues).

usage: python3 bench/py/client_log_latency.py URL [--records N]
Against a running `vigil serve` at URL, with the client's sender thread really posting to /log:
  tight  - log() called back to back (the sender competes for the GIL the whole time)
  paced  - log() after each simulated predict() (time.sleep(0.5 ms), which releases the GIL as
           torch/onnx inference does); also the whole iteration's overhead against the same loop
           without log(), which includes any wait for the GIL the sender thread holds.
Prints one JSON object.
"""

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))

from vigil_client import VigilClient  # noqa: E402

DIM = 768
LABELS = ["negative", "neutral", "positive"]


def q(sorted_ns, p):
    return sorted_ns[min(len(sorted_ns) - 1, int(p * len(sorted_ns)))] / 1e6


def summary(ns):
    s = sorted(ns)
    return {"n": len(s), "p50_ms": q(s, 0.5), "p99_ms": q(s, 0.99), "p999_ms": q(s, 0.999), "max_ms": s[-1] / 1e6,
            "mean_ms": statistics.fmean(s) / 1e6}


def main():
    url = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--records") + 1]) if "--records" in sys.argv else 20000
    rng = random.Random(0)
    pool = [[rng.gauss(0, 1) for _ in range(DIM)] for _ in range(200)]
    client = VigilClient(url, "bench-py-client", "1", max_queue=n + 1, flush_at_exit=False)
    client.create_model_version(labels=LABELS, embedding_dim=DIM, score=True, fields={"language": "string:segment"})
    log = client.log
    perf = time.perf_counter_ns

    tight = []
    for i in range(n):
        e = pool[i % 200]
        t0 = perf()
        log(embedding=e, label=LABELS[i % 3], score=0.9, fields={"language": "en"})
        tight.append(perf() - t0)
    client.flush()

    paced_n = max(1000, n // 4)
    pause = 0.0005
    paced, with_log, without_log = [], [], []
    for i in range(paced_n):
        t_iter = perf()
        time.sleep(pause)
        e = pool[i % 200]
        t0 = perf()
        log(embedding=e, label=LABELS[i % 3], score=0.9, fields={"language": "de"})
        t1 = perf()
        paced.append(t1 - t0)
        with_log.append(t1 - t_iter)
    client.flush()
    for _ in range(paced_n):
        t_iter = perf()
        time.sleep(pause)
        without_log.append(perf() - t_iter)
    client.close(60)
    print(json.dumps({
        "python": sys.version.split()[0],
        "dim": DIM,
        "tight": summary(tight),
        "paced": summary(paced),
        "paced_iteration_overhead_ms": {
            "p50": (statistics.median(with_log) - statistics.median(without_log)) / 1e6,
            "p99": (q(sorted(with_log), 0.99) - q(sorted(without_log), 0.99)),
        },
        "client": vars(client.stats),
    }))


if __name__ == "__main__":
    main()
