"""The client against a real `vigil serve` started from this repository (POST /log, PUT/GET /models)."""

import datetime as dt
import random
import shutil
import tempfile
import unittest
from pathlib import Path

from vigil_client import VigilClient, VigilError

from .servers import VigilServe

LABELS = ["negative", "neutral", "positive"]
DIM = 16


def vector(rng, dim=DIM):
    return [rng.gauss(0, 1) for _ in range(dim)]


class AgainstVigilServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="vigil-py-client-")
        cls.serve = VigilServe(str(Path(cls.root) / "data"))

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    def client(self, version, **kw):
        kw.setdefault("flush_at_exit", False)
        errors = []
        c = VigilClient(self.serve.url, "py-client", version, on_error=lambda e, recs: errors.append((e, recs)), **kw)
        self.addCleanup(c.close, 10)
        return c, errors

    def parquet_files(self, version):
        root = Path(self.serve.data_dir) / "predictions" / "model=py-client" / f"version={version}"
        return sorted(root.rglob("*.parquet"))

    def test_declares_a_model_version_once_and_reads_it_back(self):
        # Prepare
        c, _ = self.client("declare")
        # Act
        first = c.create_model_version(labels=LABELS, embedding_dim=DIM, text=True,
                                       fields={"language": "string:segment", "length": "number"},
                                       monitors={"window": "12h"})
        again = c.create_model_version(labels=LABELS, embedding_dim=DIM, text=True,
                                       fields={"language": "string:segment", "length": "number"},
                                       monitors={"window": "12h"})
        read = c.get_model_version()
        # Assess
        self.assertEqual(first["name"], "py-client")
        self.assertEqual(first["version"], "declare")
        self.assertEqual(first["origin"], "logged")
        self.assertEqual(first["fields"], [{"name": "language", "type": "string", "segment": True},
                                           {"name": "length", "type": "number", "segment": False}])
        self.assertEqual(again, first)
        self.assertEqual(read, first)

    def test_a_bad_declaration_raises_with_the_json_path(self):
        c, _ = self.client("bad-declaration")
        with self.assertRaises(VigilError) as caught:
            c.create_model_version(labels=LABELS, embedding_dim=DIM,
                                   monitors={"embedding_drift": {"mmd": {"alert": 2}}})
        self.assertEqual(caught.exception.status, 400)
        self.assertEqual(caught.exception.code, "INVALID_MODEL_VERSION")
        self.assertIn("monitors.embedding_drift.mmd.alert", caught.exception.message)
        with self.assertRaises(VigilError) as missing:
            c.get_model_version()
        self.assertEqual((missing.exception.status, missing.exception.code), (404, "MODEL_NOT_FOUND"))

    def test_logs_records_in_batches_and_they_are_written(self):
        # Prepare
        rng = random.Random(1)
        c, errors = self.client("logged", max_batch_records=100)
        c.create_model_version(labels=LABELS, embedding_dim=DIM, score=True, probabilities=True,
                               fields={"language": "string:segment"})
        start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
        # Act
        ids = []
        for i in range(250):
            p = [rng.random() + 0.01 for _ in LABELS]
            p = [x / sum(p) for x in p]
            label = LABELS[max(range(3), key=lambda k: p[k])]
            ids.append(c.log(embedding=vector(rng), label=label, score=max(p), probabilities=p,
                             fields={"language": rng.choice(["en", "de", "fr"])},
                             timestamp=start + dt.timedelta(seconds=i)))
        flushed = c.flush(30)
        # Assess
        self.assertTrue(flushed)
        self.assertEqual(errors, [])
        self.assertEqual(c.stats.sent, 250)
        self.assertEqual(c.stats.batches, 3)
        self.assertEqual(len(set(ids)), 250)
        self.assertGreaterEqual(len(self.parquet_files("logged")), 1)

    def test_a_record_that_breaks_the_schema_is_rejected_with_its_index_and_field(self):
        rng = random.Random(2)
        c, errors = self.client("rejected", max_batch_records=3)
        c.create_model_version(labels=LABELS, embedding_dim=DIM)
        c.log(embedding=vector(rng), label="positive")
        c.log(embedding=vector(rng), label="sarcastic")
        c.log(embedding=vector(rng), label="negative")
        c.flush(30)
        self.assertEqual(len(errors), 1)
        error, records = errors[0]
        self.assertEqual((error.status, error.code, error.index, error.field), (400, "SCHEMA_MISMATCH", 1, "label"))
        self.assertEqual(len(records), 3)
        self.assertEqual(c.stats.rejected, 3)
        self.assertEqual(c.stats.retries, 0)
        self.assertEqual(self.parquet_files("rejected"), [])

    def test_a_different_schema_for_a_version_with_data_is_a_conflict(self):
        c, errors = self.client("conflict")
        c.create_model_version(labels=LABELS, embedding_dim=DIM)
        c.log(embedding=vector(random.Random(5)), label="neutral")
        c.flush(30)
        self.assertEqual(c.stats.sent, 1)
        with self.assertRaises(VigilError) as caught:
            c.create_model_version(labels=LABELS, embedding_dim=DIM + 1)
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "SCHEMA_CONFLICT"))
        self.assertEqual(c.get_model_version()["embedding_dim"], DIM)

    def test_an_undeclared_model_version_is_model_not_found(self):
        c, errors = self.client("never-declared")
        c.log(embedding=vector(random.Random(3)), label="positive")
        c.flush(30)
        self.assertEqual([(e.status, e.code) for e, _ in errors], [(404, "MODEL_NOT_FOUND")])
        self.assertEqual(c.last_error.code, "MODEL_NOT_FOUND")

    def test_a_batch_sent_again_with_the_same_ids_is_accepted(self):
        # What a retry after a lost answer does: the server takes it, readers keep one copy per id.
        rng = random.Random(4)
        c, errors = self.client("resent")
        c.create_model_version(labels=LABELS, embedding_dim=DIM)
        e = vector(rng)
        first = c.log(embedding=e, label="neutral")
        c.flush(30)
        c.log(embedding=e, label="neutral", id=first)
        c.flush(30)
        self.assertEqual(errors, [])
        self.assertEqual(c.stats.sent, 2)


if __name__ == "__main__":
    unittest.main()
