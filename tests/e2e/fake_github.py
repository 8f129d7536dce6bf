"""A small fake of GitHub's issue-comment REST API on 127.0.0.1 and a free port, for the action's comment
step (scripts/action/comment.sh). GitHub is not the product under test; this records every request and
keeps the comments of one repository's pull requests in memory. Standard library only.

Routes (as GitHub has them):
  GET   /repos/OWNER/NAME/issues/N/comments?per_page=P&page=K   a page of N's comments, oldest first
  POST  /repos/OWNER/NAME/issues/N/comments   {"body"}           201 and the new comment
  PATCH /repos/OWNER/NAME/issues/comments/ID  {"body"}           200 and the updated comment
Every request must carry `Authorization: Bearer TOKEN`; otherwise 401. `refuse` maps a method to a status
answered instead (e.g. {"POST": 403}).
"""
import http.server
import json
import re
import threading
import urllib.parse


class FakeGitHub:
    def __init__(self, repository, token):
        self.repository = repository
        self.token = token
        self.comments = {}  # pull request number -> [{"id", "body", "user"}]
        self.requests = []  # (method, path, body or None)
        self.refuse = {}
        self._next_id = 1000
        self._lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, document):
                data = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with fake._lock:
                    fake.requests.append((self.command, self.path, body))
                    status, document = fake._route(self.command, self.path, body, self.headers)
                self._answer(status, document)

            do_GET = do_POST = do_PATCH = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add_comment(self, number, body, user="someone"):
        with self._lock:
            self._next_id += 1
            self.comments.setdefault(number, []).append({"id": self._next_id, "body": body, "user": user})

    def _route(self, method, target, body, headers):
        if headers.get("Authorization") != "Bearer " + self.token:
            return 401, {"message": "Bad credentials"}
        if method in self.refuse:
            return self.refuse[method], {"message": "Resource not accessible by integration"}
        parsed = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qs(parsed.query)
        prefix = "/repos/%s/issues/" % self.repository
        if not parsed.path.startswith(prefix):
            return 404, {"message": "Not Found"}
        rest = parsed.path[len(prefix):]
        listed = re.fullmatch(r"(\d+)/comments", rest)
        if listed and method == "GET":
            per_page = min(int(query.get("per_page", ["30"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            comments = self.comments.get(int(listed.group(1)), [])
            return 200, comments[(page - 1) * per_page: page * per_page]
        if listed and method == "POST":
            self._next_id += 1
            comment = {"id": self._next_id, "body": body["body"], "user": "github-actions[bot]"}
            self.comments.setdefault(int(listed.group(1)), []).append(comment)
            return 201, comment
        edited = re.fullmatch(r"comments/(\d+)", rest)
        if edited and method == "PATCH":
            for comments in self.comments.values():
                for comment in comments:
                    if comment["id"] == int(edited.group(1)):
                        comment["body"] = body["body"]
                        return 200, comment
            return 404, {"message": "Not Found"}
        return 404, {"message": "Not Found"}

    def writes(self):
        """The POST and PATCH requests received, as (method, path)."""
        return [(method, path) for method, path, _ in self.requests if method in ("POST", "PATCH")]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
