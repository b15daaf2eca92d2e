# SPDX-License-Identifier: BSD-3-Clause
"""Programs a VM lab guest script runs (tests/vm/intel_guest.py), each with a
bounded wait, and what one that does not finish is doing.

A program that hangs must not turn into the lab's opaque --timeout: every
wait here has a limit, and when a program overruns it the guest prints,
from inside, where each of its threads is (state, kernel wait channel,
system call with its arguments, the kernel stack where the guest kernel
keeps one, the user stack through gdb where the host has gdb), the CPUs
that took no timer interrupt (tests/vm/guest_cpu.py: a stalled vCPU holds
whatever runs or sleeps on it), the other tasks in D state, the last kernel
log lines and what the program printed.
A program that does not even die on SIGKILL is stuck (in the kernel, or on
a stalled CPU): Stuck is raised, and the script skips what would use the
device next.

  guest_proc.py SECONDS LOG -- COMMAND...
      runs COMMAND (its output in LOG) for at most SECONDS: its exit status,
      or 124 after the diagnosis (tests/vm/meson.build: vm-guest-diagnosis)
"""
import os
import shutil
import signal
import subprocess
import sys
import time

from guest_cpu import stalled_cpus, tasks_on

# Seconds a killed program gets to go, polled, before it counts as stuck.
KILL_WAIT = 30
# Seconds gdb gets to attach and print the user stacks (slow under TCG).
GDB_WAIT = 45

# x86_64 system calls a prt program can wait in.
SYSCALLS = {0: "read", 1: "write", 3: "close", 7: "poll", 9: "mmap", 11: "munmap",
            16: "ioctl", 23: "select", 35: "nanosleep", 61: "wait4", 202: "futex",
            230: "clock_nanosleep", 232: "epoll_wait", 257: "openat", 270: "pselect6",
            271: "ppoll", 281: "epoll_pwait", 441: "epoll_pwait2"}

# VFIO's ioctls (linux/vfio.h: _IO(';', VFIO_BASE + n), VFIO_BASE 100).
VFIO_IOCTLS = {0x3b64: "VFIO_GET_API_VERSION", 0x3b65: "VFIO_CHECK_EXTENSION",
               0x3b66: "VFIO_SET_IOMMU", 0x3b67: "VFIO_GROUP_GET_STATUS",
               0x3b68: "VFIO_GROUP_SET_CONTAINER", 0x3b69: "VFIO_GROUP_UNSET_CONTAINER",
               0x3b6a: "VFIO_GROUP_GET_DEVICE_FD", 0x3b6b: "VFIO_DEVICE_GET_INFO",
               0x3b6c: "VFIO_DEVICE_GET_REGION_INFO", 0x3b6d: "VFIO_DEVICE_GET_IRQ_INFO",
               0x3b6e: "VFIO_DEVICE_SET_IRQS", 0x3b6f: "VFIO_DEVICE_RESET",
               0x3b71: "VFIO_IOMMU_MAP_DMA", 0x3b72: "VFIO_IOMMU_UNMAP_DMA",
               0x3b76: "VFIO_DEVICE_BIND_IOMMUFD", 0x3b77: "VFIO_DEVICE_ATTACH_IOMMUFD_PT"}


class Stuck(Exception):
    """A program that SIGKILL did not end: a thread sleeps uninterruptibly in
    the kernel (D state), or sits on a CPU that no longer runs."""


