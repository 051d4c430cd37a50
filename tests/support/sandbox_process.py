"""`python -m app sandbox ...` in a child process: the sandbox as a separate server, the way the real Nexudus is
(tests of the CLI, and benchmarks where the server's own work must not share the client's interpreter)."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from app.sandbox.cli import READY_PREFIX

ROOT = Path(__file__).resolve().parents[2]


class SandboxProcess:
    """The child process; `wait_for_url()` returns its base URL once it printed it."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "sandbox", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for_url(self, timeout: float = 60) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError("the sandbox printed no URL") from None
            if line.startswith(READY_PREFIX):
                return line[len(READY_PREFIX) :].strip()

    def terminate(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        return code
