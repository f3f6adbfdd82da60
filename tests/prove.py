"""`make prove`: the deployment under faults, and nothing lost (issues 12 and 27).

Starts its own PostgreSQL cluster and Redis on free ports, two gunicorn hosts (the
shipped settings, production mode, rate limits on and counted in that Redis) and nginx
in front with the shipped site, then runs complete journeys through nginx at
concurrency 20, each person from an address of their own (127.0.0.N), through each phase:

  clean       no fault
  kill        SIGKILL of gunicorn workers while reports are being sent
  db-restart  PostgreSQL stopped and started under load
  read-only   the database turned read-only (a failover onto a replica), then back
  redis-kill  Redis killed under load (the limits count in each process), then started again
  slow-body   clients that declare a body and never send it, held open at nginx

then Hypothesis posts to every step form of a report not yet sent, then to its check
page and /status; a NUL in `via` is sent in a query, a form and a multipart post;
and finally `flask audit verify`. Every confirmation (a receipt shown) must have
exactly one stored report that opens with its receipt; every stored report must
belong to one journey; a 5xx is allowed only during a fault: the service's own page
(unavailable, or the check page kept) during a database fault, and nginx's 502 only
for a worker killed mid-request. A person meeting one presses the button again (or,
told their report was received, comes back for the code as the page says) and must
then get through. Prints one JSON line; exits 1 on any loss, duplicate or unexpected 5xx.

    python -m tests.prove [--journeys 40]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from tests.deploy.stack import (
    AppHost, Cluster, Failure, Nginx, Sent, StackError, app_environment, free_port, make_certificates, main_form,
    nginx_available, parse_forms, wait_for, walk_journey,
)

CONCURRENCY = 20
PHASES = ("clean", "kill", "db-restart", "read-only", "redis-kill", "slow-body")
TAG = re.compile(r"\(((?:" + "|".join(PHASES) + r")-\d+)\)")
# Where each kind of 5xx (or come-back) may be met: anywhere else it is a failure.
DATABASE_FAULTS = ("db-restart", "read-only")
SECRET = "prove-secret-" + "p" * 40


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[tuple[str, Sent]] = []  # (journey tag, what the person saw)
        self.unconfirmed: list[tuple[str, str]] = []
        self.failures: list[tuple[str, Failure]] = []
        self.presses: dict[str, int] = {}  # journey tag: how often it pressed send
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.phase = "setup"
        self.memory: dict[str, int] = {}


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections from one loopback address, so each person has their own rate limits."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


_addresses = iter(f"127.0.{n // 250 + 1}.{n % 250 + 2}" for n in range(250 * 250))
_address_lock = threading.Lock()


def person(ca: Path) -> requests.Session:
    """A browser of its own: its own cookies and its own client address."""
    with _address_lock:
        address = next(_addresses)
    session = requests.Session()
    session.trust_env = False
    session.verify = str(ca)
    session.mount("https://", FromAddress(address))
    return session


class OwnRedis:
    """A Redis of our own on a free port (the rate limits' store), to kill and start again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

        def answers() -> bool:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")

        wait_for(answers, "redis-server", 15)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


def page_name(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join("<n>" if p.isdigit() else p for p in parts)


def journey(base: str, ca: Path, tag: str, record: Recorder) -> None:
    session = person(ca)
    failures: list[Failure] = []
    presses: list[str] = []
    phase = record.phase
    try:
        sent = walk_journey(session, base, text=f"Shouted at outside the shop ({tag}).", retries=20,
                            failures=failures, timeout=60, presses=presses)
    except (StackError, requests.RequestException) as error:
        with record.lock:
            record.unconfirmed.append((tag, f"{type(error).__name__}: {error}"[:200]))
            record.failures.extend((phase, f) for f in failures)
            record.presses[tag] = len(presses)
        return
    with record.lock:
        record.sent.append((tag, sent))
        record.failures.extend((phase, f) for f in failures)
        record.presses[tag] = len(presses)
        for path, seconds in sent.timings:
            record.timings[page_name(path)].append(seconds)


def batch(base: str, ca: Path, record: Recorder, phase: str, count: int, fault: Any = None) -> None:
    record.phase = phase
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        futures = [pool.submit(journey, base, ca, f"{phase}-{i}", record) for i in range(count)]
        if fault is not None:
            fault()
        for future in futures:
            future.result()


def sample_memory(hosts: list[AppHost], record: Recorder, stop: threading.Event) -> None:
    while not stop.is_set():
        for number, host in enumerate(hosts, 1):
            for pid in host.worker_pids():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
                key = f"host{number}"
                record.memory[key] = max(record.memory.get(key, 0), rss)
        stop.wait(0.5)


def fuzz(base: str, ca: Path, record: Recorder, examples: int) -> tuple[int, dict[str, int]]:
    """Hypothesis posts to every step form of a report not yet sent, then to its check page
    and /status: never a 5xx. Then a NUL in `via` three ways. Returns the posts made and
    the statuses of the NUL posts."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.deploy.stack import answer

    record.phase = "fuzz"
    session = person(ca)
    forms: list[tuple[str, Any]] = []
    response = session.get(base + "/report/", timeout=30)
    seen: set[str] = set()
    for _ in range(40):  # walk the journey once, keeping each page's form; the check page is not sent
        form = main_form(parse_forms(response.text), response.url)
        if form is None or response.url in seen:
            break
        seen.add(response.url)
        forms.append((response.url, form))
        if response.url.endswith("/report/check"):
            break
        response = session.post(requests.compat.urljoin(response.url, form.action or response.url),
                                data=answer(form, fill_text=True), timeout=30)
    if not forms or not forms[-1][0].endswith("/report/check"):
        raise StackError(f"the fuzzing walk did not reach the check page ({response.url})")
    status_page = session.get(base + "/status", timeout=30)
    # The step forms first, while the draft is unsent; then sending it (the check page), then /status.
    forms.append((status_page.url, parse_forms(status_page.text)[0]))
    values = st.one_of(st.text(max_size=300), st.sampled_from(["", "\x00", "a\x00b", "\ud7ff", "<script>", "9" * 400]),
                       st.binary(max_size=50).map(lambda b: b.decode("latin-1")))
    posted = 0
    for url, form in forms:
        names = sorted({f["name"] for f in form.inputs if f["type"] != "hidden"} | set(form.selects) | set(form.textareas))
        token = next((f["value"] for f in form.inputs if f["name"] == "csrf_token"), "")
        target = requests.compat.urljoin(url, form.action or url)
        # A fresh address for each form: the fuzzing is one person, not a flood to be limited.
        session.mount("https://", FromAddress(next(_addresses)))

        @settings(max_examples=max(5, examples // len(forms)), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(st.dictionaries(st.sampled_from(names or ["x"]), values, max_size=len(names) + 1),
               st.booleans())
        def post(data: dict[str, str], with_token: bool) -> None:
            nonlocal posted
            body = {**data, **({"csrf_token": token} if with_token else {})}
            answer_ = session.post(target, data=body, timeout=30, allow_redirects=False)
            posted += 1
            if answer_.status_code >= 500:
                record.failures.append(("fuzz", Failure(page_name(urlsplit(target).path), answer_.status_code, False)))

        post()
    # A NUL in `via`: in the address, in a form, in a multipart form. Each a clear 400.
    home = person(ca)
    token = next(f["value"] for f in parse_forms(home.get(base + "/", timeout=30).text)[0].inputs
                 if f["name"] == "csrf_token")
    nul = {
        "query": home.get(base + "/report/", params={"via": "\x00"}, timeout=30).status_code,
        "form": home.post(base + "/report/", data={"csrf_token": token, "via": "\x00"}, timeout=30,
                          allow_redirects=False).status_code,
        "multipart": home.post(base + "/report/", files={"csrf_token": (None, token), "via": (None, "\x00")},
                               timeout=30, allow_redirects=False).status_code,
    }
    for how, status in nul.items():
        if status >= 500:
            record.failures.append(("fuzz", Failure(f"/report/ (via NUL, {how})", status, False)))
    return posted, nul


def slow_bodies(port: int, count: int) -> list[socket.socket]:
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    held = []
    for _ in range(count):
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        conn = context.wrap_socket(raw, server_hostname="localhost")
        conn.sendall(b"POST /report/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 100000\r\n\r\ncsrf_token=")
        held.append(conn)
    return held


def verify(app_url: str, folder: Path, record: Recorder, recovery: str) -> dict[str, Any]:
    """Every confirmation: exactly one stored report, opening with its receipt; every report, one journey."""
    from sqlalchemy import select

    from reporting import create_app, crypto
    from reporting.extensions import db
    from reporting.keys.models import ServiceKey
    from reporting.keys.services import private_key_with_recovery
    from reporting.reports.models import Report
    from reporting.reports.services import group_wrap_binding, open_report_content
    from reporting.settings import current_settings
    from reporting.status import services as status_services

    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": app_url,
                      "INSTANCE_PATH": str(folder / "verify"), "RATELIMIT_ENABLED": False})
    lost, opened = [], 0
    tags: Counter[str] = Counter()
    with app.app_context():
        for tag, sent in record.sent:
            try:
                report, _private = status_services.open_with_receipt(sent.receipt, current_settings())
                if report.reference != sent.reference:
                    lost.append(tag)
                else:
                    opened += 1
            except Exception:
                lost.append(tag)
        db.session.rollback()
        keys: dict[int, bytes] = {}
        reports = list(db.session.scalars(select(Report)))
        for stored in reports:
            if stored.group_key_id not in keys:
                key = db.session.get(ServiceKey, stored.group_key_id)
                assert key is not None
                keys[stored.group_key_id] = private_key_with_recovery(key, recovery)
            key = db.session.get(ServiceKey, stored.group_key_id)
            assert key is not None
            private = crypto.open_sealed(key.algorithm, keys[stored.group_key_id], stored.key_wrap_group,
                                         group_wrap_binding(stored.reference))
            content = json.dumps(open_report_content(stored, private))
            tags.update(set(TAG.findall(content)))
        db.session.rollback()
        db.engine.dispose()
    confirmed_tags = {tag for tag, _ in record.sent}
    return {
        "stored": sum(tags.values()),  # reports of these journeys
        "stored_total": len(reports),  # with any the fuzzing sent
        "opened_with_receipt": opened,
        "lost": len(lost),
        "duplicated": sum(1 for _t, n in tags.items() if n > 1),
        "stored_without_confirmation": sorted(t for t in tags if t not in confirmed_tags),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--journeys", type=int, default=40, help="journeys per phase (default 40)")
    parser.add_argument("--fuzz-examples", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args(argv)
    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="prove-"))
    os.chmod(folder, 0o755)
    cluster = Cluster(folder / "pg")
    redis = OwnRedis(folder / "redis")
    record = Recorder()
    hosts: list[AppHost] = []
    nginx: Nginx | None = None
    stop_sampling = threading.Event()
    result: dict[str, Any] = {}
    try:
        if not nginx_available() and os.geteuid() == 0:  # Debian's nginx, as in .ci/run
            subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True, capture_output=True, timeout=300,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        cluster.init()
        redis.start()
        # Rate limits on, as shipped, counted in Redis; each person comes from an address of their own.
        env = app_environment(cluster.url, folder / "instance", SECRET, RATELIMIT_STORAGE_URI=redis.url)
        from reporting import create_app
        from reporting.extensions import db
        from reporting.keys import services as key_services
        from flask_migrate import upgrade

        app = create_app({"ENV_NAME": "testing", "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": cluster.url,
                          "INSTANCE_PATH": str(folder / "instance"), "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            recovery = key_services.init_keys().recovery_text
            db.session.commit()
            db.engine.dispose()
        ca, cert, key = make_certificates(folder / "tls")
        hosts = [AppHost(free_port(), env, folder / f"host{n}.log") for n in (1, 2)]
        for host in hosts:
            host.launch()
        for host in hosts:
            host.wait()
        nginx = Nginx(folder / "nginx", [h.port for h in hosts], cert, key).start()
        base = nginx.base
        sampler = threading.Thread(target=sample_memory, args=(hosts, record, stop_sampling), daemon=True)
        sampler.start()
        health: dict[str, str] = {}

        batch(base, ca, record, "clean", args.journeys)

        def kill_workers() -> None:
            for _ in range(6):
                time.sleep(1.0)
                victims = [pid for host in hosts for pid in host.worker_pids()]
                if victims:
                    try:
                        os.kill(random.choice(victims), 9)
                    except ProcessLookupError:
                        pass

        batch(base, ca, record, "kill", args.journeys, kill_workers)

        def restart_database() -> None:
            time.sleep(2)
            cluster.stop("fast")
            time.sleep(3)
            cluster.start()

        batch(base, ca, record, "db-restart", args.journeys, restart_database)

        def read_only() -> None:
            time.sleep(1.5)
            cluster.psql("postgres", "ALTER SYSTEM SET default_transaction_read_only = on")
            cluster.psql("postgres", "SELECT pg_reload_conf()")
            time.sleep(1)
            answer = requests.get(f"http://127.0.0.1:{hosts[0].port}/healthz", timeout=10)
            health["read_only"] = f"{answer.status_code} {answer.text.strip()}"
            time.sleep(2)
            cluster.psql("postgres", "ALTER SYSTEM RESET default_transaction_read_only")
            cluster.psql("postgres", "SELECT pg_reload_conf()")

        batch(base, ca, record, "read-only", args.journeys, read_only)

        def kill_redis() -> None:
            time.sleep(2)
            redis.kill()
            time.sleep(1)
            answer = requests.get(f"http://127.0.0.1:{hosts[0].port}/healthz", timeout=10)
            health["redis_killed"] = f"{answer.status_code} {' / '.join(answer.text.split(chr(10))).strip(' /')}"

        batch(base, ca, record, "redis-kill", args.journeys, kill_redis)
        redis.start()  # the slow-body phase and the fuzzing count in Redis again

        held: list[socket.socket] = []

        def slow() -> None:
            held.extend(slow_bodies(nginx.https_port, 50))  # type: ignore[union-attr]

        batch(base, ca, record, "slow-body", args.journeys, slow)
        for connection in held:
            connection.close()

        fuzzed, via_nul = fuzz(base, ca, record, args.fuzz_examples)
        wait_for(lambda: requests.get(f"http://127.0.0.1:{hosts[0].port}/healthz", timeout=5).status_code == 200,
                 "recovery", 30)
        audit = subprocess.run([sys.executable, "-m", "flask", "--app", "reporting", "audit", "verify"],
                               env=env, capture_output=True, text=True, timeout=300)
        stop_sampling.set()
        checked = verify(cluster.url, folder, record, recovery)

        fives: Counter[str] = Counter()
        unexpected = 0
        for phase, failure in record.failures:
            kind = ("connection" if failure.status == 0 else "come-back" if failure.status == 200
                    else "service-page" if failure.clear_page else str(failure.status))
            fives[f"{phase}:{kind}"] += 1
            # A database fault: the service's own pages (never nginx's). A worker killed mid-request:
            # nginx's 502 or a dropped connection. Redis killed, slow bodies: nothing at all.
            allowed = ((phase in DATABASE_FAULTS and failure.clear_page)
                       or (phase == "kill" and (failure.clear_page or failure.status in (0, 502))))
            if not allowed:
                unexpected += 1
        timings = {
            name: {"p50_ms": round(statistics.median(values) * 1000),
                   "p95_ms": round(sorted(values)[max(0, int(len(values) * 0.95) - 1)] * 1000)}
            for name, values in sorted(record.timings.items()) if values
        }
        result = {
            "journeys": args.journeys * len(PHASES),
            "sent": sum(1 for presses in record.presses.values() if presses),  # pressed send at least once
            "send_presses": sum(record.presses.values()),
            "confirmed": len(record.sent),
            "unconfirmed": len(record.unconfirmed),
            **checked,
            "fuzz_reports": checked["stored_total"] - checked["stored"],  # sent by the fuzzing of the check page
            "5xx_by_cause": dict(sorted(fives.items())),
            "unexpected_5xx": unexpected,
            "healthz_while_read_only": health.get("read_only"),
            "healthz_while_redis_killed": health.get("redis_killed"),
            "fuzz_posts": fuzzed,
            "via_nul": via_nul,
            "audit_verify": "ok" if audit.returncode == 0 else audit.stdout.strip()[-200:] + audit.stderr.strip()[-200:],
            "pages": timings,
            "worst_worker_rss_mb": {k: round(v / 1024) for k, v in sorted(record.memory.items())},
            "seconds": round(time.monotonic() - began),
        }
        if record.unconfirmed:
            result["unconfirmed_examples"] = record.unconfirmed[:3]
    except Exception as error:  # the harness itself failed: say so in the one line
        result = {"error": f"{type(error).__name__}: {error}"[:500], "seconds": round(time.monotonic() - began)}
    finally:
        stop_sampling.set()
        if nginx:
            nginx.stop()
        for host in hosts:
            host.stop()
        cluster.stop("immediate")
        redis.kill()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result), flush=True)
    failed = ("error" in result or result["lost"] or result["duplicated"] or result["unexpected_5xx"]
              or result["unconfirmed"] or result["stored_without_confirmation"] or result["audit_verify"] != "ok"
              or result["opened_with_receipt"] != result["confirmed"]
              or any(status != 400 for status in result["via_nul"].values()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
