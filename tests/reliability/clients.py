#!/usr/bin/python3
"""Load and fault clients for make reliability (standard library only, 127.0.0.1 only).

  clients.py outage  API_PORT TOKEN PGDIR SECONDS OUTAGE_S   write load across a database outage
  clients.py conns   API_PORT N SECONDS                      N idle keep-alive clients + slowloris
  clients.py badinput API_PORT DBURL                         generated invalid bodies per write op
  clients.py hostile API_PORT SECONDS                        stack- and CPU-exhausting bodies and
                                                             tokens beside ordinary load
  clients.py failover API1 API2 TOKEN SECONDS AT FAULT CRASH PROMOTE DBURL sync|async
                                                             write load over two apis; AT s in,
                                                             FAULT, CRASH, PROMOTE (failover.sh)
  clients.py writes  API_PORT TOKEN CLIENTS STOPFILE LOG     POST advisers until STOPFILE exists,
                                                             one JSON line per request in LOG
  clients.py restored LOG T_EPOCH DBURL                      which of LOG's writes a cluster
                                                             restored to T holds (restore_drill.sh)
Each prints one JSON object of figures on stdout and exits non-zero when a promise is broken.
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import socket
import string
import subprocess
import sys
import threading
import time
import uuid

HOST = "127.0.0.1"


def request(port, method, path, token=None, body=None, headers=None, timeout=10):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    h = {"Connection": "close"}
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        h["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
    h.update(headers or {})
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, dict(r.getheaders()), data


def token_for(role):
    """An HS256 token for role, signed with JWT_SECRET (ids are random: scope answers 404)."""
    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"sub": "reliability-" + role, "role": role, "iat": now, "exp": now + 3600}
    if role == "adviser":
        claims["adviser_id"] = str(uuid.uuid4())
    if role == "partner":
        claims["org_id"] = str(uuid.uuid4())
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(os.environ["JWT_SECRET"].encode(), f"{head}.{body}".encode(), hashlib.sha256)
    return f"{head}.{body}.{b64(sig.digest())}"


def probe_health(port, seconds):
    """Fresh GET /healthz requests every 0.2 s for seconds: (probes, answered, worst seconds)."""
    worst, answered, probes = 0.0, 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        probes += 1
        t0 = time.monotonic()
        try:
            st, _, _ = request(port, "GET", "/healthz", timeout=15)
            answered += st == 200
        except OSError:
            pass
        worst = max(worst, time.monotonic() - t0)
        time.sleep(0.2)
    return probes, answered, worst


def psql(dburl, sql):
    out = subprocess.run(["psql", "-X", "-qAt", dburl, "-c", sql], check=True,
                         capture_output=True, text=True).stdout
    return out.strip()


# ---- 1. database outage under write load -----------------------------------------------------
def outage(port, token, pgdir, seconds, outage_s, dburl):
    port = int(port)
    seconds, outage_s = float(seconds), float(outage_s)
    run = uuid.uuid4().hex[:8]
    ledger, lock = [], threading.Lock()
    stop = threading.Event()
    statuses = {}
    worst_outage_ms = [0.0]
    in_outage = threading.Event()

    def worker(n):
        i = 0
        while not stop.is_set():
            i += 1
            email = f"rel-{run}-{n}-{i}@reliability.example"
            t0 = time.monotonic()
            try:
                st, hdr, body = request(port, "POST", "/v1/advisers", token,
                                        json.dumps({"name": "Reliability Load", "email": email}))
            except OSError:
                st, hdr, body = 0, {}, b""
            ms = (time.monotonic() - t0) * 1000
            with lock:
                statuses[st] = statuses.get(st, 0) + 1
                if in_outage.is_set():
                    worst_outage_ms[0] = max(worst_outage_ms[0], ms)
                if 200 <= st < 300:
                    ledger.append(json.loads(body)["id"])
                elif st == 503 and "Retry-After" not in hdr:
                    statuses["503-without-retry-after"] = statuses.get("503-without-retry-after", 0) + 1
            time.sleep(0.01)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(max(1.0, (seconds - outage_s) / 3))
    subprocess.run(["scripts/pg.sh", "stop", pgdir], check=True)
    in_outage.set()
    down_at = time.monotonic()
    time.sleep(outage_s)
    in_outage.clear()
    subprocess.run(["scripts/pg.sh", "start", pgdir], check=True)
    up_at = time.monotonic()
    # time until a write succeeds again
    recovered_ms = None
    while time.monotonic() - up_at < 30:
        try:
            st, _, _ = request(port, "GET", "/readyz")
        except OSError:
            st = 0
        if st == 200:
            recovered_ms = (time.monotonic() - up_at) * 1000
            break
        time.sleep(0.05)
    time.sleep(max(1.0, seconds - outage_s - (time.monotonic() - down_at - outage_s)))
    stop.set()
    for t in threads:
        t.join()
    found = int(psql(dburl, "SELECT count(*) FROM advisers WHERE email LIKE 'rel-%s-%%'" % run))
    acked = len(set(ledger))
    stored = set(psql(dburl, "SELECT id FROM advisers WHERE email LIKE 'rel-%s-%%'" % run).split())
    acked_found = len(set(ledger) & stored)
    audited = int(psql(dburl, "SELECT count(*) FROM audit_log a JOIN advisers d ON d.id = a.resource_id "
                              "WHERE a.action = 'create' AND d.email LIKE 'rel-%s-%%'" % run))
    figures = {
        "scenario": "database outage under write load",
        "requests": sum(v for k, v in statuses.items() if isinstance(k, int)),
        "by_status": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "outage_seconds": outage_s,
        "worst_latency_during_outage_ms": round(worst_outage_ms[0], 1),
        "recovered_after_restart_ms": None if recovered_ms is None else round(recovered_ms, 1),
        "writes_acknowledged": acked,
        "acknowledged_found": acked_found,
        "rows_found": found,
        "rows_with_their_audit_row": audited,
    }
    print(json.dumps(figures))
    ok = (acked_found == acked and found == audited and worst_outage_ms[0] < 2000
          and recovered_ms is not None and recovered_ms < 5000
          and not any(k not in (201, 503) for k in statuses if isinstance(k, int))
          and "503-without-retry-after" not in statuses)
    return 0 if ok else 1


# ---- 3. many idle keep-alive clients and a slowloris ----------------------------------------
def conns(port, n, seconds):
    port, n, seconds = int(port), int(n), float(seconds)
    held = []
    opened = 0
    for _ in range(n):
        try:
            s = socket.create_connection((HOST, port), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            held.append(s)
            opened += 1
        except OSError:
            break
    slow = socket.create_connection((HOST, port), timeout=30)
    slow.sendall(b"GET /healthz HTTP/1.1\r\n")
    stop = threading.Event()

    def drip():
        i = 0
        while not stop.is_set():
            try:
                slow.sendall(b"X-a: b\r\n"[i % 8:i % 8 + 1])
            except OSError:
                return
            i += 1
            time.sleep(1)

    t = threading.Thread(target=drip)
    t.start()
    probes, answered, worst = probe_health(port, seconds)
    stop.set()
    t.join()
    for s in held:
        s.close()
    slow.close()
    figures = {"scenario": "idle keep-alive connections and a slowloris",
               "connections_opened": opened, "slowloris": 1, "probes": probes,
               "probes_answered": answered, "worst_probe_ms": round(worst * 1000, 1)}
    print(json.dumps(figures))
    return 0 if answered == probes and worst < 3.0 else 1


# ---- 4. generated bad input for every write operation ----------------------------------------
def invalid_bodies(schema):
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    required = schema.get("required", []) if isinstance(schema, dict) else []
    yield "not an object", "[]"
    yield "unknown field", json.dumps({"no_such_field_xyz": 1})
    yield "duplicate keys", '{"a": 1, "a": 2}'
    yield "deep nesting", "[" * 200 + "]" * 200
    yield "nesting one past the limit", "[" * 33 + "]" * 33
    yield "nesting that overflowed a request thread", "[" * 900 + "]" * 900
    yield "huge number", '{"n": 1e400}'
    yield "beyond 2^53", '{"n": 9007199254740993}'
    yield "NUL escape", '{"s": "a\\u0000b"}'
    yield "invalid UTF-8", b'{"s": "\xff\xfe"}'
    yield "trailing garbage", "{} x"
    if required:
        yield "missing required", json.dumps({})
    for name, p in props.items():
        if not isinstance(p, dict) or p.get("readOnly"):
            continue
        t = p.get("type")
        t = t[0] if isinstance(t, list) else t
        wrong = {"string": 12345, "integer": "twelve", "number": "x", "boolean": "yes",
                 "array": "not-an-array", "object": "not-an-object"}.get(t)
        if wrong is not None:
            yield f"wrong type for {name}", json.dumps({name: wrong})
        if t == "string" and p.get("maxLength"):
            yield f"over-long {name}", json.dumps({name: "x" * (int(p["maxLength"]) + 1)})
        if t == "string" and p.get("format") == "date":
            yield f"impossible date {name}", json.dumps({name: "2023-02-30"})
        if t in ("integer", "number") and "maximum" in p:
            yield f"out of range {name}", json.dumps({name: p["maximum"] + 1000})
        if "enum" in p:
            yield f"unknown code {name}", json.dumps({name: "ZZ-not-a-code"})


def resolve(spec, s):
    while isinstance(s, dict) and "$ref" in s:
        node = spec
        for part in s["$ref"].lstrip("#/").split("/"):
            node = node[part]
        s = node
    return s


def row_counts(dburl):
    tables = psql(dburl, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                         "WHERE schemaname = 'public' AND tablename NOT IN "
                         "('audit_log', 'schema_migrations', 'idempotency_keys')").split(",")
    sql = " UNION ALL ".join("SELECT '%s', count(*) FROM %s" % (t, t) for t in tables if t)
    return psql(dburl, sql)


def badinput(port, dburl):
    port = int(port)
    _, _, body = request(port, "GET", "/v1/openapi.json")
    spec = json.loads(body)
    before = row_counts(dburl)
    sent, by_status, bad = 0, {}, []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("post", "patch", "put") or "requestBody" not in op:
                continue
            content = op["requestBody"]["content"]
            media = content.get("application/json") or next(iter(content.values()))
            schema = resolve(spec, media.get("schema", {}))
            concrete = path
            while "{" in concrete:
                a = concrete.index("{")
                b = concrete.index("}")
                concrete = concrete[:a] + str(uuid.uuid4()) + concrete[b + 1:]
            roles = op.get("x-roles") or ["admin"]
            role = next((r for r in ("admin", "manager", "service") if r in roles), roles[0])
            token = token_for(role)
            # PATCH needs If-Match (428 without it); "*" lets the body itself be checked
            extra = {"If-Match": "*"} if method == "patch" else None
            for label, payload in invalid_bodies(schema):
                st, hdr, data = request(port, method.upper(), concrete, token, payload, extra)
                sent += 1
                by_status[st] = by_status.get(st, 0) + 1
                ctype = hdr.get("Content-Type", "")
                if not (400 <= st < 500) or ctype != "application/problem+json":
                    bad.append(f"{method.upper()} {path} [{label}] -> {st} {ctype}")
    after = row_counts(dburl)
    figures = {"scenario": "generated invalid bodies for every write operation",
               "requests": sent, "by_status": {str(k): v for k, v in sorted(by_status.items())},
               "not_4xx_problem": bad[:20], "row_counts_unchanged": before == after}
    print(json.dumps(figures))
    return 0 if not bad and before == after else 1


# ---- 4b. hostile bodies and tokens beside ordinary load ---------------------------------------
def hostile_requests():
    """(label, method, path, token, body, wanted status): each built to exhaust a request
    thread's stack or CPU before the limits in common/cl_json.h existed."""
    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    manager = token_for("manager")
    keys = "{" + ",".join('"%05d":0' % k for k in range(100000)) + "}"
    deep_claims = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(b"[" * 3000) + ".c2ln"
    deep_header = b64(b"[" * 3000) + "." + b64(b'{"sub":"x"}') + ".c2ln"
    yield "depth 33", "POST", "/v1/care-leavers", manager, "[" * 33 + "]" * 33, 400
    yield "depth 900", "POST", "/v1/care-leavers", manager, "[" * 900 + "]" * 900, 400
    yield "depth 20000", "POST", "/v1/care-leavers", manager, "[" * 20000 + "]" * 20000, 400
    yield "1 MiB of [", "POST", "/v1/care-leavers", manager, "[" * (1 << 20), 400
    yield "depth 900 in a field", "POST", "/v1/care-leavers", manager, \
        '{"given_name":' + "[" * 900 + "]" * 900 + "}", 400
    yield "100000 keys", "POST", "/v1/care-leavers", manager, keys, 400
    yield "token claims 3000 deep", "GET", "/v1/me", deep_claims, None, 401
    yield "token header 3000 deep", "GET", "/v1/me", deep_header, None, 401