class Proc:
    """A program in the background, its output (stdout and stderr) in the file @log."""

    def __init__(self, argv, log, what):
        self.what = what
        self.log = open(log, "w+")
        self.popen = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.popen.pid
        self.diagnosed = False

    def poll(self):
        return self.popen.poll()

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def show(self):
        print(f"---- {self.what} ----\n{self.output()}---- end of {self.what} ----", flush=True)

    def wait_line(self, text, timeout):
        """@return True once a line of the output contains @text; False when the
        program exits first or @timeout seconds pass."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.log.seek(0)
            if any(text in line for line in self.log):
                return True
            if self.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def finish(self, timeout, interrupt=True):
        """Waits @timeout seconds for the program to exit, after a SIGINT if
        @interrupt (testpmd-lite prints its statistics and exits). One that
        does not is described (diagnose()) and killed; its output is shown
        whenever it did not exit 0. @return its exit status; raises Stuck
        when SIGKILL does not end it within KILL_WAIT seconds."""
        if interrupt and self.poll() is None:
            self.popen.send_signal(signal.SIGINT)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.diagnose(f"{self.what} did not exit within {timeout:.0f} s"
                          f"{' of SIGINT' if interrupt else ''}")
            self.show()
            self.kill()
            return self.popen.returncode
        if self.popen.returncode != 0:
            self.show()
        return self.popen.returncode

    def kill(self):
        if self.poll() is not None:
            print(f"guest_proc: {self.what} (pid {self.pid}) exited by itself while it was "
                  f"diagnosed (status {self.popen.returncode})", flush=True)
            return
        t0 = time.monotonic()
        self.popen.kill()
        while time.monotonic() - t0 < KILL_WAIT:
            if self.poll() is not None:
                print(f"guest_proc: {self.what} (pid {self.pid}) ended "
                      f"{time.monotonic() - t0:.1f} s after SIGKILL", flush=True)
                return
            time.sleep(0.2)
        why = (f"{self.what} (pid {self.pid}) does not end {KILL_WAIT} s after SIGKILL: "
               "a thread of it sleeps uninterruptibly in the kernel, or is on a CPU that "
               "no longer runs")
        self.diagnose(why)
        raise Stuck(why)

    def diagnose(self, why):
        """diagnose(), with the user stacks only the first time (gdb is slow)."""
        diagnose(self.pid, why, user=not self.diagnosed)
        self.diagnosed = True


def run(argv, log, what, timeout):
    """Runs a program to its end, for at most @timeout seconds (see Proc.finish).
    @return (exit status, its output)."""
    p = Proc(argv, log, what)
    status = p.finish(timeout, interrupt=False)
    return status, p.output()


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read().strip()
    except OSError as e:
        return f"({e.strerror})"


def syscall_text(pid, tid):
    """/proc/.../syscall in words: 'ioctl(3, VFIO_DEVICE_RESET, ...)', 'running', ..."""
    s = read(f"/proc/{pid}/task/{tid}/syscall")
    f = s.split()
    if not f or not f[0].lstrip("-").isdigit():
        return s  # "running", or why it could not be read
    nr = int(f[0])
    if nr < 0:
        return s  # blocked, but not in a system call
    name = SYSCALLS.get(nr, f"syscall {nr}")
    args = f[1:7]
    if nr == 16 and len(args) >= 2:
        req = int(args[1], 16)
        args[1] = VFIO_IOCTLS.get(req, args[1])
        args[0] = str(int(args[0], 16))
    return f"{name}({', '.join(args)})  [{s}]"


def comm_state(stat):
    """(command name, state letter) from a /proc/.../stat line."""
    comm, _, rest = stat.partition("(")[2].rpartition(")")
    return comm, (rest.split() or ["?"])[0]


def task_state(pid, tid):
    return comm_state(read(f"/proc/{pid}/task/{tid}/stat"))[1]


def task_line(pid, tid):
    stat = read(f"/proc/{pid}/task/{tid}/stat")
    comm, state = comm_state(stat)
    fields = stat.rpartition(")")[2].split()
    cpu = fields[36] if len(fields) > 36 else "?"  # field 39, "processor": where it last ran
    return (f"  thread {tid} ({comm}): state {state} on CPU {cpu}, "
            f"wchan {read(f'/proc/{pid}/task/{tid}/wchan') or '-'}, "
            f"{syscall_text(pid, tid)}")


def kernel_stack(pid, tid):
    path = f"/proc/{pid}/task/{tid}/stack"
    if not os.path.exists(path):
        return None
    return read(path)


def d_state_tasks():
    """Other tasks asleep uninterruptibly (a kworker resetting a device...)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        comm, state = comm_state(read(f"/proc/{pid}/stat"))
        if state == "D":
            out.append(f"  pid {pid} ({comm}): wchan {read(f'/proc/{pid}/wchan')}")
    return out


