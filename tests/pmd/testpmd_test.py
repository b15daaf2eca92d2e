"""What the Python drivers of testpmd-lite in tests/pmd share."""
import os
import sys


def fail(msg, out=b""):
    """Ends the test as failed with @msg, and @out (bytes or str) when there is some."""
    if isinstance(out, bytes):
        out = out.decode(errors="replace")
    sys.exit(f"FAIL: {msg}" + (f"\n--- output ---\n{out}" if out else ""))


def lcores():
    """A --lcores value: two lcores on the first CPU this process may use (runs on any machine)."""
    cpu = min(os.sched_getaffinity(0))
    return f"0@{cpu},1@{cpu}"