def hostile(port, seconds):
    port, seconds = int(port), float(seconds)
    cases = list(hostile_requests())
    manager = token_for("manager")
    stop = threading.Event()
    lock = threading.Lock()
    sent, wrong, slowest = {}, [], {}
    load = {"ok": 0, "failed": {}}

    def attacker(n):
        i = n
        while not stop.is_set():
            label, method, path, token, body, want = cases[i % len(cases)]
            i += 1
            t0 = time.monotonic()
            try:
                st, hdr, _ = request(port, method, path, token, body, timeout=15)
            except OSError as e:
                st, hdr = str(e), {}
            ms = (time.monotonic() - t0) * 1000
            with lock:
                sent[label] = sent.get(label, 0) + 1
                slowest[label] = max(slowest.get(label, 0), round(ms, 1))
                if st != want or hdr.get("Content-Type") != "application/problem+json":
                    wrong.append(f"{label} -> {st} {hdr.get('Content-Type')}")

    def ordinary():
        while not stop.is_set():
            try:
                st, _, _ = request(port, "GET", "/v1/care-leavers?limit=5", manager)
            except OSError as e:
                st = type(e).__name__
            with lock:
                if st == 200:
                    load["ok"] += 1
                else:
                    load["failed"][str(st)] = load["failed"].get(str(st), 0) + 1

    # Pooled connections left over from the outage in scenario 1 are replaced on first use,
    # each with one 503: use them all up before measuring.
    warmup, streak, until = {}, 0, time.monotonic() + 10
    while streak < 16 and time.monotonic() < until:
        st = request(port, "GET", "/v1/care-leavers?limit=5", manager)[0]
        warmup[str(st)] = warmup.get(str(st), 0) + 1
        streak = streak + 1 if st == 200 else 0
    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(2)]
    threads += [threading.Thread(target=ordinary) for _ in range(4)]
    for t in threads:
        t.start()
    probes, answered, worst = probe_health(port, seconds)
    stop.set()
    for t in threads:
        t.join()
    try:
        alive = request(port, "GET", "/healthz")[0] == 200
    except OSError:
        alive = False
    figures = {"scenario": "stack- and CPU-exhausting bodies and tokens beside ordinary load",
               "warmup_statuses": warmup, "hostile_sent": sum(sent.values()), "slowest_ms_by_kind": slowest,
               "not_the_wanted_problem": wrong[:10], "ordinary_ok": load["ok"],
               "ordinary_failed": load["failed"], "probes": probes, "probes_answered": answered,
               "worst_probe_ms": round(worst * 1000, 1), "api_alive_after": alive}
    print(json.dumps(figures))
    complete = len(sent) == len(cases)
    return 0 if (complete and not wrong and not load["failed"] and answered == probes
                 and worst < 3.0 and alive) else 1


