#!/usr/bin/env python3
"""testpmd-lite -i, driven as a script and as a user at a terminal would.

    test_interactive.py TESTPMD_LITE pipe|pty

pipe: commands written to stdin through a pipe (the plain line reader),
against net_null ports (frames without end: counters move while it
forwards) and net_ring ports (nothing moves until start tx_first puts
frames in the loop): the counters move after start, stop prints the
forward statistics, set fwd changes the mode, bad input gets its message
and the session goes on, the end of input and quit exit 0, SIGINT while
forwarding ends the session with the statistics.

pty: the same program on a pseudo-terminal (libedit's line editing):
Ctrl-A moves to the start of the line, DEL erases, Ctrl-P recalls the
history, Ctrl-C quits cleanly.

Every wait has a deadline that only turns a hang into a failure; nothing
passes or fails on timing.
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

from testpmd_test import fail, lcores

PROMPT = b"testpmd> "
DEADLINE = 30  # seconds: a hang, not a slow machine


class Session:
    """A testpmd-lite -i whose output is read from @fd; commands go to @wfd."""

    def __init__(self, pid, fd, wfd, newline=b"\n"):
        self.pid, self.fd, self.wfd, self.newline = pid, fd, wfd, newline
        self.out = b""  # everything read so far
        self.pos = 0  # what expect() has consumed
        self.status = None

    def read_more(self, deadline):
        r, _, _ = select.select([self.fd], [], [], max(0, deadline - time.monotonic()))
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # a pty's master reads EIO once the child is gone
            data = b""
        self.out += data
        return bool(data)

    def expect(self, pattern, what):
        """Waits for @pattern (bytes regex) after what was consumed; returns the text before it."""
        deadline = time.monotonic() + DEADLINE
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                text = self.out[self.pos:m.start()]
                self.pos = m.end()
                return text, m
            if not self.read_more(deadline):
                if time.monotonic() >= deadline:
                    fail(f"{what}: no {pattern!r} within {DEADLINE} s", self.out[self.pos:])
                if self.exited():
                    fail(f"{what}: the program ended (status {self.status}) before {pattern!r}",
                         self.out[self.pos:])

    def send(self, keys):
        os.write(self.wfd, keys)

    def cmd(self, line, expect_re=None):
        """Types @line and Enter; returns its output (up to the next prompt)."""
        self.send(line.encode() + self.newline)
        text, _ = self.expect(re.escape(PROMPT), f"command {line!r}")
        if expect_re and not re.search(expect_re.encode(), text):
            fail(f"command {line!r}: no {expect_re!r} in its output", text)
        return text.decode(errors="replace")

    def exited(self):
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(st)
        return self.status is not None

    def wait_exit(self, what):
        deadline = time.monotonic() + DEADLINE
        while not self.exited():
            if not self.read_more(deadline) and time.monotonic() >= deadline:
                os.kill(self.pid, signal.SIGKILL)
                fail(f"{what}: still running after {DEADLINE} s", self.out[self.pos:])
        while self.read_more(time.monotonic() + 0.1):
            pass  # what it wrote before it ended
        return self.status


def spawn_pipe(testpmd, vdevs, extra=()):
    args = [testpmd, "--lcores", lcores(), "--no-huge", "-m", "64"]
    for v in vdevs:
        args += ["--vdev", v]
    p = subprocess.Popen(args + ["--", "-i", *extra], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
    s = Session(p.pid, p.stdout.fileno(), p.stdin.fileno())
    s.proc = p  # keeps the pipes open
    s.expect(re.escape(PROMPT), "the first prompt")
    return s


def rx_packets(text, port):
    m = re.search(rf"NIC statistics for port {port} .*?RX-packets: (\d+)", text, re.S)
    if not m:
        fail(f"no RX-packets for port {port}", text.encode())
    return int(m.group(1))


def wait_counting(s, port):
    """show port stats until the port's RX-packets (since the last clear) is not 0."""
    deadline = time.monotonic() + DEADLINE
    while True:
        n = rx_packets(s.cmd(f"show port stats {port}"), port)
        if n > 0:
            return n
        if time.monotonic() >= deadline:
            fail(f"port {port} received nothing in {DEADLINE} s of forwarding", s.out)
        time.sleep(0.05)


def forward_packets(text):
    m = re.search(r"forward: mode (\w+), (\d+) packets", text)
    if not m:
        fail("stop printed no 'forward: mode ...' line", text.encode())
    return m.group(1), int(m.group(2))


