import datetime as dt
import os
import unittest
from unittest import mock

from vigil_client import Credentials, sign_request
from vigil_client.sigv4 import default_credentials_provider

from .servers import ScriptedServer

EXAMPLE = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
WHEN = dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.timezone.utc)


class SigV4Test(unittest.TestCase):
    def test_matches_the_aws_sigv4_test_suite_get_vanilla(self):
        # Source: AWS Signature Version 4 test suite, case "get-vanilla" (GET / on example.amazonaws.com).
        headers = sign_request(
            "GET", "https://example.amazonaws.com/", {}, b"", region="us-east-1", credentials=EXAMPLE,
            service="service", now=WHEN,
        )
        self.assertEqual(
            headers["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        )
        self.assertEqual(headers["x-amz-date"], "20150830T123600Z")

    def test_signs_the_body_and_adds_the_session_token(self):
        creds = Credentials("AKID", "SECRET", "TOKEN")
        a = sign_request("POST", "https://x.execute-api.eu-west-1.amazonaws.com/log", {}, b"{}",
                         region="eu-west-1", credentials=creds, now=WHEN)
        b = sign_request("POST", "https://x.execute-api.eu-west-1.amazonaws.com/log", {}, b"{ }",
                         region="eu-west-1", credentials=creds, now=WHEN)
        self.assertEqual(a["x-amz-security-token"], "TOKEN")
        self.assertIn("/eu-west-1/execute-api/aws4_request", a["authorization"])
        self.assertIn("x-amz-security-token", a["authorization"])
        self.assertNotEqual(a["authorization"], b["authorization"])

    def test_env_credentials_without_botocore(self):
        env = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T"}
        with mock.patch.dict(os.environ, env), mock.patch.dict("sys.modules", {"botocore.session": None}):
            self.assertEqual(default_credentials_provider()(), Credentials("AKID", "S", "T"))
        with mock.patch.dict(os.environ, {}, clear=True), mock.patch.dict("sys.modules", {"botocore.session": None}):
            with self.assertRaisesRegex(LookupError, "AWS_ACCESS_KEY_ID"):
                default_credentials_provider()()

    def test_the_client_signs_every_post_log_when_given_a_region(self):
        from vigil_client import VigilClient

        server = ScriptedServer()
        try:
            client = VigilClient(server.url, "m", "1", aws_region="us-east-1",
                                 credentials=lambda: Credentials("AKID", "SECRET"), flush_at_exit=False)
            client.log(embedding=[0.1, 0.2], label="a")
            self.assertTrue(client.flush(10))
            client.close()
            sent = server.headers[0]
            self.assertRegex(sent["authorization"], r"^AWS4-HMAC-SHA256 Credential=AKID/\d{8}/us-east-1/execute-api/")
            self.assertIn("host", sent["authorization"])
            self.assertIn("x-amz-date", sent)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
