"""A JSON-RPC proxy on the loopback interface that fails chosen requests on their way to a node.

Faults: "drop" closes the connection without an answer, "502" answers Bad Gateway, "delay"
forwards the request only after `delay` seconds (past the client's time-out), and
"lost-answer" forwards it and then drops the node's answer, the worst case for a sent
transaction. `plan(number, method)` names the fault for each request (or None), and at most
`max_faults` are injected, so that every loop over it ends. `rewrite`, if given, turns each
request's JSON into the one the node gets (a relay that evens out what a client sends); `refuse`,
if given, names the requests the relay answers itself with a JSON-RPC error (a node that lacks a
method or a block tag): refuse(request) gives that error object, or None to forward the request;
`answer`, if given, names those it answers itself with a result (a method the node behind lacks,
as another client has it): answer(request) gives that result, or None to forward the request."""
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import requests


class FaultProxy:
    def __init__(self, upstream: str, plan: Callable[[int, str], str | None], max_faults: int = 50,
                 delay: float = 1.0, rewrite: Callable[[object], object] | None = None,
                 refuse: Callable[[dict], dict | None] | None = None,
                 answer: Callable[[dict], object | None] | None = None):
        self.upstream, self.plan, self.max_faults, self.delay = upstream, plan, max_faults, delay
        self.rewrite, self.refuse, self.answer = rewrite, refuse, answer
        self.refused: Counter = Counter()
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

    def _refusal(self, body: bytes) -> dict | None:
        if self.refuse is None:
            return None
        request = json.loads(body)
        error = self.refuse(request) if isinstance(request, dict) else None
        if error is not None:
            with self._lock:
                self.refused[request["method"]] += 1
        return error

    def _answer(self, body: bytes):
        if self.answer is None:
            return None
        request = json.loads(body)
        return self.answer(request) if isinstance(request, dict) else None

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
                if proxy.rewrite is not None:
                    body = json.dumps(proxy.rewrite(json.loads(body))).encode()
                error = proxy._refusal(body)
                if error is not None:
                    self._reply(200, json.dumps({"jsonrpc": "2.0", "id": json.loads(body).get("id"),
                                                 "error": error}).encode())
                    return
                result = proxy._answer(body)
                if result is not None:
                    self._reply(200, json.dumps({"jsonrpc": "2.0", "id": json.loads(body).get("id"),
                                                 "result": result}).encode())
                    return
                answer = requests.post(proxy.upstream, data=body, headers={"Content-Type": "application/json"},
                                       timeout=10)
                if fault == "lost-answer":
                    self.close_connection = True
                    return
                self._reply(answer.status_code, answer.content)

            def _reply(self, status: int, content: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        return Handler
