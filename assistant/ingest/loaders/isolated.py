"""Reading untrusted files in a separate process (the web app's uploads).

In the app's worker threads a parse cannot be interrupted (SIGALRM works on the main thread only),
and what a decompression bomb allocates would stay in the app's memory. Here one reader process,
started on first use and reused, reads each file: one that takes longer than ``seconds`` is
stopped (the process is killed and started again on the next file), its memory is capped, and a
bomb's allocations die with it.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from assistant.errors import LoadError
from assistant.ingest.loaders.base import Loaded

MEMORY_LIMIT = 3 * 1024**3  # address space of the reader process, bytes


def _serve(conn, memory: int) -> None:  # noqa: ANN001
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):
        pass
    from assistant.ingest.loaders import load_file

    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        path, max_bytes = msg
        try:
            conn.send(("ok", load_file(Path(path), max_bytes, seconds=None)))
        except LoadError as exc:
            conn.send(("err", exc.parts()))
        except MemoryError:
            conn.send(("err", LoadError.known(path, "out of memory").parts()))
        except Exception as exc:  # a loader bug must not stop the reader
            conn.send(("err", (path, f"unexpected {type(exc).__name__}: {exc}", "please report this file")))


class IsolatedLoader:
    def __init__(self, seconds: float = 60.0, memory: int = MEMORY_LIMIT) -> None:
        self.seconds = seconds
        self.memory = memory
        self._ctx = multiprocessing.get_context("spawn")
        self._proc = None
        self._conn = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_serve, args=(child, self.memory), daemon=True, name="file-reader")
        self._proc.start()
        child.close()
        self._conn = parent

    def _stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        self._proc = self._conn = None

    def __call__(self, path: Path, max_bytes: int | None = None) -> Loaded:
        """Read one file (as loaders.load_file does), in the reader process."""
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                self._start()
            assert self._conn is not None
            self._conn.send((str(path), max_bytes))
            if not self._conn.poll(self.seconds):
                self._stop()
                raise LoadError.known(str(path), "too slow", seconds=f"{self.seconds:.0f}")
            try:
                kind, payload = self._conn.recv()
            except (EOFError, OSError):
                self._stop()
                raise LoadError.known(str(path), "reader stopped") from None
        if kind == "ok":
            return payload
        raise LoadError(*payload)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except OSError:
                    pass
            self._stop()
