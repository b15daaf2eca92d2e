#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs a command that must fail in a given way: exit with --status and
print a line matching --message (stdout or stderr). The VM lab's negative
tests use it so that a boot failure, a timeout, an IOMMU fault or a failing
command is reported as such, and a pass there would be a failure here.

  expect.py --status N [--message REGEX]... -- COMMAND...

Exits 0 if COMMAND failed as expected, 1 if not, 77 if COMMAND was skipped
("SKIP: ..." and status 77 while 77 was not expected).
"""
import argparse
import re
import subprocess
import sys

p = argparse.ArgumentParser()
p.add_argument("--status", type=int, required=True)
p.add_argument("--message", action="append", default=[],
               help="a regex some output line must match (repeatable: each must)")
p.add_argument("command", nargs=argparse.REMAINDER)
a = p.parse_args()
cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
sys.stdout.write(r.stdout)
if r.returncode == 77 and a.status != 77 and re.search(r"^SKIP:", r.stdout, re.M):
    sys.exit(77)
ok = True
if r.returncode != a.status:
    print(f"expect: wanted exit status {a.status}, got {r.returncode}")
    ok = False
for want in a.message:
    if not re.search(want, r.stdout, re.M):
        print(f"expect: no output line matches {want!r}")
        ok = False
print("expect: " + ("failed as expected" if ok else "NOT the expected failure"))
sys.exit(0 if ok else 1)
