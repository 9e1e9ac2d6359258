"""HTTP/1.1 on a keep-alive socket, for the bench's clients: little CPU per request.

The clients share the machine's two cores with gunicorn and PostgreSQL. Python's http.client
parses each response's headers with the email package: 16 clients asking for warm 304s spent
0.29-0.30 of a core at 779-917 requests a second. Read here, they spent 0.11 at 1,029-1,072 a
second (CPU time of the client process, 8 s runs, three each). A browser runs on another
machine: what its client costs should not come out of the server's share.

Requests carry the headers a browser's `fetch` sends, so the server parses as much as it would.
Responses are read by `Content-Length` or chunked transfer coding; no other coding is asked for.
"""

from __future__ import annotations

import socket
from http.client import HTTPException, RemoteDisconnected

BROWSER_HEADERS = (
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36\r\n"
    "Accept-Language: sv-SE,sv;q=0.9,en;q=0.8\r\n"
)
NO_BODY_STATUSES = (204, 304)


class Headers:
    """A response's header fields; names compared without case."""

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self.fields = fields

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of `name`, or `default`."""
        wanted = name.lower()
        for field, value in self.fields:
            if field.lower() == wanted:
                return value
        return default

    def get_all(self, name: str) -> list[str]:
        """Every value of `name`."""
        wanted = name.lower()
        return [value for field, value in self.fields if field.lower() == wanted]

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value


class Connection:
    """One keep-alive connection: one request, then its whole response, at a time."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port = host, port
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes, Headers, bool]:
        """Send a request; (status, body, headers, whether the server closes the connection).

        Raises RemoteDisconnected when the server closed the connection before answering (an
        idle keep-alive connection it let go), HTTPException for what is not HTTP/1.1.
        """
        lines = [f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"]
        lines.append(BROWSER_HEADERS)
        if "Accept" not in headers:
            lines.append("Accept: */*\r\n")
        lines.extend(f"{name}: {value}\r\n" for name, value in headers.items())
        if body is not None:
            lines.append(f"Content-Length: {len(body)}\r\n")
        self.sock.sendall("".join(lines).encode("latin-1") + b"\r\n" + (body or b""))
        status, fields = self._head()
        header = Headers(fields)
        if method == "HEAD" or status in NO_BODY_STATUSES or 100 <= status < 200:
            data = b""
        elif (header.get("Transfer-Encoding") or "").lower() == "chunked":
            data = self._chunked()
        elif (length := header.get("Content-Length")) is not None:
            data = self._exactly(int(length))
        else:
            data = self._until_closed()
            return status, data, header, True
        closes = (header.get("Connection") or "").lower() == "close"
        return status, data, header, closes

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()

    def _head(self) -> tuple[int, list[tuple[str, str]]]:
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                if self.buffer:
                    raise HTTPException("the connection closed within a response's headers")
                raise RemoteDisconnected("the server closed the connection without answering")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        version, _, rest = status_line.partition(" ")
        if not version.startswith("HTTP/1.") or not rest[:3].isdigit():
            raise HTTPException(f"not an HTTP/1.x status line: {status_line!r}")
        fields = []
        for line in header_lines:
            name, _, value = line.partition(":")
            fields.append((name.strip(), value.strip()))
        return int(rest[:3]), fields

    def _exactly(self, size: int) -> bytes:
        if len(self.buffer) < size:
            parts, have = [self.buffer], len(self.buffer)
            while have < size:
                chunk = self.sock.recv(min(1 << 20, max(65536, size - have)))
                if not chunk:
                    raise HTTPException("the connection closed within a response's body")
                parts.append(chunk)
                have += len(chunk)
            self.buffer = b"".join(parts)
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise HTTPException("the connection closed within a chunked body")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _chunked(self) -> bytes:
        parts = []
        while size := int(self._line().split(b";", 1)[0], 16):
            parts.append(self._exactly(size))
            self._exactly(2)  # the chunk's CRLF
        while self._line():  # trailer fields, up to the empty line
            pass
        return b"".join(parts)

    def _until_closed(self) -> bytes:
        parts = [self.buffer]
        while chunk := self.sock.recv(65536):
            parts.append(chunk)
        self.buffer = b""
        return b"".join(parts)
