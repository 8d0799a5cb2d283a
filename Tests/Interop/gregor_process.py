"""A real `gregor broker` process for the interop tests: start, wait until it answers, stop by pid.

Only processes started here are ever signalled, and only by their own pid.
"""

import os
import signal
import socket
import subprocess
import time

from kafka_wire import api_versions_roundtrip

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 5.0


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now (the broker binds it with SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GregorBroker:
    """One broker process on a fixed loopback port and data dir; restartable on both."""

    def __init__(self, binary, data_dir, log_path, settings=None, fsync=None, port=None, node_id=1):
        self.binary = str(binary)
        self.data_dir = str(data_dir)
        self.log_path = str(log_path)
        self.settings = dict(settings or {})
        self.fsync = fsync
        self.port = port or free_port()
        self.node_id = node_id
        self.admin_port = None  # set before start: serve /metrics there (--admin)
        self.proc = None
        self.starts = 0
        self._log_start = 0  # where the current run's output begins in the log file

    @property
    def host(self):
        return "127.0.0.1"

    @property
    def bootstrap(self):
        return f"{self.host}:{self.port}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def command(self):
        cmd = [
            self.binary, "broker",
            "--node-id", str(self.node_id),
            "--listen", self.bootstrap,
            "--data-dir", self.data_dir,
            "--exit-with-parent",
        ]
        for key, value in self.settings.items():
            cmd += ["--set", f"{key}={value}"]
        if self.fsync:
            cmd += ["--fsync", self.fsync]
        if self.admin_port:
            cmd += ["--admin", f"127.0.0.1:{self.admin_port}"]
        return cmd

    def start(self, timeout=READY_TIMEOUT_S):
        self.launch()
        self.wait_ready(timeout)
        return self

    def launch(self):
        """Starts the process without waiting for it (brokers of a quorum get ready only together)."""
        assert self.proc is None or self.proc.poll() is not None, "broker already running"
        os.makedirs(self.data_dir, exist_ok=True)
        self._log_start = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        with open(self.log_path, "ab") as log:
            log.write(f"=== start #{self.starts + 1}: {' '.join(self.command())}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, close_fds=True)
        self.starts += 1
        return self

    def wait_ready(self, timeout):
        """Waits for the ready line, then for a raw ApiVersions answer; fails with the log if it dies."""
        deadline = time.monotonic() + timeout
        ready_line = f"ready on {self.bootstrap}"
        last_error = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"gregor broker exited with {self.proc.returncode} before it was ready:\n{self.run_log()[-4000:]}")
            if ready_line in self.run_log():
                try:
                    api_versions_roundtrip(self.host, self.port, timeout=2.0)
                    return
                except OSError as error:
                    last_error = error
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(
            f"gregor broker not ready within {timeout}s ({last_error}):\n{self.run_log()[-4000:]}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT_S):
        """SIGTERM, then SIGKILL after `timeout`; returns the exit code (None when never started)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout)
        return self.proc.returncode

    def stop_checked(self, timeout=STOP_TIMEOUT_S):
        """stop(), failing with the run's log when a running broker does not exit 0 on SIGTERM (a crash or
        a hang during shutdown loses the clean-shutdown marker and is a bug)."""
        was_running = self.alive()
        rc = self.stop(timeout)
        assert not was_running or rc == 0, \
            f"gregor broker exited with {rc} on SIGTERM:\n{self.run_log()[-6000:]}"
        return rc

    def kill(self):
        """kill -9, as a crash."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(STOP_TIMEOUT_S)

    def restart(self, clean=True, timeout=READY_TIMEOUT_S):
        """Stops (SIGTERM when clean, kill -9 otherwise) and starts again on the same port and data dir."""
        if clean:
            self.stop_checked()
        else:
            self.kill()
        return self.start(timeout)

    def log_text(self):
        try:
            with open(self.log_path, "rb") as log:
                return log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def run_log(self):
        """Output of the current (or last) run only."""
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self._log_start)
                return log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def rss_bytes(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")