# ---- failover: write load across two apis while the primary dies ------------------------------
def failover(port1, port2, token, seconds, at, fault_cmd, crash_cmd, promote_cmd, dburl, mode):
    """Each client POSTs advisers through both apis in turn, each with its own Idempotency-Key,
    and retries a request that was not answered 201 (503, or the connection lost) with the same
    key until it is, as the README tells integrators to; it keeps a ledger of acknowledged ids."""
    ports = [int(port1), int(port2)]
    seconds, at = float(seconds), float(at)
    run = uuid.uuid4().hex[:8]
    ledger, lock, stop = [], threading.Lock(), threading.Event()
    statuses, retried_ok, unfinished = {}, [0], [0]

    def worker(n):
        i = 0
        while not stop.is_set():
            i += 1
            email = f"ha-{run}-{n}-{i}@reliability.example"
            body = json.dumps({"name": "Reliability Load", "email": email})
            key = str(uuid.uuid4())
            tries = 0
            while True:
                port = ports[(n + i + tries) % 2]
                tries += 1
                try:
                    st, hdr, data = request(port, "POST", "/v1/advisers", token, body,
                                            {"Idempotency-Key": key}, timeout=10)
                except OSError:
                    st, hdr, data = 0, {}, b""
                with lock:
                    statuses[st] = statuses.get(st, 0) + 1
                    if st == 503 and "Retry-After" not in hdr:
                        statuses["503-without-retry-after"] = statuses.get("503-without-retry-after", 0) + 1
                    if 200 <= st < 300:
                        ledger.append(json.loads(data)["id"])
                        retried_ok[0] += tries > 1
                if 200 <= st < 300 or st not in (0, 503):
                    break
                if stop.is_set() and tries > 50:
                    unfinished[0] += 1
                    break
                time.sleep(0.05)
            time.sleep(0.01)

    def ready(port):
        try:
            return request(port, "GET", "/readyz", timeout=2)[0] == 200
        except OSError:
            return False

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(at)
    subprocess.run(fault_cmd, shell=True, check=True)
    t_crash = time.monotonic()
    subprocess.run(crash_cmd, shell=True, check=True)
    subprocess.run(promote_cmd, shell=True, check=True)
    promoted_ms = (time.monotonic() - t_crash) * 1000
    ready_ms = {}
    while len(ready_ms) < 2 and time.monotonic() - t_crash < 30:
        for p in ports:
            if p not in ready_ms and ready(p):
                ready_ms[p] = (time.monotonic() - t_crash) * 1000
        time.sleep(0.01)
    time.sleep(max(1.0, seconds - (time.monotonic() - t_crash) - at))
    stop.set()
    for t in threads:
        t.join()
    like = "ha-%s-%%" % run
    stored = set(psql(dburl, "SELECT id FROM advisers WHERE email LIKE '%s'" % like).split())
    acked = set(ledger)
    audited = set(psql(dburl, "SELECT a.resource_id FROM audit_log a JOIN advisers d ON d.id = a.resource_id "
                              "WHERE a.action = 'create' AND d.email LIKE '%s'" % like).split())
    doubles = int(psql(dburl, "SELECT count(*) FROM (SELECT email FROM advisers WHERE email LIKE '%s' "
                              "GROUP BY email HAVING count(*) > 1) d" % like))
    lost = len(acked - stored)
    figures = {
        "requests": sum(v for k, v in statuses.items() if isinstance(k, int)),
        "by_status": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "standby_promoted_ms_after_crash": round(promoted_ms, 1),
        "both_apis_ready_ms_after_crash": round(max(ready_ms.values()), 1) if len(ready_ms) == 2 else None,
        "both_apis_ready_ms_after_promotion":
            round(max(ready_ms.values()) - promoted_ms, 1) if len(ready_ms) == 2 else None,
        "writes_acknowledged": len(acked),
        "acknowledged_lost": lost,
        "acknowledged_found_with_audit_row": len(acked & stored & audited),
        "rows_without_audit_row": len(stored - audited),
        "retried_posts_acknowledged": retried_ok[0],
        "written_twice": doubles,
        "unfinished_at_stop": unfinished[0],
    }
    print(json.dumps(figures))
    bad_status = any(k not in (0, 201, 503) for k in statuses if isinstance(k, int))
    ok = (len(ready_ms) == 2 and max(ready_ms.values()) < 10000 and doubles == 0
          and not (stored - audited) and not bad_status and "503-without-retry-after" not in statuses
          and (mode != "sync" or lost == 0))
    return 0 if ok else 1


