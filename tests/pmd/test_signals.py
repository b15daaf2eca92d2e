#!/usr/bin/env python3
"""testpmd-lite and SIGINT, as a user at a terminal sends it.

    test_signals.py TESTPMD_LITE

Start-up is held still by a FIFO as net_pcap's rx_pcap: opening it blocks
inside prt_eal_init() until a writer comes. Two cases:

- one SIGINT during start-up: the run still ends with the final statistics
  and exit status 0 (it used to kill the program before its handler was
  installed, after EAL init);
- two SIGINTs while the program hangs (here: still in that open): the second
  ends it at once with status 130 (128 + SIGINT), as a user expects of ^C ^C.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

PCAP_HEADER = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")


def sigint_caught(pid):
    """True once the process has a handler for SIGINT (SigCgt in /proc)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)) != 0
    except FileNotFoundError:
        pass
    return False


def blocked(pid):
    """True while the process sleeps (in the FIFO's open)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "S"
    except FileNotFoundError:
        return False


def start(testpmd, fifo):
    p = subprocess.Popen([testpmd, "-l", "0-1", "--no-huge", "-m", "64",
                          "--vdev", f"net_pcap0,rx_pcap={fifo}", "--vdev", "net_null0",
                          "--", "--forward-mode=io"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for _ in range(1000):  # up to 10 s for the program to reach the open
        if sigint_caught(p.pid) and blocked(p.pid):
            return p
        if p.poll() is not None:
            break
        time.sleep(0.01)
    p.kill()
    out = p.communicate()[0]
    sys.exit("FAIL: testpmd-lite did not wait in start-up with a SIGINT handler "
             f"installed (status {p.returncode}):\n{out}")


def one_sigint_in_startup(testpmd, fifo):
    p = start(testpmd, fifo)
    p.send_signal(signal.SIGINT)
    with open(fifo, "wb") as w:  # start-up goes on: an empty capture
        w.write(PCAP_HEADER)
    out = p.communicate(timeout=60)[0]
    if p.returncode != 0 or "Forward statistics for port" not in out:
        sys.exit(f"FAIL: SIGINT during start-up: status {p.returncode}, "
                 f"final statistics {'printed' if 'Forward statistics' in out else 'missing'}:\n{out}")
    print("ok: a SIGINT during start-up ends the run with its final statistics")


def two_sigints_exit_at_once(testpmd, fifo):
    p = start(testpmd, fifo)
    p.send_signal(signal.SIGINT)
    time.sleep(0.2)
    if p.poll() is not None:
        sys.exit(f"FAIL: the first SIGINT ended the program (status {p.returncode}): "
                 "it should ask for a clean stop")
    p.send_signal(signal.SIGINT)
    try:
        out = p.communicate(timeout=10)[0]
    except subprocess.TimeoutExpired:
        p.kill()
        sys.exit("FAIL: a second SIGINT did not end a hanging testpmd-lite")
    if p.returncode != 128 + signal.SIGINT:
        sys.exit(f"FAIL: a second SIGINT: status {p.returncode}, expected 130:\n{out}")
    print("ok: a second SIGINT ends a hanging testpmd-lite at once (status 130)")


def main():
    testpmd = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "in.pcap")
        os.mkfifo(fifo)
        one_sigint_in_startup(testpmd, fifo)
        two_sigints_exit_at_once(testpmd, fifo)


if __name__ == "__main__":
    main()
