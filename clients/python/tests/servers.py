"""What the tests share: a real `vigil serve` started from this repository, and a scripted stand-in
server for the failures a real server cannot be made to produce on demand (429, 503, stalls)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "clients" / "python"))


class VigilServe:
    """`node bin/vigil.mjs serve --port 0 --data-dir DIR` until stop(); url from its first line."""

    def __init__(self, data_dir: str) -> None:
        node = os.environ.get("VIGIL_NODE", "node")
        args = [node, str(REPO / "bin" / "vigil.mjs"), "serve", "--port", "0", "--data-dir", data_dir]
        if os.environ.get("VIGIL_TEST_MODEL_DIR"):
            args += ["--model", os.environ["VIGIL_TEST_MODEL_DIR"]]
        self.data_dir = data_dir
        self.proc = subprocess.Popen(
            args, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline() if self.proc.stdout else ""
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                # Keep reading its per-request lines so the pipe never fills and stalls the server.
                threading.Thread(target=self._drain, daemon=True).start()
                return
            if self.proc.poll() is not None:
                break
        err = self.proc.stderr.read() if self.proc.stderr else ""
        self.proc.kill()
        raise RuntimeError(f"vigil serve did not start: {line}{err}")

    def _drain(self) -> None:
        for _ in self.proc.stdout or []:
            pass

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe:
                pipe.close()


Reply = Tuple[int, Dict[str, Any]]


class ScriptedServer:
    """Answers POST /log from a script: each request pops the next reply (or calls `default`),
    after an optional stall. Keeps every request's parsed body."""

    def __init__(self, replies: Optional[List[Reply]] = None, stall: float = 0.0) -> None:
        self.replies = list(replies or [])
        self.stall = stall
        self.bodies: List[Dict[str, Any]] = []
        self.headers: List[Dict[str, str]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("content-length", "0")))
                if outer.stall:
                    time.sleep(outer.stall)
                with outer.lock:
                    body = json.loads(raw)
                    outer.bodies.append(body)
                    outer.headers.append({k.lower(): v for k, v in self.headers.items()})
                    status, answer = outer.replies.pop(0) if outer.replies else (200, None)
                if answer is None:
                    ids = [r["id"] for r in body["records"]]
                    answer = {"model": body["model"], "accepted": len(ids), "ids": ids}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def records(self) -> List[Dict[str, Any]]:
        with self.lock:
            return [r for b in self.bodies for r in b["records"]]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def error(status: int, code: str, **extra: Any) -> Reply:
    return status, {"error": {"code": code, "message": f"scripted {code}", **extra}}


def wait_until(pred: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return pred()
