"""How the client batches, retries, drops and flushes (against a scripted stand-in server)."""

import json
import subprocess
import sys
import time
import unittest

from vigil_client import VigilClient, VigilError

from .servers import REPO, ScriptedServer, error, wait_until


def client_for(server, **kw):
    kw.setdefault("flush_at_exit", False)
    return VigilClient(server.url, "m", "1", **kw)


class BatchingTest(unittest.TestCase):
    def setUp(self):
        self.server = ScriptedServer()

    def tearDown(self):
        self.server.stop()

    def test_sends_full_batches_by_count_with_the_ids_log_returned(self):
        client = client_for(self.server, max_batch_records=10, max_batch_age=60)
        ids = [client.log(embedding=[float(i), 1.0], label="a", fields={"language": "de"}) for i in range(25)]
        # Two full batches go without a flush; the last 5 wait for their age or a flush.
        self.assertTrue(wait_until(lambda: len(self.server.bodies) == 2))
        self.assertTrue(client.flush(10))
        client.close()
        self.assertEqual([len(b["records"]) for b in self.server.bodies], [10, 10, 5])
        self.assertEqual([r["id"] for r in self.server.records()], ids)
        self.assertEqual(self.server.bodies[0]["model"], {"name": "m", "version": "1"})
        self.assertEqual(self.server.records()[3]["fields"], {"language": "de"})
        self.assertEqual(client.stats.sent, 25)
        self.assertEqual(client.stats.batches, 3)

    def test_closes_a_batch_before_it_grows_past_max_batch_bytes(self):
        client = client_for(self.server, max_batch_bytes=4096, max_batch_age=60)
        for _ in range(12):
            client.log(embedding=[0.123456789] * 80, label="a")  # about 1 kB of JSON each
        client.flush(10)
        client.close()
        sizes = [len(json.dumps(b)) for b in self.server.bodies]
        self.assertGreater(len(sizes), 2)
        self.assertTrue(all(s <= 4096 for s in sizes), sizes)
        self.assertEqual(sum(len(b["records"]) for b in self.server.bodies), 12)

    def test_sends_a_partial_batch_once_it_is_max_batch_age_old(self):
        client = client_for(self.server, max_batch_records=100, max_batch_age=0.2)
        client.log(embedding=[1.0], label="a")
        self.assertTrue(wait_until(lambda: len(self.server.bodies) == 1, timeout=5))
        client.close()

    def test_sends_the_given_id_timestamp_score_probabilities_and_text(self):
        import datetime as dt

        client = client_for(self.server)
        when = dt.datetime(2026, 12, 1, 10, 0, 0, 123000, tzinfo=dt.timezone.utc)
        rid = client.log(embedding=(1, 2), label="b", text="hi", score=0.9, probabilities=[0.1, 0.9],
                         id="0190a0b0-0000-7000-8000-000000000001", timestamp=when)
        client.log(embedding=[3.0], label="a", timestamp=1764583200000)
        client.close()
        first, second = self.server.records()
        self.assertEqual(rid, "0190a0b0-0000-7000-8000-000000000001")
        self.assertEqual(first, {"id": rid, "embedding": [1, 2], "label": "b", "text": "hi", "score": 0.9,
                                 "probabilities": [0.1, 0.9], "timestamp": "2026-12-01T10:00:00.123Z"})
        self.assertEqual(second["timestamp"], 1764583200000)
        self.assertRegex(second["id"], r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        with self.assertRaisesRegex(ValueError, "timezone"):
            client_for(self.server).log(embedding=[1.0], label="a", timestamp=dt.datetime(2026, 1, 1))

    def test_embeddings_travel_float32_exact(self):
        # Vigil stores float32: 9 significant digits name every float32 exactly.
        import random
        import struct

        rng = random.Random(3)
        f32 = [struct.unpack("f", struct.pack("f", rng.gauss(0, 10) * 10 ** rng.randint(-30, 30)))[0] for _ in range(500)]
        client = client_for(self.server)
        client.log(embedding=f32, label="a")
        client.close()
        sent = self.server.records()[0]["embedding"]
        as_f32 = [struct.unpack("f", struct.pack("f", x))[0] for x in sent]
        self.assertEqual(as_f32, f32)

    def test_a_non_finite_embedding_is_rejected_alone_not_its_batch(self):
        errors = []
        client = client_for(self.server, on_error=lambda e, recs: errors.append((e.code, len(recs))))
        client.log(embedding=[1.0], label="a")
        client.log(embedding=[float("nan")], label="a")
        client.log(embedding=[2.0], label="a")
        client.close()
        self.assertEqual(len(self.server.records()), 2)
        self.assertEqual(errors, [("SCHEMA_MISMATCH", 1)])
        self.assertEqual(client.stats.rejected, 1)


class RetryTest(unittest.TestCase):
    def test_retries_429_503_with_the_same_ids_then_counts_them_sent(self):
        server = ScriptedServer([error(503, "LOG_WRITE_FAILED"), error(429, "TOO_MANY_REQUESTS")])
        try:
            client = client_for(server)
            waits = []
            client._sleep = waits.append
            ids = [client.log(embedding=[float(i)], label="a") for i in range(3)]
            client.close()
            self.assertEqual(len(server.bodies), 3)
            for body in server.bodies:
                self.assertEqual([r["id"] for r in body["records"]], ids)
            self.assertEqual(client.stats.retries, 2)
            self.assertEqual(client.stats.sent, 3)
            # Full jitter under an exponential cap: 0.1 s, then 0.2 s.
            self.assertTrue(0 <= waits[0] <= 0.1 and 0 <= waits[1] <= 0.2, waits)
        finally:
            server.stop()

    def test_gives_up_after_max_retries_and_reports_it(self):
        server = ScriptedServer([error(503, "LOG_WRITE_FAILED")] * 10)
        try:
            errors = []
            client = client_for(server, max_retries=3, on_error=lambda e, recs: errors.append(e))
            client._sleep = lambda s: None
            client.log(embedding=[1.0], label="a")
            client.close()
            self.assertEqual(len(server.bodies), 4)
            self.assertEqual(client.stats.failed, 1)
            self.assertEqual(client.last_error.code, "LOG_WRITE_FAILED")
            self.assertEqual(errors[0].status, 503)
        finally:
            server.stop()

    def test_retries_a_network_error_then_succeeds(self):
        # Nothing listens on the port at first; the server comes up while the client backs off.
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        client = VigilClient(f"http://127.0.0.1:{port}", "m", "1", flush_at_exit=False, backoff_base=0.05)
        server = None
        try:
            original = client._sleep
            state = {"calls": 0}

            def sleep_then_start(seconds):
                nonlocal server
                state["calls"] += 1
                if server is None:
                    server = ScriptedServer()
                    client._transport.base_url = server.url
                original(seconds)

            client._sleep = sleep_then_start
            rid = client.log(embedding=[1.0], label="a")
            client.close()
            self.assertEqual(state["calls"], 1)
            self.assertEqual([r["id"] for r in server.records()], [rid])
            self.assertEqual(client.stats.sent, 1)
        finally:
            if server:
                server.stop()

    def test_400_and_404_are_not_retried(self):
        server = ScriptedServer([error(400, "SCHEMA_MISMATCH", index=1, field="label"), error(404, "MODEL_NOT_FOUND")])
        try:
            errors = []
            client = client_for(server, max_batch_records=2, on_error=lambda e, recs: errors.append((e, recs)))
            for i in range(4):
                client.log(embedding=[float(i)], label="a")
            client.close()
            self.assertEqual(len(server.bodies), 2)
            self.assertEqual([e.code for e, _ in errors], ["SCHEMA_MISMATCH", "MODEL_NOT_FOUND"])
            self.assertEqual((errors[0][0].index, errors[0][0].field), (1, "label"))
            self.assertEqual(len(errors[0][1]), 2)
            self.assertEqual(client.stats.rejected, 4)
            self.assertEqual(client.stats.retries, 0)
            self.assertIsInstance(client.last_error, VigilError)
        finally:
            server.stop()

    def test_a_413_batch_is_split_in_halves_with_the_same_ids(self):
        server = ScriptedServer([error(413, "PAYLOAD_TOO_LARGE")])
        try:
            client = client_for(server)
            ids = [client.log(embedding=[float(i)], label="a") for i in range(4)]
            client.close()
            self.assertEqual([len(b["records"]) for b in server.bodies], [4, 2, 2])
            self.assertEqual([r["id"] for b in server.bodies[1:] for r in b["records"]], ids)
            self.assertEqual(client.stats.sent, 4)
        finally:
            server.stop()


class BackpressureTest(unittest.TestCase):
    def test_a_full_queue_drops_new_records_and_log_never_waits(self):
        server = ScriptedServer(stall=1.0)
        try:
            client = client_for(server, max_queue=5, max_batch_records=1, timeout=5)
            client.log(embedding=[0.0], label="a")
            wait_until(lambda: client._queue.qsize() == 0)  # the sender holds it, stalled
            started = time.perf_counter()
            results = [client.log(embedding=[float(i)], label="a") for i in range(20)]
            elapsed = time.perf_counter() - started
            self.assertLess(elapsed, 0.5)
            self.assertEqual(sum(r is None for r in results), 15)
            self.assertEqual(client.stats.dropped, 15)
            self.assertEqual(client.stats.queued, 6)
            server.stall = 0.0
            client.close()
        finally:
            server.stop()

    def test_flush_at_exit_sends_what_a_script_logged_without_flushing(self):
        server = ScriptedServer()
        try:
            script = (
                "import sys; sys.path.insert(0, %r)\n"
                "from vigil_client import VigilClient\n"
                "c = VigilClient(%r, 'm', '1', max_batch_age=60)\n"
                "for i in range(7): c.log(embedding=[float(i)], label='a')\n"
            ) % (str(REPO / "clients" / "python"), server.url)
            done = subprocess.run([sys.executable, "-c", script], timeout=30, capture_output=True, text=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(len(server.records()), 7)
        finally:
            server.stop()

    def test_log_after_close_raises(self):
        server = ScriptedServer()
        try:
            client = client_for(server)
            client.close()
            with self.assertRaises(RuntimeError):
                client.log(embedding=[1.0], label="a")
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
