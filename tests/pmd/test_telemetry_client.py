#!/usr/bin/env python3
"""DPDK's own telemetry client against testpmd-lite, as a DPDK user runs it.

    test_telemetry_client.py TESTPMD_LITE

Debian's dpdk package installs usertools/dpdk-telemetry.py (as
/usr/bin/dpdk-telemetry.py). It is driven non-interactively: the commands
are piped into its stdin, `-f PREFIX` names the --file-prefix and `-i N`
the instance, and it prints one JSON answer per line. Checked:

- the answers of a testpmd-lite forwarding between two net_null ports:
  /ethdev/list, /testpmd/fwd, /ethdev/stats,0 (frames counted),
  /eal/app_params, /help, an unknown command (null);
- a second testpmd-lite with the same prefix serves instance :1, and each
  instance answers with its own pid;
- the sockets are gone once both programs stopped on SIGINT;
- /testpmd/fwd's running follows start and stop typed at testpmd-lite -i.
"""
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading

CLIENTS = ["/usr/share/dpdk/usertools/dpdk-telemetry.py", "/usr/bin/dpdk-telemetry.py"]


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


def fail(why):
    sys.exit(f"FAIL: {why}")


def start(testpmd, prefix, ports):
    args = [testpmd, "-l", "0-1", "--no-huge", "-m", "64", "--file-prefix", prefix]
    for p in range(ports):
        args += ["--vdev", f"net_null{p}"]
    args += ["--", "--forward-mode=io"]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env=ENV)
    lines = queue.Queue()
    # The output is read on a thread of its own (it goes on until the end),
    # so that a hang in start-up fails after 30 s instead of blocking.
    threading.Thread(target=lambda: [lines.put(l) for l in p.stdout] + [lines.put("")],
                     daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            line = ""
        if not line:
            p.kill()
            fail("testpmd-lite did not start forwarding:\n" + "".join(seen))
        seen.append(line)
        if line.startswith("forwarding started"):
            p.output = seen
            p.lines = lines
            return p


class Interactive:
    """testpmd-lite -i with its commands written to a pipe, its output read raw."""

    def __init__(self, testpmd, prefix):
        self.p = subprocess.Popen([testpmd, "-l", "0-1", "--no-huge", "-m", "64",
                                   "--file-prefix", prefix, "--vdev", "net_null0", "--", "-i"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=ENV)
        self.out = b""

    def expect(self, text):
        """Reads until @text comes (30 s at most: a hang), and consumes it."""
        while text not in self.out:
            ready, _, _ = select.select([self.p.stdout], [], [], 30)
            data = os.read(self.p.stdout.fileno(), 65536) if ready else b""
            if not data:
                self.p.kill()
                fail(f"testpmd-lite -i: no {text!r} in:\n{self.out.decode(errors='replace')}")
            self.out += data
        self.out = self.out[self.out.index(text) + len(text):]

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()


def interactive_running(testpmd, client):
    """/testpmd/fwd follows start and stop typed at testpmd-lite -i."""
    prefix = f"prt_test_tpy_i_{os.getpid()}"
    s = Interactive(testpmd, prefix)
    try:
        s.expect(b"testpmd> ")
        (fwd,) = ask(client, prefix, 0, ["/testpmd/fwd"])
        expect("/testpmd/fwd before start: running", fwd["running"], 0)
        expect("/testpmd/fwd before start: fwd_lcores", fwd["fwd_lcores"], [])
        s.send("start")
        s.expect(b"forwarding started")
        (fwd,) = ask(client, prefix, 0, ["/testpmd/fwd"])
        expect("/testpmd/fwd after start: running", fwd["running"], 1)
        expect("/testpmd/fwd after start: fwd_lcores", fwd["fwd_lcores"], [1])
        s.send("stop")
        s.expect(b"Done.\n")  # printed once the lcores stopped
        (fwd,) = ask(client, prefix, 0, ["/testpmd/fwd"])
        expect("/testpmd/fwd after stop: running", fwd["running"], 0)
        s.send("quit")
        if s.p.wait(timeout=60) != 0:
            fail(f"testpmd-lite -i exited with {s.p.returncode}")
    finally:
        if s.p.poll() is None:
            s.p.kill()
            s.p.wait()
    base = "/var/run" if os.getuid() == 0 else ENV.get("XDG_RUNTIME_DIR") or "/tmp"
    os.rmdir(os.path.join(base, "dpdk", prefix))


def ask(client, prefix, instance, cmds):
    """The client's answers to @cmds, parsed, one per command."""
    r = subprocess.run([sys.executable, client, "-f", prefix, "-i", str(instance)],
                       input="".join(c + "\n" for c in cmds), capture_output=True, text=True,
                       timeout=60, env=ENV)
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    if r.returncode != 0 or len(lines) != len(cmds):
        fail(f"dpdk-telemetry.py -f {prefix} -i {instance}: status {r.returncode}, "
             f"{len(lines)} answers for {len(cmds)} commands:\n{r.stdout}{r.stderr}")
    answers = []
    for cmd, line in zip(cmds, lines):
        a = json.loads(line)
        key = cmd.split(",")[0]
        if list(a) != [key]:
            fail(f"{cmd}: answer {line}")
        answers.append(a[key])
    return answers


def expect(what, got, want):
    if got != want:
        fail(f"{what}: {got!r}, expected {want!r}")


def main():
    testpmd = sys.argv[1]
    client = next((c for c in CLIENTS if os.path.exists(c)), None)
    if client is None:
        skip("no dpdk-telemetry.py (Debian's dpdk package: tools/setup-debian)")
    prefix = f"prt_test_tpy_{os.getpid()}"
    base = "/var/run" if os.getuid() == 0 else ENV.get("XDG_RUNTIME_DIR") or "/tmp"
    sock = os.path.join(base, "dpdk", prefix, "dpdk_telemetry.v2")

    a = start(testpmd, prefix, 2)
    b = None
    try:
        lst, fwd, stats, app, hlp, unknown = ask(client, prefix, 0, [
            "/ethdev/list", "/testpmd/fwd", "/ethdev/stats,0", "/eal/app_params",
            "/help,/testpmd/fwd", "/no/such/command"])
        expect("/ethdev/list", lst, [0, 1])
        expect("/testpmd/fwd mode", fwd["mode"], "io")
        expect("/testpmd/fwd running", fwd["running"], 1)
        expect("/testpmd/fwd fwd_ports", fwd["fwd_ports"], [0, 1])
        expect("/testpmd/fwd fwd_lcores", fwd["fwd_lcores"], [1])
        if not stats["ipackets"] > 0 or len(stats["q_ipackets"]) != 16:
            fail(f"/ethdev/stats,0 after forwarding started: {stats}")
        expect("/eal/app_params", app, ["--forward-mode=io"])
        if "forwarding" not in hlp["/testpmd/fwd"]:
            fail(f"/help,/testpmd/fwd: {hlp}")
        expect("an unknown command", unknown, None)

        # A second program with the same prefix: the next instance.
        b = start(testpmd, prefix, 1)
        if not os.path.exists(sock + ":1"):
            fail(f"{sock}:1 missing with two programs on prefix {prefix}")
        (info0,) = ask(client, prefix, 0, ["/info"])
        (info1, lst1) = ask(client, prefix, 1, ["/info", "/ethdev/list"])
        expect("instance 0's pid", info0["pid"], a.pid)
        expect("instance 1's pid", info1["pid"], b.pid)
        expect("instance 1's /ethdev/list", lst1, [0])
    finally:
        for p in (a, b):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in (a, b):
            if p is not None:
                p.wait(timeout=60)
                if p.returncode != 0:
                    fail(f"testpmd-lite exited with {p.returncode}:\n" + "".join(p.output))
    for s in (sock, sock + ":1"):
        if os.path.exists(s):
            fail(f"{s} left after exit")
    os.rmdir(os.path.dirname(sock))
    interactive_running(testpmd, client)
    print("PASS")


# DPDK's client honours systemd's RUNTIME_DIRECTORY, prt does not: keep it out.
ENV = {k: v for k, v in os.environ.items() if k != "RUNTIME_DIRECTORY"}

if __name__ == "__main__":
    main()
