"""The floor in Python: a minimal raw-socket HTTP/1.1 loop (client name
``raw-python``), the reference the issue's peer measurements were taken against
("a raw Python socket loop ~5,700 req/s").

One kept-alive unix-socket connection per thread; a request is one ``sendall`` of
a fixed request and reads until the ``Content-Length`` body (or the chunked body's
terminating chunk) is complete. Nothing is decoded. Workloads: noop, ping-seq,
list-seq, ping-par (threads, each with its own connection).
"""

import socket
import threading

from common import emit, fail, guard, measure, parse_args

CLIENT = "raw-python"
SUPPORTED = ("noop", "ping-seq", "list-seq", "ping-par")


class Conn:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""

    def get(self, target):
        self.sock.sendall(f"GET {target} HTTP/1.1\r\nHost: d\r\n\r\n".encode())
        while b"\r\n\r\n" not in self.buf:
            self._more()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lower = head.lower()
        if b"transfer-encoding: chunked" in lower:
            while True:
                while b"\r\n" not in self.buf:
                    self._more()
                size_line, rest = self.buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    self._more()
                    size_line, rest = self.buf.split(b"\r\n", 1)
                self.buf = rest[size + 2:]
                if size == 0:
                    return head
        length = 0
        for line in lower.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(self.buf) < length:
            self._more()
        self.buf = self.buf[length:]
        return head

    def _more(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the daemon closed the connection")
        self.buf += data


def main():
    args = parse_args(CLIENT, SUPPORTED)
    if not args.host.startswith("unix://"):
        fail("raw-python speaks to unix sockets only")
    path = args.host[len("unix://"):]
    conn = Conn(path)
    head = conn.get("/_ping")
    version = next(
        (line.split(b":")[1].strip().decode() for line in head.split(b"\r\n")
         if line.lower().startswith(b"api-version:")),
        "1.41",
    )
    prefix = f"/v{version}"

    if args.workload == "noop":
        emit(CLIENT, "noop", 0, 0, 0.0, 0.0)
        return
    if args.workload in ("ping-seq", "list-seq"):
        target = prefix + ("/_ping" if args.workload == "ping-seq" else "/containers/json?all=1")

        def run():
            for _ in range(args.n):
                conn.get(target)

        _, wall, cpu = measure(run)
        emit(CLIENT, args.workload, args.n, 0, wall, cpu)
        return
    # ping-par: min(concurrency, 16) threads, each with its own connection.
    threads = min(args.concurrency, 16)
    conns = [Conn(path) for _ in range(threads)]
    shares = [args.n // threads + (1 if i < args.n % threads else 0) for i in range(threads)]

    def work(c, k):
        for _ in range(k):
            c.get(prefix + "/_ping")

    def run():
        ts = [threading.Thread(target=work, args=(c, k)) for c, k in zip(conns, shares)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    _, wall, cpu = measure(run)
    emit(CLIENT, "ping-par", args.n, 0, wall, cpu)


if __name__ == "__main__":
    guard(main)
