#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's vhost-user back-end (net_vhost) with a QEMU guest's own kernel
virtio-net driver as the front-end: the VM lab's first NIC is a virtio-net
on `-netdev vhost-user` (tools/vmlab --vhost-user, guest memory in a shared
memfd), left on the guest's kernel driver.

  vhost_guest_test.py --vmlab TOOL --capture-prog PKT_CAPTURE
                      --testpmd TESTPMD_LITE --pcap IN.pcap --workdir DIR

On the host, testpmd-lite forwards (io) between net_pcap0 (rx_pcap=IN,
tx_pcap=OUT) and net_vhost0, the server. In the guest, pkt_capture records
what arrives on the virtio-net interface and then sends every frame back
(--echo). Forwarding starts (testpmd-lite -i, `start`) only once the
guest's capture is listening, so that nothing is sent to a guest that
cannot take it yet. Then: the guest's capture holds IN frame for frame
(prt -> guest kernel), the host's OUT holds IN frame for frame (guest kernel
-> prt), and net_vhost0 counted every frame each way with no error.
A frame shorter than 60 bytes may come back padded (replay_test.same).
"""
import argparse
import subprocess
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "virtio"))
from replay_test import compare, read_pcap  # noqa: E402
from vhost_backend import Proc  # noqa: E402
from vhost_interop import cpus, prt_counts  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vmlab", required=True)
    p.add_argument("--capture-prog", required=True)
    p.add_argument("--testpmd", required=True)
    p.add_argument("--pcap", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()

    sent = [f for f in read_pcap(a.pcap) if 14 <= len(f) <= 1514]
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="vhost-guest-", dir=a.workdir))
    sock, out, js = tmp / "vhost.sock", tmp / "out.pcap", tmp / "backend.json"
    core, _ = cpus()
    backend = Proc([a.testpmd, "--lcores", f"0@{core},1@{core}", "--no-huge", "-m", "64",
                    "--no-pci", "--vdev", f"net_vhost0,iface={sock}",
                    "--vdev", f"net_pcap0,rx_pcap={a.pcap},tx_pcap={out}", "--",
                    "-i", "--forward-mode=io", f"--json-stats={js}"],
                   tmp / "backend.log", stdin=subprocess.PIPE)
    guest = None
    try:
        deadline = time.time() + 30
        while not sock.is_socket():
            if time.time() > deadline or backend.proc.poll() is not None:
                print("vhost_guest_test: FAIL: net_vhost0 made no socket:\n" + backend.tail())
                return 1
            time.sleep(0.1)
        guest = Proc([a.vmlab, "run", "--skip-unavailable", "--mode", "noiommu",
                      "--nics", "virtio/rx_queue_size=1024:kernel", "--vhost-user", str(sock),
                      "--share", str(tmp), "--timeout", "300", "--",
                      a.capture_prog, "--echo", "0000:00:03.0", str(tmp / "guest.pcap"),
                      str(len(sent)), "120"], tmp / "vmlab.log")
        try:
            guest.wait_for(lambda ls: any(l.startswith("capture ready") for l in ls), 240,
                           "the guest's 'capture ready'")
        except RuntimeError as e:
            rc = guest.finish(60)
            if rc == 77:
                print("SKIP: " + guest.tail(3))
                return 77
            print(f"vhost_guest_test: FAIL: {e}")
            return 1
        backend.proc.stdin.write("start\n")
        backend.proc.stdin.flush()
        rc = guest.finish(300)
        guest = None
        time.sleep(1)  # the last echoed frames through the io loop
        backend.proc.stdin.write("show port xstats 0\nstop\nquit\n")
        backend.proc.stdin.flush()
        if backend.finish(30) != 0:
            print("vhost_guest_test: FAIL: testpmd-lite did not quit cleanly:\n" +
                  backend.tail())
            return 1
        if rc != 0:
            print(f"vhost_guest_test: FAIL: the VM lab run exited {rc}:\n" + backend.tail(40))
            return 1
        problems = compare("the guest's capture of what net_vhost0 sent", sent,
                           read_pcap(tmp / "guest.pcap"))
        problems += compare("what net_vhost0 received from the guest", sent, read_pcap(out))
        v = prt_counts(js, 0)
        if v["opackets"] != len(sent) or v["ipackets"] != len(sent):
            problems.append(f"net_vhost0 counted {v['opackets']} sent and {v['ipackets']} "
                            f"received, not {len(sent)} each")
        if v["ierrors"] or v["oerrors"]:
            problems.append(f"net_vhost0 counted errors: {v}")
        if problems:
            print("vhost_guest_test: FAIL:\n  " + "\n  ".join(problems) +
                  f"\n(logs in {tmp})")
            return 1
        print(f"vhost_guest_test: {len(sent)} frames of {Path(a.pcap).name} went from prt's "
              "net_vhost into the guest's virtio-net and back, intact")
        shutil.rmtree(tmp, ignore_errors=True)
        return 0
    finally:
        for proc in (guest, backend):
            if proc is not None:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
