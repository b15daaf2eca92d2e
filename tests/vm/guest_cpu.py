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
"""
import os
import threading
import time

# Seconds without a timer interrupt before CpuWatch reports a CPU.
STALL_REPORT = 5


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
    """Threads, one pinned to each CPU, that print a line when a CPU takes no
    timer interrupt for STALL_REPORT seconds (with the tasks that last ran
    there) and when it ticks again. stalls holds what was seen, for the
    checks to quote."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stalls = []  # "CPU n: no timer interrupt for s s"
        self.reported = {}  # CPU -> its count when reported
        ncpu = len(timer_ticks())
        for cpu in range(ncpu):
            threading.Thread(target=self.watch, args=(cpu,), daemon=True).start()

    def watch(self, cpu):
        os.sched_setaffinity(0, {cpu})  # this thread only
        last = timer_ticks()
        since = [time.monotonic()] * len(last)
        while True:
            time.sleep(1)
            now, ticks = time.monotonic(), timer_ticks()
            with self.lock:
                for c, (a, b) in enumerate(zip(last, ticks)):
                    if b != a:
                        since[c] = now
                        if c in self.reported and b != self.reported[c]:
                            del self.reported[c]
                            print(f"guest_cpu: CPU {c} takes timer interrupts again", flush=True)
                    elif now - since[c] >= STALL_REPORT and c not in self.reported:
                        self.reported[c] = b
                        what = f"CPU {c}: no timer interrupt for {now - since[c]:.0f} s"
                        self.stalls.append(what)
                        print(f"guest_cpu: {what} (a vCPU the emulator stopped, or a CPU "
                              "spinning in the kernel with interrupts off); tasks there:\n" +
                              "\n".join(tasks_on(c)), flush=True)
                last = ticks
