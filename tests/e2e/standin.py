"""A hostile stand-in for the API on 127.0.0.1 and a free port: it records every request it gets (method,
path and headers as parsed, so a header smuggled in by a line break shows up as a header of its own) and
answers each with a canned Answer: by default one JSON response, or per path prefix (`routes`) anything a
server that is not the Fastly API might send: a page, binary bytes, a redirect, a body or headers without
end. Standard library only; every stream stops when the client goes away, or at a bound.
"""
import http.server
import threading
import time

# Streams stop after this much, or this long, whatever the client does: a broken client under test
# meets its ulimit long before, and a test never hangs on a stand-in.
STREAM_LIMIT_BYTES = 8 << 30
STREAM_LIMIT_SECONDS = 60


class Answer:
    """One canned answer. `body` is bytes; `stream` instead sends a body without end: "chunked"
    (Transfer-Encoding: chunked) or "close" (no length: the body ends when the connection does).
    `content_length` announces a length other than the body's. `header_stream` sends header lines
    without end after `headers`. `extra_headers` is [(name, value)] after Content-Type."""

    def __init__(self, status=200, body=b"", content_type="application/json", extra_headers=(), stream=None,
                 content_length=None, header_stream=False):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode()
        self.content_type = content_type
        self.extra_headers = list(extra_headers)
        self.stream = stream
        self.content_length = content_length
        self.header_stream = header_stream

    def write(self, out):
        """Writes this answer to the file `out` (the connection), raw."""
        head = ["HTTP/1.1 %d Stand-in" % self.status]
        if self.content_type is not None:
            head.append("Content-Type: " + self.content_type)
        head += ["%s: %s" % pair for pair in self.extra_headers]
        if self.stream == "chunked":
            head.append("Transfer-Encoding: chunked")
        elif self.stream is None or self.content_length is not None:
            head.append("Content-Length: %d" % (len(self.body) if self.content_length is None else self.content_length))
        head.append("Connection: close")
        out.write(("\r\n".join(head) + "\r\n").encode("utf-8", "surrogateescape"))
        if self.header_stream:
            line = b"X-Filler: " + b"f" * 100 + b"\r\n"
            stream_until_closed(out, lambda: line)
            return
        out.write(b"\r\n")
        if self.stream is None and self.content_length is None:
            out.write(self.body)
            return
        piece = self.body or b"x" * 65536
        if self.stream == "chunked":
            chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
            stream_until_closed(out, lambda: chunk)
        else:
            stream_until_closed(out, lambda: piece)


def stream_until_closed(out, next_piece):
    """Writes next_piece() to `out` until the client closes the connection, or the stream's bounds."""
    sent = 0
    deadline = time.monotonic() + STREAM_LIMIT_SECONDS
    try:
        while sent < STREAM_LIMIT_BYTES and time.monotonic() < deadline:
            piece = next_piece()
            out.write(piece)
            sent += len(piece)
    except (BrokenPipeError, ConnectionResetError):
        pass


class RecordingServer:
    """Records requests in `self.requests` as (method, path, [(name, value), ...]); answers `status` with
    the JSON `body`, or, for a path starting with one of the prefixes of `routes` (a list of (prefix,
    Answer), the first match wins), that Answer. Used as a with-block; `url` is its http:// address."""

    def __init__(self, status=401, body=b'{"msg": "stand-in"}', routes=()):
        self.requests = []
        self.routes = list(routes)
        default = Answer(status, body)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if 0 < length <= 1 << 20:
                    self.rfile.read(length)
                server.requests.append((self.command, self.path, list(self.headers.items())))
                reply = next((a for prefix, a in server.routes if self.path.startswith(prefix)), default)
                self.close_connection = True
                try:
                    reply.write(self.wfile)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
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

    def paths_with_an_empty_segment(self):
        """The request paths recorded that hold an empty segment (`/customer//users`, `/user/`): a path
        built from an empty id."""
        return [path for _, path, _ in self.requests if "" in path.split("?", 1)[0].split("/")[1:]]