def null_session(testpmd):
    s = spawn_pipe(testpmd, ["net_null0", "net_null1"])
    s.cmd("show config fwd", r"io packet forwarding - ports=2 - cores=1 - streams=2")
    s.cmd("start", r"forwarding started: mode io")
    wait_counting(s, 0)
    s.cmd("start", r"Packet forwarding already started")
    s.cmd("set fwd mac", r"Please stop forwarding first")
    s.cmd("port stop 0", r"Please stop forwarding first")
    s.cmd("set promisc 0 off", r"Port 0 is forwarding: stop first")
    s.cmd("show port xstats 1", r"rx_good_packets: [1-9]")
    out = s.cmd("stop", r"Telling cores to stop")
    for port in (0, 1):
        if f"Forward statistics for port {port}" not in out:
            fail(f"stop: no forward statistics for port {port}", out.encode())
    if "Done." not in out:
        fail("stop: no 'Done.'", out.encode())
    mode, n = forward_packets(out)
    if mode != "io" or n == 0:
        fail(f"stop: mode {mode}, {n} packets forwarded; expected io and some", out.encode())
    s.cmd("stop", r"Packet forwarding not started")
    s.cmd("set fwd mac", r"Set mac packet forwarding mode")
    s.cmd("show config fwd", r"mac packet forwarding - ports=2")
    s.cmd("set fwd nosuch", r"Invalid forwarding mode 'nosuch': the modes are io\|mac")
    s.cmd("set nbcore 1", r"Number of forwarding cores set to 1")
    s.cmd("set nbcore 5", r"--nb-cores=5, but -l gives 1 worker")
    s.cmd("set nbcore x", r"'x' is not a number")
    s.cmd("clear port stats all", r"NIC statistics for port 1 cleared")  # counts from 0 again
    s.cmd("start", r"forwarding started: mode mac")
    wait_counting(s, 1)
    mode, n = forward_packets(s.cmd("stop"))
    if mode != "mac" or n == 0:
        fail(f"second run: mode {mode}, {n} packets; expected mac and some", s.out)
    # Cleared counters start again from 0; a stopped net_null port counts nothing.
    s.cmd("clear port stats all", r"NIC statistics for port 1 cleared")
    if rx_packets(s.cmd("show port stats 0"), 0) != 0:
        fail("clear port stats: RX-packets is not 0 after the clear", s.out)
    s.cmd("show port info 1", r"Device name: net_null1\n(.*\n)*Driver name: net_null\n")
    s.cmd("show port info all", r"Infos for port 0 (.*\n)*.*Infos for port 1 ")
    s.cmd("set allmulti all on")
    s.cmd("show port info 0", r"Allmulticast mode: enabled")
    # Bad input: each gets its line, none ends the session.
    s.cmd("bogus", r"unknown command 'bogus' \(help lists the commands\)")
    s.cmd("show port bogus", r"unknown command 'show port bogus'; the commands that begin so:"
                             r"\n  show port info all\|N")
    s.cmd("show port stats", r"show port stats: missing arguments")
    s.cmd("stop now", r"stop: too many arguments")
    s.cmd("show port stats 9", r"Invalid port '9': give all or a port id \(2 port\(s\): 0-1\)")
    s.cmd("show port stats -1", r"Invalid port '-1'")
    s.cmd("set promisc 0 maybe", r"'maybe': give on or off")
    s.cmd(" ".join(["w"] * 40), r"more than 16 words")
    s.cmd("x" * 5000, r"a line of more than \d+ characters: ignored")
    s.cmd("\x01\x02\xff", r"unknown command")
    s.cmd("# a comment, and a blank line:")
    s.cmd("")
    s.cmd("help", r"start tx_first(.*\n)*  quit ")
    s.cmd("port stop all", r"Port 1: stopped\nDone")
    s.cmd("start", r"Port 0 is stopped: port start 0 \(or all\) first")
    s.cmd("port start 1", r"port 1: net_null1")
    s.cmd("port start all", r"port 0: net_null0")
    s.cmd("start", r"forwarding started")
    s.send(b"quit\n")  # while forwarding: stops it first
    s.expect(rb"Forward statistics for port 0(.|\n)*Bye\.\.\.", "quit while forwarding")
    if s.wait_exit("quit") != 0:
        fail(f"quit: exit status {s.status}", s.out)
    print("ok: net_null: start/stop/show/clear/set/port commands, bad input answered, quit")


