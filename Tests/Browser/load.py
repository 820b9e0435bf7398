#!/usr/bin/env python3
"""Logged-in clients loading console pages until a stop file appears (ConsoleConcurrencyTests): prints one JSON
line with the number of pages loaded and every answer that was not 200, so a test can tell the console kept
answering while the daemon wrote."""
import argparse
import html.parser
import http.cookiejar
import json
import os
import re
import threading
import time
import urllib.parse
import urllib.request

p = argparse.ArgumentParser()
p.add_argument("--base", required=True)
p.add_argument("--user", required=True)
p.add_argument("--password-file", required=True)
p.add_argument("--clients", type=int, default=2)
p.add_argument("--stop-file", required=True)
a = p.parse_args()
password = open(a.password_file).read().strip()
paths = ["/", "/tickets", "/review", "/tickets?status=new", "/tickets?q=dana", "/tickets/%s"]
results = {"pages": 0, "failures": []}
lock = threading.Lock()


def client():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(a.base + "/login", timeout=30).read().decode()
    token = re.search(r'name="login_token" value="([0-9a-f]+)"', form).group(1)
    data = urllib.parse.urlencode({"login_token": token, "username": a.user, "password": password, "next": "/"})
    opener.open(a.base + "/login", data=data.encode(), timeout=30).read()
    n = 0
    while not os.path.exists(a.stop_file):
        n += 1
        path = paths[n % len(paths)]
        if "%s" in path:
            path = path % ("%d-%06d" % (time.gmtime().tm_year, 1 + n % 20))
        try:
            r = opener.open(a.base + path, timeout=30)
            r.read()
            ok = r.status == 200
            status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
            ok = e.code == 404 and path.startswith("/tickets/")  # a ticket not stored yet
        with lock:
            results["pages"] += 1
            if not ok:
                results["failures"].append(f"{path}: {status}")


threads = [threading.Thread(target=client) for _ in range(a.clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(results))
