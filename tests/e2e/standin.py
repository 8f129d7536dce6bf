"""A hostile stand-in for the API on 127.0.0.1 and a free port: it records every request it gets (method,
path and headers as parsed, so a header smuggled in by a line break shows up as a header of its own) and
answers each with one canned response. Standard library only.
"""
import http.server
import threading


class RecordingServer:
    """Records requests in `self.requests` as (method, path, [(name, value), ...]); answers `status` with
    the JSON `body`. Used as a with-block; `url` is its http:// address."""

    def __init__(self, status=401, body=b'{"msg": "stand-in"}'):
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if 0 < length <= 1 << 20:
                    self.rfile.read(length)
                server.requests.append((self.command, self.path, list(self.headers.items())))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def header_values(self, name):
        """Every value of the header `name` (any case) across the requests recorded."""
        return [value for _, _, headers in self.requests for key, value in headers if key.lower() == name.lower()]
