#!/usr/bin/python3
"""Parses /metrics with the Prometheus client library's exposition-format parser and checks
the naming conventions: counters end in _total, durations are in seconds, label values are
bounded (route templates, never raw paths or ids), and the queue gauges are present.
Usage: metrics_check.py BASE_URL SERVICE_TOKEN (/metrics is for the service role)"""
import json
import re
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def main():
    req = urllib.request.Request(sys.argv[1].rstrip("/") + "/metrics",
                                 headers={"Authorization": "Bearer " + sys.argv[2]})
    text = urllib.request.urlopen(req).read().decode()
    problems, names = [], set()
    for fam in text_string_to_metric_families(text):
        names.add(fam.name)
        if fam.type == "counter" and not any(s.name.endswith("_total") for s in fam.samples):
            problems.append(f"counter {fam.name} has no _total samples")
        if "duration" in fam.name and not fam.name.endswith("_seconds"):
            problems.append(f"{fam.name}: durations are in seconds")
        for s in fam.samples:
            for k, v in s.labels.items():
                if UUID.search(v) or (k == "route" and "{" not in v and v.count("/") > 3):
                    problems.append(f"{s.name}: unbounded label {k}={v}")
    for need in ("cl_http_requests", "cl_http_request_duration_seconds", "cl_jobs",
                 "cl_jobs_oldest_queued_age_seconds", "cl_db_pool_connections_in_use"):
        if need not in names:
            problems.append(f"missing {need}")
    print(json.dumps({"families": len(names), "problems": problems[:10]}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
