#!/usr/bin/env python3
"""A stand-in for rke2-server / rke2-agent on one test host (one network namespace).

Started by the stub `systemctl enable --now rke2-<role>.service`, inside the host's namespace,
after the real boot script (cloud-init/scripts/rke2-bootstrap.sh) decided to init or join. It does
what the boot script's ordering depends on, the way RKE2 does it:
- a config.yaml without `server:` initialises a new cluster (a fresh cluster id); with `server:` it
  retries the join until that supervisor answers and takes its cluster id (RKE2 also retries);
- a server then answers https://<its address>:9345/ping with "pong" (RKE2's supervisor does,
  unauthenticated), optionally after NETNS_SLOW seconds (a slow server);
- servers elect one holder of the VIP, as kube-vip does (a lock directory stands in for the lease),
  and the holder adds the VIP to its interface; it gives it up when stopped.
Every step is appended to $NETNS_SHARED/events.log for the test to assert on.
"""
import http.server
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

ROLE = sys.argv[1]
ROOT = os.environ["CO_ROOT"]
SHARED = os.environ["NETNS_SHARED"]
HOST = os.environ["NETNS_HOST"]
VIP = os.environ["NETNS_VIP"]
ALL_NS = os.environ.get("NETNS_ALL", "").split()
SLOW = float(os.environ.get("NETNS_SLOW", "0") or "0")
LOCK = os.path.join(SHARED, "vip-lock")
holder = False


def event(*words):
    with open(os.path.join(SHARED, "events.log"), "a") as f:
        f.write("%.3f %s %s\n" % (time.time(), HOST, " ".join(words)))


def insecure():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def server_url():
    with open(os.path.join(ROOT, "etc/rancher/rke2/config.yaml")) as f:
        m = re.search(r"^server: (\S+)$", f.read(), re.M)
    return m.group(1) if m else None


def join(url):
    while True:
        try:
            with urllib.request.urlopen(url + "/cluster-id", timeout=1, context=insecure()) as r:
                return r.read().decode()
        except Exception:
            time.sleep(0.2)


def release(*_):
    if holder:
        subprocess.run(["ip", "addr", "del", VIP + "/24", "dev", "eth0"], check=False)
        try:
            os.remove(os.path.join(LOCK, "owner"))
            os.rmdir(LOCK)
        except OSError:
            pass
        event("VIP-RELEASED")
    sys.exit(0)


def elect():
    global holder
    while not holder:
        try:
            os.mkdir(LOCK)
        except FileExistsError:
            time.sleep(0.2)
            continue
        with open(os.path.join(LOCK, "owner"), "w") as f:
            f.write(HOST)
        subprocess.run(["ip", "addr", "add", VIP + "/24", "dev", "eth0"], check=True)
        for ns in ALL_NS:
            subprocess.run(["ip", "-n", ns, "neigh", "flush", "all"], check=False)
        holder = True
        event("VIP")


signal.signal(signal.SIGTERM, release)
url = server_url()
if url is None:
    cluster = uuid.uuid4().hex[:12]
    event("INIT", cluster)
else:
    cluster = join(url)
event("JOIN", ROLE, cluster)
if ROLE == "agent":
    sys.exit(0)

time.sleep(SLOW)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = {"/ping": "pong", "/cluster-id": cluster}.get(self.path)
        self.send_response(200 if body else 404)
        self.end_headers()
        if body:
            self.wfile.write(body.encode())

    def log_message(self, *_):
        pass


httpd = http.server.ThreadingHTTPServer(("0.0.0.0", 9345), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.environ["STUB_CERT"], os.environ["STUB_KEY"])
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
event("LISTEN")
elect()
while True:
    time.sleep(1)
