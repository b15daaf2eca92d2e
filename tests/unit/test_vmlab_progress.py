#!/usr/bin/env python3
"""tools/vmlab's kernel build steps are never silent: a step that runs for
longer than the progress interval prints how many objects it has built (of
how many the last build made), and a failing step says where it failed with
the last lines of its log. A fake `make` stands in for the kernel build."""
import importlib.machinery
import importlib.util
import io
import os
import sys
import tempfile
from contextlib import redirect_stderr
from pathlib import Path

ROOT = Path(os.environ.get("PRT_SOURCE_ROOT", Path(__file__).resolve().parents[2]))
loader = importlib.machinery.SourceFileLoader("vmlab", str(ROOT / "tools" / "vmlab"))
spec = importlib.util.spec_from_loader("vmlab", loader)
vmlab = importlib.util.module_from_spec(spec)
loader.exec_module(vmlab)

FAKE_MAKE = r"""
for i in $(seq 1 40); do
  echo "  CC      kernel/obj$i.o"
  [ $((i % 10)) -eq 0 ] && sleep 0.2
done
echo "  LD      vmlinux"
exit ${1:-0}
"""


def run(status, expected):
    with tempfile.TemporaryDirectory() as d:
        log_path = Path(d) / "build.log"
        err = io.StringIO()
        with open(log_path, "w") as log, redirect_stderr(err):
            try:
                n = vmlab.run_step("make bzImage", ["sh", "-c", FAKE_MAKE, "sh", str(status)],
                                   d, log, log_path, expected, every=0.1)
            except vmlab.LabError as e:
                n = e
        return n, err.getvalue(), log_path.read_text() if log_path.exists() else ""


def main():
    failures = 0

    def check(cond, what):
        nonlocal failures
        print(("ok   " if cond else "FAIL ") + what)
        failures += not cond

    n, err, log = run(0, 41)
    check(n == 41, f"41 objects counted (got {n})")
    check("guest kernel: make bzImage: " in err and "objects built of about 41 (" in err,
          "progress lines with the expected total: " + err.strip().replace("\n", " | "))
    check("  CC      kernel/obj40.o" in log, "the step's output is in the log")

    n, err, _ = run(0, 0)
    check("objects built," in err and "of about" not in err,
          "without a previous build, progress without a total")

    n, err, _ = run(3, 41)
    check(isinstance(n, vmlab.LabError) and "failed at make bzImage (status 3)" in str(n)
          and "LD      vmlinux" in str(n), f"a failing step is reported with its log: {n}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
