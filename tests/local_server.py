"""What every HTTP stand-in of the tests shares: a server on a free port of 127.0.0.1, answered from a
thread while the `with` block runs. A stand-in sets its own state, then calls `_serve()`, and gives
`_handler()` (its request handler class)."""
from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class LocalServer:
    def _serve(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self):
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