def ring_session(testpmd):
    # Two ring ports joined both ways: nothing to forward until tx_first sends.
    s = spawn_pipe(testpmd, ["net_ring0", "net_ring1,peer=net_ring0"])
    s.cmd("start", r"forwarding started: mode io")
    mode, n = forward_packets(s.cmd("stop"))
    if n != 0:
        fail(f"net_ring without tx_first forwarded {n} packets", s.out)
    s.cmd("start tx_first", r"forwarding started: mode io")
    wait_counting(s, 0)
    mode, n = forward_packets(s.cmd("stop"))
    if n == 0:
        fail("start tx_first: nothing forwarded around the ring loop", s.out)
    s.cmd("set fwd rxonly", r"Set rxonly packet forwarding mode")
    s.cmd("start", r"forwarding started: mode rxonly")
    s.cmd("stop", r"forward: mode rxonly")
    s.proc.stdin.close()  # the end of input ends the session like quit
    s.expect(rb"end of input: quitting(.|\n)*Bye\.\.\.", "end of input")
    if s.wait_exit("end of input") != 0:
        fail(f"end of input: exit status {s.status}", s.out)
    print("ok: net_ring: start tx_first moves frames around the loop, the end of input quits")


def sigint_session(testpmd):
    js = f"/tmp/prt_interactive_{os.getpid()}.json"
    s = spawn_pipe(testpmd, ["net_null0"], [f"--json-stats={js}"])
    s.cmd("start", r"forwarding started")
    s.cmd("stop", r"Done\.")
    with open(js) as f:  # written at each stop
        if '"forward":{"mode":"io"' not in f.read():
            fail("--json-stats with -i: no forward statistics after stop", s.out)
    os.unlink(js)
    s.cmd("start", r"forwarding started")
    os.kill(s.pid, signal.SIGINT)
    s.expect(rb"signal received: quitting(.|\n)*Forward statistics for port 0(.|\n)*Bye",
             "SIGINT while forwarding")
    if s.wait_exit("SIGINT") != 0:
        fail(f"SIGINT: exit status {s.status}, expected 0", s.out)
    print("ok: --json-stats written at stop; SIGINT while forwarding: statistics, exit 0")


def refused_options(testpmd):
    for opt, hint in (("--run-time=1", "start, then stop"),
                      ("--stats-period=1", "show port stats all"),
                      ("--tx-first", "start tx_first")):
        p = subprocess.run([testpmd, "--lcores", lcores(), "--no-huge", "-m", "64",
                            "--vdev", "net_null0", "--", "-i", opt],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        if p.returncode != 1 or hint not in p.stderr:
            fail(f"-i {opt}: status {p.returncode}, stderr {p.stderr!r}; expected 1 and {hint!r}")
    print("ok: -i refuses --run-time, --stats-period and --tx-first, naming the command")


def spawn_pty(testpmd):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execv(testpmd, [testpmd, "--lcores", lcores(), "--no-huge", "-m", "64",
                           "--vdev", "net_null0", "--vdev", "net_null1", "--", "-i"])
    s = Session(pid, fd, fd, newline=b"\r")
    s.expect(re.escape(PROMPT), "the first prompt on the terminal")
    return s


def pty_session(testpmd):
    s = spawn_pty(testpmd)
    # Typed out of order, then Ctrl-A (start of line) and the missing word.
    s.cmd("fwd mac\x01set ", r"Set mac packet forwarding mode")
    # A wrong letter erased with DEL (the terminal's erase character).
    s.cmd("show config fwx\x7fd", r"mac packet forwarding - ports=2")
    s.cmd("set fwd io", r"Set io packet forwarding mode")
    # Ctrl-P twice: the line before the last, from libedit's history.
    s.cmd("\x10\x10", r"io packet forwarding - ports=2")
    s.cmd("start", r"forwarding started: mode io")
    s.send(b"\x03")  # Ctrl-C: the terminal sends SIGINT
    s.expect(rb"signal received: quitting(.|\n|\r)*Forward statistics for port 0(.|\n|\r)*Bye",
             "Ctrl-C on the terminal")
    if s.wait_exit("Ctrl-C") != 0:
        fail(f"Ctrl-C: exit status {s.status}, expected 0", s.out)
    print("ok: terminal: Ctrl-A, DEL and Ctrl-P edit and recall lines (libedit); Ctrl-C quits")

    s = spawn_pty(testpmd)
    s.cmd("bogus", r"unknown command 'bogus'")
    s.send(b"quit\r")
    s.expect(rb"Bye\.\.\.", "quit on the terminal")
    if s.wait_exit("quit") != 0:
        fail(f"quit on the terminal: exit status {s.status}", s.out)
    print("ok: terminal: bad input answered, quit exits 0")


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("pipe", "pty"):
        sys.exit("usage: test_interactive.py TESTPMD_LITE pipe|pty")
    testpmd = sys.argv[1]
    if sys.argv[2] == "pipe":
        null_session(testpmd)
        ring_session(testpmd)
        sigint_session(testpmd)
        refused_options(testpmd)
    else:
        pty_session(testpmd)


if __name__ == "__main__":
    main()
