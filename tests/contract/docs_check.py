#!/usr/bin/python3
"""Loads /docs in headless Chromium (Debian's chromium) and checks that every operation's
summary from /v1/openapi.json is on the rendered page, and that the page made no request
outside the server. Usage: docs_check.py BASE_URL [SCREENSHOT.png]"""
import html
import json
import re
import subprocess
import sys
import tempfile
import urllib.request

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=20000", "--window-size=1400,1000"]


def chromium(args, profile):
    return subprocess.run(["chromium", *FLAGS, "--user-data-dir=" + profile, *args],
                          capture_output=True, text=True, timeout=120)


def main():
    base = sys.argv[1].rstrip("/")
    spec = json.load(urllib.request.urlopen(base + "/v1/openapi.json"))
    summaries = [op["summary"] for item in spec["paths"].values() for m, op in item.items()
                 if isinstance(op, dict) and "summary" in op]
    with tempfile.TemporaryDirectory() as profile:
        dom = chromium(["--dump-dom", base + "/docs"], profile).stdout
        if len(sys.argv) > 2:
            chromium(["--screenshot=" + sys.argv[2], base + "/docs"], profile)
    text = html.unescape(re.sub(r"<[^>]+>", " ", dom))
    text = re.sub(r"\s+", " ", text)
    missing = [s for s in summaries if re.sub(r"\s+", " ", s) not in text]
    # what the page fetches: script/img/iframe sources and stylesheet links (plain hyperlinks
    # are not fetched)
    external = re.findall(r'\ssrc="(https?://[^"]+)"', dom)
    external += re.findall(r'<link[^>]+href="(https?://[^"]+)"', dom)
    external = sorted(set(external))
    external = [u for u in external if not u.startswith(base)]
    print(json.dumps({"operations": len(summaries), "summaries_missing": missing[:10],
                      "missing_count": len(missing), "external_resources": external}))
    return 0 if summaries and not missing and not external else 1


if __name__ == "__main__":
    sys.exit(main())