def kernel_log_tail(n=20):
    """The last @n lines of the kernel log (/dev/kmsg, read without blocking)."""
    lines = []
    try:
        fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e:
        return [f"  (/dev/kmsg: {e.strerror})"]
    try:
        while True:
            try:
                rec = os.read(fd, 8192).decode(errors="replace")
            except BlockingIOError:
                break
            except OSError:  # EPIPE: a record was overwritten; go on with the next
                continue
            if not rec:
                break
            head, _, msg = rec.partition(";")
            usec = int(head.split(",")[2]) if len(head.split(",")) > 2 else 0
            lines.append(f"  [{usec / 1e6:12.6f}] {msg.splitlines()[0] if msg else ''}")
    finally:
        os.close(fd)
    return lines[-n:]


def user_stacks(pid):
    """Every thread's user stack through gdb, where the host has it (the guest
    runs the host's /usr); not for a task in D state, which ptrace cannot stop."""
    gdb = shutil.which("gdb")
    if gdb is None:
        return "  (no gdb on this machine: no user stacks)"
    try:
        r = subprocess.run([gdb, "-nx", "-batch", "-p", str(pid), "-ex",
                            "thread apply all bt 30"],
                           capture_output=True, text=True, timeout=GDB_WAIT)
    except subprocess.TimeoutExpired:
        return f"  (gdb did not attach within {GDB_WAIT} s)"
    keep = [ln for ln in r.stdout.splitlines() if ln.startswith(("Thread ", "#"))]
    return "\n".join("  " + ln for ln in keep) or "  (gdb: " + r.stderr.strip()[-300:] + ")"


def diagnose(pid, why, user=True):
    """Prints what the program @pid and its threads are doing, and why we
    look; with @user, their user stacks too (gdb)."""
    print(f"==== diagnosis: {why} ====", flush=True)
    state = [ln for ln in read(f"/proc/{pid}/status").splitlines() if ln.startswith("State:")]
    print(f"pid {pid}: {state[0] if state else '(gone)'}")
    try:
        tids = sorted(os.listdir(f"/proc/{pid}/task"), key=int)
    except OSError:
        tids = []
    stacks = False
    for tid in tids:
        print(task_line(pid, tid))
        stack = kernel_stack(pid, tid)
        if stack is not None:
            stacks = True
            print("\n".join("      " + ln for ln in stack.splitlines()) or "      (empty)")
    if tids and not stacks:
        print("  (no /proc/PID/task/TID/stack: the guest kernel is built without "
              "CONFIG_STACKTRACE)")
    stalled = stalled_cpus(1)
    for cpu in stalled:
        print(f"CPU {cpu} STALLED: no timer interrupt in 1 s; whatever runs or sleeps there "
              "waits until it runs again (see guest_cpu.py):\n" + "\n".join(tasks_on(cpu)))
    others = d_state_tasks()
    print("tasks in D state:" + ("\n" + "\n".join(others) if others else " none"))
    if stalled:
        user = False  # ptrace cannot stop a thread on a CPU that does not run
    if user and tids and not any(task_state(pid, t) == "D" for t in tids):
        print("user stacks:\n" + user_stacks(pid))
    print("last kernel log lines:\n" + "\n".join(kernel_log_tail()))
    print("==== end of diagnosis ====", flush=True)


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        print("usage: guest_proc.py SECONDS LOG -- COMMAND...", file=sys.stderr)
        return 2
    p = Proc(argv[3:], argv[1], os.path.basename(argv[3]))
    try:
        status = p.finish(float(argv[0]), interrupt=False)
    except Stuck:
        return 124
    return 124 if p.diagnosed else status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
