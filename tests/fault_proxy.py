"""A JSON-RPC proxy on the loopback interface that fails chosen requests on their way to a node.

Faults: "drop" closes the connection without an answer, "502" answers Bad Gateway, "delay"
forwards the request only after `delay` seconds (past the client's time-out), and
"lost-answer" forwards it and then drops the node's answer, the worst case for a sent
transaction. `plan(number, method)` names the fault for each request (or None), and at most
`max_faults` are injected, so that every loop over it ends."""
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import requests


class FaultProxy:
    def __init__(self, upstream: str, plan: Callable[[int, str], str | None], max_faults: int = 50,
                 delay: float = 1.0):
        self.upstream, self.plan, self.max_faults, self.delay = upstream, plan, max_faults, delay
        self.requests = 0
        self.faults: Counter = Counter()
        self.methods: Counter = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FaultProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _fault_for(self, method: str) -> str | None:
        with self._lock:
            self.requests += 1
            self.methods[method] += 1
            fault = self.plan(self.requests, method)
            if fault and sum(self.faults.values()) < self.max_faults:
                self.faults[fault] += 1
                return fault
            return None

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    method = json.loads(body).get("method", "?")
                except (ValueError, AttributeError):
                    method = "batch"
                fault = proxy._fault_for(method)
                if fault == "drop":
                    self.close_connection = True
                    return
                if fault == "502":
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if fault == "delay":
                    time.sleep(proxy.delay)
                answer = requests.post(proxy.upstream, data=body, headers={"Content-Type": "application/json"},
                                       timeout=10)
                if fault == "lost-answer":
                    self.close_connection = True
                    return
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args):
                pass

        return Handler
