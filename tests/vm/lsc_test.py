#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Link-state change events from a real device model: testpmd-lite drives
the lab's first NIC through VFIO (link-state interrupts on, its default)
while QEMU's monitor takes the NIC's link down and up again (set_link n0
off, then on; --monitor-at). testpmd-lite must print dpdk-testpmd's lines

  Port 0: link state change event: link down
  Port 0: link state change event: link up, ...

exactly in that order after vmlab sent the first command, and exit 0
(before it, only a link-up event may come: e1000e and igb bring the link
up some time after start). For
virtio-net the event comes through the configuration MSI-X vector (virtio
1.2, 4.1.5.3) and the status field (5.1.4); for e1000e and igb through the
link interrupt (ICR.LSC). Which of the run's events came when is not
checked, only their order.

  lsc_test.py --vmlab TOOL --mode MODE --nic NIC --testpmd PROG --workdir DIR
              [-- EXTRA TESTPMD-LITE OPTIONS]
"""
import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BDF = "0000:00:03.0"  # the first NIC of the lab, netdev n0
EVENT = re.compile(r"^Port 0: link state change event: (link (?:up|down))")


def main():
    p = argparse.ArgumentParser()
    for opt in ("--vmlab", "--mode", "--nic", "--testpmd", "--workdir"):
        p.add_argument(opt, required=True)
    p.add_argument("extra", nargs="*")
    a = p.parse_args()
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"lsc-{a.mode}-", dir=a.workdir))
    # Seconds after "forwarding started": down at 2, up at 5; testpmd-lite
    # runs 12 s, enough on a loaded host under TCG.
    cmd = [a.vmlab, "run", "--skip-unavailable", "--mode", a.mode, "--nics", a.nic,
           "--monitor-at", "2:set_link n0 off", "--monitor-at", "5:set_link n0 on",
           "--share", str(tmp), "--timeout", "300", "--",
           a.testpmd, "-l", "0,1", "-a", BDF, "--", "--forward-mode=rxonly",
           "--run-time=12"] + a.extra
    print(f"lsc_test: {a.mode} mode, {a.nic}, testpmd-lite {' '.join(a.extra)}", flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace")
    print(r.stdout[-4000:])
    if r.returncode == 77:
        return 77
    lines = r.stdout.splitlines()
    problems = []
    if r.returncode != 0:
        problems.append(f"the VM lab or testpmd-lite failed (exit {r.returncode})")
    # vmlab says on stderr when it sent a command; the guest's lines come in
    # the order they were printed, so what the guest saw of "off" is after it.
    off = next((i for i, l in enumerate(lines) if "monitor at" in l and "n0 off" in l), None)
    events = [(i, m[1]) for i, l in enumerate(lines) if (m := EVENT.match(l))]
    before = [e for i, e in events if off is None or i < off]
    after = [e for i, e in events if off is not None and i > off]
    if off is None:
        problems.append("vmlab never sent 'set_link n0 off'")
    elif after != ["link down", "link up"]:
        problems.append(f"events after set_link off: {after}; expected ['link down', 'link up']")
    if any(e != "link up" for e in before):
        # before it only the link coming up after start (e1000e/igb negotiate) may show
        problems.append(f"events before set_link off: {before}")
    print(f"check lsc-{a.nic}: {'FAIL' if problems else 'ok'}")
    for pr in problems:
        print(f"lsc_test: FAIL: {pr}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
