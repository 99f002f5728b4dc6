#!/usr/bin/env python3
# A stand-in for QEMU in the launcher's tests (tests/boot/launcher.test): it
# records the guest's name (-name NAME) in STARTED_FILE, serves the human
# monitor the launcher asks on -monitor unix:PATH,... (a banner, a prompt,
# "VM status: running" for every command), and ends with status 0 on SIGTERM,
# as QEMU does. Nothing is booted.
import os
import signal
import socket
import sys

args = sys.argv[1:]
name = args[args.index("-name") + 1] if "-name" in args else "?"
with open(os.environ["STARTED_FILE"], "a") as f:
    f.write(name + "\n")
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
mon = None
if "-monitor" in args:
    spec = args[args.index("-monitor") + 1]
    if spec.startswith("unix:"):
        mon = spec[len("unix:"):].split(",")[0]
if mon is None:
    signal.pause()
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(mon)
srv.listen(1)
while True:
    conn, _ = srv.accept()
    with conn:
        conn.sendall(b"QEMU fake monitor\r\n(qemu) ")
        buf = b""
        while True:
            data = conn.recv(256)
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                conn.sendall(line + b"\r\nVM status: running\r\n(qemu) ")
