"""Local clusters for tests: `gregor cluster` and `gregor fault` in a temp dir on free loopback ports.

The brokers are started by `gregor cluster up` (they are not our children), so the cleanup signals exactly
the pids the cluster file recorded, after checking /proc that each is still that broker. Killed brokers
stay zombies when the machine's init does not reap them, so "gone" means no such process or state Z.
"""

import json
import os
import random
import signal
import socket
import subprocess
import time

COMMAND_TIMEOUT_S = 120


def free_ports(count):
    """`count` consecutive loopback ports that nothing listens on right now."""
    for _ in range(200):
        base = random.randint(20000, 60000 - count)
        sockets = []
        try:
            for port in range(base, base + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError(f"no {count} consecutive free ports found")


def process_state(pid):
    """The state letter of /proc/PID/stat, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def is_gone(pid):
    return process_state(pid) in (None, "Z")


def is_broker(pid, data_dir):
    """Whether `pid` still runs `gregor broker ... --data-dir data_dir` (never signal a recycled pid)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().decode(errors="replace").split("\0")
    except (FileNotFoundError, ProcessLookupError):
        return False
    return len(args) > 2 and args[1] == "broker" and "--data-dir" in args \
        and args[args.index("--data-dir") + 1] == data_dir


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting until {what}")


class LocalCluster:
    """`gregor cluster`/`gregor fault` in one directory; remembers every pid the cluster file ever listed."""

    def __init__(self, binary, directory):
        self.binary = binary
        self.dir = str(directory)
        self.pids = {}  # pid -> data dir

    @property
    def file_path(self):
        return os.path.join(self.dir, "cluster.json")

    def gregor(self, *args, check=True, timeout=COMMAND_TIMEOUT_S):
        result = subprocess.run([self.binary, *args, "--dir", self.dir], capture_output=True, text=True,
                                timeout=timeout, stdin=subprocess.DEVNULL)
        self.read_file()
        if check and result.returncode != 0:
            raise AssertionError(f"gregor {' '.join(args)} exited {result.returncode}\n"
                                 f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n{self.logs()}")
        return result

    def read_file(self):
        try:
            with open(self.file_path) as f:
                data = json.load(f)
        except FileNotFoundError:
            return None
        for broker in data["brokers"]:
            if broker.get("pid"):
                self.pids[broker["pid"]] = broker["dataDir"]
        return data

    def broker(self, node_id=1):
        return next(b for b in self.read_file()["brokers"] if b["nodeId"] == node_id)

    def status_rows(self):
        """`cluster status` rows as {node id: [columns]}."""
        lines = self.gregor("cluster", "status").stdout.splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith("NODE"))
        rows = {}
        for line in lines[header + 1:]:
            if not line or not line[0].isdigit():
                break
            columns = line.split()
            rows[int(columns[0])] = columns
        return rows

    def logs(self):
        text = []
        for name in sorted(os.listdir(self.dir)) if os.path.isdir(self.dir) else []:
            if name.endswith(".log"):
                with open(os.path.join(self.dir, name), "rb") as f:
                    text.append(f"--- {name} (last 3000 chars) ---\n{f.read().decode(errors='replace')[-3000:]}")
        return "\n".join(text)

    def cleanup(self):
        """Kills (SIGCONT, then SIGKILL) every recorded pid that is still its broker."""
        self.read_file()
        for pid, data_dir in self.pids.items():
            if not is_gone(pid) and is_broker(pid, data_dir):
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGKILL)
        for pid in self.pids:
            wait_for(lambda: is_gone(pid), 10, f"pid {pid} is gone")


def up(cluster, brokers=1, timeout=60, settings=None):
    """`gregor cluster up` on free ports (client and admin); `settings` are broker configs (`--set key=value`)."""
    port = free_ports(brokers)
    admin_port = free_ports(brokers)
    sets = [arg for key, value in (settings or {}).items() for arg in ("--set", f"{key}={value}")]
    result = cluster.gregor("cluster", "up", "--brokers", str(brokers), "--port", str(port), "--admin-port", str(admin_port),
                            "--timeout", str(timeout), *sets)
    return port, result
