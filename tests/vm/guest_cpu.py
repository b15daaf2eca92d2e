# SPDX-License-Identifier: BSD-3-Clause
"""A guest CPU that stopped, seen from inside a VM lab guest.

The lab's guest kernel ticks every CPU periodically (CONFIG_HZ_PERIODIC,
tinyconfig's default; HZ 100), idle or not, so each CPU's count of local
timer interrupts (/proc/interrupts, LOC) grows by about 100 a second. A CPU
whose count stands still either spins in the kernel with interrupts off or
is a vCPU the emulator no longer runs or no longer gives timer interrupts
(QEMU TCG on a loaded host: tools/vmlab boots once more when this happens
during the boot). Either way a program's thread that runs there, or sleeps
there on a timer (epoll_wait with a timeout, nanosleep), waits until the CPU
comes back: the program neither finishes nor dies on SIGKILL, and a script
whose own sleep is on that CPU stops too. CpuWatch watches from every CPU,
so the CPUs that still run report it.

  guest_cpu.py CPU LOG   the watcher CpuWatch starts on CPU (until stdin closes)
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

# Seconds without a timer interrupt before CpuWatch reports a CPU.
STALL_REPORT = 5
# Seconds CpuWatch waits for its watchers to start.
READY_WAIT = 30


def timer_ticks():
    """Local timer interrupts per CPU (/proc/interrupts, line LOC)."""
    try:
        with open("/proc/interrupts") as f:
            for line in f:
                fields = line.split()
                if fields[:1] == ["LOC:"]:
                    return [int(x) for x in fields[1:] if x.isdigit()]
    except OSError:
        pass
    return []


def stalled_cpus(seconds):
    """Prints each CPU's timer interrupts over @seconds; @return the CPUs without one."""
    before = timer_ticks()
    time.sleep(seconds)
    deltas = [b - a for a, b in zip(before, timer_ticks())]
    print(f"timer interrupts per CPU in {seconds} s: " +
          ", ".join(f"CPU{i} +{d}" for i, d in enumerate(deltas)), flush=True)
    return [i for i, d in enumerate(deltas) if d == 0]


def tasks_on(cpu):
    """Lines naming the tasks that last ran on @cpu (state, wait channel)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    stat = f.read()
                with open(f"/proc/{pid}/task/{tid}/wchan") as f:
                    wchan = f.read().strip()
            except OSError:
                continue
            comm, _, rest = stat.partition("(")[2].rpartition(")")
            fields = rest.split()
            if len(fields) > 36 and fields[36] == str(cpu) and not comm.startswith(
                    ("ksoftirqd/", "migration/", "cpuhp/", "kworker/", "idle_inject/")):
                out.append(f"  pid {pid} thread {tid} ({comm}): state {fields[0]}, "
                           f"wchan {wchan or '-'}")
    return out


class CpuWatch:
    """One watcher process pinned to each CPU (processes, not threads: a
    thread of the script would share its interpreter lock with threads on the
    stalled CPU). Each prints a line when another CPU takes no timer
    interrupt for STALL_REPORT seconds, with the tasks that last ran there,
    and when it ticks again; stalls() says what was seen, for the checks to
    quote. The watchers end with the script (stdin closes)."""

    def __init__(self):
        # In the guest's own /tmp (tmpfs): the watchers must not wait on a 9p share.
        self.log = os.path.join(tempfile.mkdtemp(prefix="guest_cpu-"), "stalls")
        open(self.log, "w").close()
        ncpu = len(timer_ticks())
        self.procs = [subprocess.Popen([sys.executable, os.path.abspath(__file__), str(cpu),
                                        self.log], stdin=subprocess.PIPE)
                      for cpu in range(ncpu)]
        # Python starts slowly under TCG: let the watchers be up before the
        # checks, so that their start does not slow what the checks measure.
        end = time.monotonic() + READY_WAIT
        while time.monotonic() < end and not all(os.path.exists(f"{self.log}.up{cpu}")
                                                 for cpu in range(ncpu)):
            time.sleep(0.1)

    def stalls(self):
        with open(self.log) as f:
            return [line.strip() for line in f if line.strip()]


def watch(cpu, log):
    """A watcher on @cpu: reports every other CPU's stall once (O_EXCL marker
    files beside @log: one report however many watchers see it)."""
    os.sched_setaffinity(0, {cpu})
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    last = timer_ticks()
    open(f"{log}.up{cpu}", "w").close()
    since = [time.monotonic()] * len(last)
    while True:
        time.sleep(1)
        now, ticks = time.monotonic(), timer_ticks()
        for c, (a, b) in enumerate(zip(last, ticks)):
            marker = f"{log}.{c}"
            if c == cpu:
                continue
            if b != a:
                since[c] = now
                if os.path.exists(marker):
                    os.unlink(marker)
                    report([f"guest_cpu: CPU {c} takes timer interrupts again"])
            elif now - since[c] >= STALL_REPORT:
                try:
                    os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
                except FileExistsError:
                    continue
                what = f"CPU {c}: no timer interrupt for {now - since[c]:.0f} s"
                with open(log, "a") as f:
                    f.write(what + "\n")
                report([f"guest_cpu: {what} (a vCPU the emulator stopped, or a CPU spinning "
                        "in the kernel with interrupts off); tasks there:"] + tasks_on(c))
        last = ticks


def report(lines):
    """Into the kernel log first: the console writes it out by polling the
    UART, while the command's serial line (stdout) needs its interrupt,
    which may be the stalled CPU's to take (then every print waits)."""
    try:
        fd = os.open("/dev/kmsg", os.O_WRONLY)
        for line in lines:
            os.write(fd, f"<3>{line}\n".encode()[:900])
        os.close(fd)
    except OSError:
        pass
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    watch(int(sys.argv[1]), sys.argv[2])