# ---- 9. point-in-time restore (restore_drill.sh) -----------------------------------------------
def writes(port, token, clients, stopfile, logfile):
    """CLIENTS threads POST advisers until stopfile exists; each request is logged with the
    client's clock when it was sent and when its answer arrived (time.time(), the machine's
    clock, which the database on the same machine shares)."""
    port, run = int(port), uuid.uuid4().hex[:8]
    lock, out = threading.Lock(), open(logfile, "w")

    def worker(n):
        i = 0
        while not os.path.exists(stopfile):
            i += 1
            email = f"drill-{run}-{n}-{i}@restore.example"
            sent = time.time()
            try:
                st, _, _ = request(port, "POST", "/v1/advisers", token,
                                   json.dumps({"name": "Restore Drill", "email": email}))
            except OSError:
                st = 0
            with lock:
                out.write(json.dumps({"email": email, "sent": sent, "acked": time.time(),
                                      "status": st}) + "\n")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(int(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.close()
    return 0


def restored(logfile, t_epoch, dburl):
    """Every write answered 201 before T must be in the restored cluster, none sent after T;
    a write in flight at T (sent before, answered after) may be either way."""
    t = float(t_epoch)
    rows = [json.loads(l) for l in open(logfile) if l.strip()]
    ok = [r for r in rows if r["status"] == 201]
    before = {r["email"] for r in ok if r["acked"] < t}
    after = {r["email"] for r in rows if r["sent"] > t}
    flight = {r["email"] for r in ok if r["sent"] <= t <= r["acked"]}
    held = set(psql(dburl, "SELECT email FROM advisers WHERE email LIKE 'drill-%'").split())
    fig = {"writes_acknowledged": len(ok), "other_answers": len(rows) - len(ok),
           "acknowledged_before_T": len(before), "of_them_restored": len(before & held),
           "sent_after_T": len(after), "of_them_restored_wrongly": len(after & held),
           "in_flight_at_T": len(flight), "in_flight_restored": len(flight & held)}
    print(json.dumps(fig))
    return 0 if before <= held and not after & held and before else 1


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "outage":
        sys.exit(outage(*args))
    if cmd == "conns":
        sys.exit(conns(*args))
    if cmd == "badinput":
        sys.exit(badinput(*args))
    if cmd == "failover":
        sys.exit(failover(*args))
    if cmd == "hostile":
        sys.exit(hostile(*args))
    if cmd == "writes":
        sys.exit(writes(*args))
    if cmd == "restored":
        sys.exit(restored(*args))
    sys.exit(__doc__)
