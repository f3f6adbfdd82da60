"""The deployment docs/operating.md describes, started for a test or `make prove`.

nginx (Debian's) in front with the shipped site file (deploy/nginx/reporting.conf) and a
test certificate made here, two gunicorn hosts started with deploy/gunicorn.conf.py in
production mode, sharing one PostgreSQL and one Redis. Also a generic journey walker
that answers whatever form each page shows, so it survives changes to the steps.
"""
from __future__ import annotations

import datetime as dt
import html
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
SITE_FILE = ROOT / "deploy" / "nginx" / "reporting.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Any, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise StackError(f"{what} did not come up in {seconds:.0f} s")


# --- certificates --------------------------------------------------------------------

def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for localhost/127.0.0.1: (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reporting test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    os.chmod(paths[2], 0o644)  # nginx's workers read it as an unprivileged user in the test
    return paths


# --- app hosts -----------------------------------------------------------------------

def app_environment(database_url: str, instance: Path, secret: str, **extra: str) -> dict[str, str]:
    """Production mode, as the deployment steps in docs/operating.md set it, with cheap KDFs for speed."""
    from reporting import crypto

    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTING_")}
    env.update({
        "REPORTING_ENV_NAME": "production",
        "REPORTING_SECRET_KEY": secret,
        # Production refuses to start without its own https address (printed and emailed links).
        "REPORTING_PUBLIC_BASE_URL": "https://report.example.org",
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "REPORTING_RATELIMIT_KEY_PREFIX": f"stack-{os.getpid()}-{os.urandom(3).hex()}",
        "REPORTING_PROXY_FIX_X_FOR": "1",
        "REPORTING_INSTANCE_PATH": str(instance),
        "REPORTING_RECEIPT_KDF": crypto.KDF_TEST.encode(),
        "REPORTING_PASSWORD_KDF": crypto.KDF_TEST.encode(),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update(extra)
    return env


@dataclass
class AppHost:
    port: int
    env: dict[str, str]
    log: Path
    worker_class: str = "gthread"
    workers: int = 2
    threads: int | None = None  # the shipped setting unless given
    command_prefix: list[str] = field(default_factory=lambda: [sys.executable, "-m", "gunicorn"])
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> AppHost:
        self.launch()
        self.wait()
        return self

    def launch(self) -> None:
        command = [
            *self.command_prefix, "-c", str(GUNICORN_CONF),
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", self.worker_class, "wsgi:app",
        ]
        if self.threads is not None:
            command[-1:-1] = ["--threads", str(self.threads)]
        with self.log.open("ab") as handle:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=handle, stderr=handle,
                                            start_new_session=True)

    def wait(self) -> None:
        import requests

        wait_for(lambda: requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200,
                 f"gunicorn on {self.port}", 40)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # quick shutdown
            try:
                # Threads held by idle keep-alive connections can hold a worker up to
                # graceful_timeout; a test has no one to be graceful to.
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


# --- PostgreSQL of its own -------------------------------------------------------------

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists()


class Cluster:
    """A PostgreSQL cluster of our own (initdb as the postgres user when run as root)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(folder, "postgres")

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.as_user, *command], check=check, capture_output=True, text=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/reporting"

    def init(self) -> None:
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
                       "max_connections = 200\nfsync = on\nshared_buffers = 64MB\n")
        self.start()
        self.psql("postgres", "CREATE DATABASE reporting")

    def start(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "postgres.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def psql(self, database: str, sql: str) -> str:
        return self.run(str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "-d", database, "-Atc", sql).stdout


# --- nginx ---------------------------------------------------------------------------

def render_site(https_port: int, http_port: int, upstreams: list[int], cert: Path, key: Path, logs: Path) -> str:
    """The shipped site file with this machine's ports, certificate and log folder.

    Every replacement must find its text, so a change to the site file that the test
    no longer exercises fails loudly here.
    """
    site = SITE_FILE.read_text()
    upstream_lines = "".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=5s;\n" for p in upstreams)
    replacements = [
        ("    server 127.0.0.1:8001 max_fails=2 fail_timeout=5s;\n    server 127.0.0.1:8002 max_fails=2 fail_timeout=5s;\n",
         upstream_lines),
        ("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
        ("/etc/ssl/reporting/fullchain.pem", str(cert)),
        ("/etc/ssl/reporting/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{logs}/"),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"),
    ]
    for old, new in replacements:
        if old not in site:
            raise StackError(f"deploy/nginx/reporting.conf no longer contains {old!r}")
        site = site.replace(old, new)
    return site


@dataclass
class Nginx:
    folder: Path
    upstreams: list[int]
    cert: Path
    key: Path
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"https://localhost:{self.https_port}"

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    def start(self) -> Nginx:
        self.logs.mkdir(parents=True, exist_ok=True)
        temp = self.folder / "temp"
        temp.mkdir(exist_ok=True)
        os.chmod(self.folder, 0o755)
        os.chmod(temp, 0o777)
        site = render_site(self.https_port, self.http_port, self.upstreams, self.cert, self.key, self.logs)
        (self.folder / "reporting.conf").write_text(site)
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        (self.folder / "nginx.conf").write_text(
            f"{user}worker_processes 2;\npid {self.folder}/nginx.pid;\nerror_log {self.logs}/main-error.log crit;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  include /etc/nginx/mime.types;\n"
            f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
            f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
            f"  access_log off;\n  include {self.folder}/reporting.conf;\n}}\n"
        )
        with (self.logs / "stderr.log").open("ab") as handle:
            self.process = subprocess.Popen(
                [NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-g", "daemon off;"],
                stdout=handle, stderr=handle, start_new_session=True,
            )

        def listening() -> bool:
            with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                return True

        wait_for(listening, "nginx", 15)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # fast shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def nginx_available() -> bool:
    return Path(NGINX).exists()


# --- a journey, answered generically --------------------------------------------------

@dataclass
class Form:
    action: str
    method: str
    enctype: str
    inputs: list[dict[str, str]] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)
    textareas: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower(), a.get("enctype", "")))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                if a.get("name"):
                    form.buttons.append((a["name"], a.get("value", "")))
                else:
                    form.buttons.append(("", ""))
            elif a.get("name"):
                form.inputs.append({**a, "type": kind})
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            form.buttons.append((a.get("name", ""), a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            form.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            form.selects[self._select].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            form.textareas.append(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def parse_forms(page: str) -> list[Form]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


TEXT_ANSWER = "Someone shouted at me outside the shop."


def answer(form: Form, *, fill_text: bool) -> dict[str, list[str]]:
    """A plausible answer to any form: "no" where offered (the short path), else the first choice."""
    data: dict[str, list[str]] = {}
    radios: dict[str, list[str]] = {}
    checkboxes: dict[str, list[str]] = {}
    for field_ in form.inputs:
        name, kind, value = field_["name"], field_["type"], field_.get("value", "")
        if kind == "hidden":
            data.setdefault(name, []).append(value)
        elif kind == "radio":
            radios.setdefault(name, []).append(value)
        elif kind == "checkbox":
            checkboxes.setdefault(name, []).append(value)
        elif kind == "file" or field_.get("tabindex") == "-1":
            continue  # no files; a field hidden from people is a honeypot and stays empty
        elif name.endswith("-day") or name.endswith("-month"):
            data[name] = ["1"]
        elif name.endswith("-year"):
            data[name] = [str(dt.date.today().year)]
        elif fill_text:
            data[name] = [{"email": "sam@example.org", "tel": "07700 900982", "number": "1"}.get(kind, TEXT_ANSWER)]
    for name, values in radios.items():
        data[name] = ["no" if "no" in values else values[0]]
    for name, values in checkboxes.items():
        data[name] = [values[0]]
    for name, options in form.selects.items():
        chosen = [o for o in options if o]
        if chosen:
            data[name] = [chosen[0]]
    if fill_text:
        for name in form.textareas:
            data[name] = [TEXT_ANSWER]
    if form.buttons and form.buttons[0][0]:
        data[form.buttons[0][0]] = [form.buttons[0][1]]
    return data


RECEIPT = re.compile(r'id="receipt-code">(.*?)</strong>', re.S)
REFERENCE = re.compile(r"HC-\d\d-[0-9A-Z]{6}")


@dataclass
class Sent:
    reference: str
    receipt: str
    pages: int
    timings: list[tuple[str, float]]


def main_form(forms: list[Form], url: str) -> Form | None:
    posts = [f for f in forms if f.method == "post" and not re.search(r"/(exit|remove|finish)\b", f.action)]
    if not posts:
        return None
    return max(posts, key=lambda f: len(f.inputs) + len(f.textareas) + len(f.selects))


@dataclass
class Failure:
    path: str
    status: int  # 0: the connection failed
    clear_page: bool  # the service's own "unavailable" page, not a proxy's or a crash


# The service's own pages for a fault: "unavailable", the check page kept with "not sent"
# (the draft was read) or "could not confirm" (it could not be: an earlier press may have sent it).
CLEAR_PAGE_WORDS = ("not been sent", "unavailable", "could not confirm")
# The "received" page during an outage, before the code could be shown: come back for it.
COME_BACK = re.compile(r'<a class="govuk-link" href="([^"]*/sent)">')


def is_clear_page(page: str) -> bool:
    return any(words in page for words in CLEAR_PAGE_WORDS)


def _receipt_on(page: str, page_count: int, timings: list[tuple[str, float]]) -> Sent | None:
    receipt = RECEIPT.search(page)
    if not receipt:
        return None
    reference = REFERENCE.search(page)
    if not reference:
        raise StackError("a receipt without a reference")
    digits = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(receipt.group(1))).split())
    return Sent(reference.group(0), digits, page_count, timings)


def walk_journey(session: Any, base: str, *, start: str = "/report/", max_pages: int = 40,
                 timeout: float = 30.0, text: str = TEXT_ANSWER, retries: int = 0,
                 failures: list[Failure] | None = None, presses: list[str] | None = None) -> Sent:
    """Report as a person would: open the start page and answer each form until the receipt shows.

    With ``retries``, a 5xx or a dropped connection is met as a person would meet it:
    wait a moment and press the same button again (each one is recorded in ``failures``);
    and the "received, come back for your code" page of an outage is followed as its link
    says, a moment later (recorded with status 200). Each press of the send button (a post
    to the check page) is appended to ``presses``.
    """
    timings: list[tuple[str, float]] = []

    def timed(method: str, url: str, **kwargs: Any) -> Any:
        for attempt in range(retries + 1):
            if presses is not None and method == "POST" and urlsplit(url).path.endswith("/check"):
                presses.append(urlsplit(url).path)
            began = time.perf_counter()
            try:
                response = session.request(method, url, timeout=timeout, **kwargs)
            except Exception:
                if failures is not None:
                    failures.append(Failure(urlsplit(url).path, 0, False))
                if attempt == retries:
                    raise
                time.sleep(1)
                continue
            timings.append((urlsplit(url).path, time.perf_counter() - began))
            if response.status_code < 500 or attempt == retries:
                return response
            if failures is not None:
                failures.append(Failure(urlsplit(url).path, response.status_code, is_clear_page(response.text)))
            time.sleep(1)
        raise AssertionError("unreachable")

    def answered(form: Form, fill_text: bool) -> dict[str, list[str]]:
        data = answer(form, fill_text=fill_text)
        return {k: [text if v == TEXT_ANSWER else v for v in vs] for k, vs in data.items()}

    response = timed("GET", base + start)
    come_backs = 0
    for page_count in range(1, max_pages + 1):
        if response.status_code >= 400:
            raise StackError(f"{response.status_code} at {response.url}")
        page = response.text
        sent = _receipt_on(page, page_count, timings)
        if sent:
            return sent
        form = main_form(parse_forms(page), response.url)
        come_back = COME_BACK.search(page) if form is None else None
        while come_back and come_backs < retries * 3:
            # Received, and the code is kept: come back for it in a moment, as the page says.
            come_backs += 1
            if failures is not None:
                failures.append(Failure(urlsplit(response.url).path, 200, True))
            time.sleep(1)
            response = timed("GET", urljoin(response.url, html.unescape(come_back.group(1))))
            if response.status_code >= 400:
                raise StackError(f"{response.status_code} at {response.url}")
            page = response.text
            form = main_form(parse_forms(page), response.url)
            come_back = COME_BACK.search(page) if form is None else None
        sent = _receipt_on(page, page_count, timings)
        if sent:
            return sent
        if form is None:
            raise StackError(f"no form to answer at {response.url}")
        target = urljoin(response.url, form.action or response.url)
        before = response.url
        response = timed("POST", target, data=answered(form, False))
        if response.status_code == 200 and response.url == before and "govuk-error-summary" in response.text:
            # The question needs words: answer every field this time.
            form = main_form(parse_forms(response.text), response.url) or form
            response = timed("POST", target, data=answered(form, True))
            if response.status_code == 200 and response.url == before and "govuk-error-summary" in response.text:
                raise StackError(f"the walker could not answer {before}")
    raise StackError(f"no receipt after {max_pages} pages")


def walk_to(session: Any, base: str, path: str, *, start: str = "/report/", max_pages: int = 40,
            timeout: float = 30.0) -> Any:
    """Answer each form from the start, as :func:`walk_journey` does, until the page at
    ``path`` shows (the check page, say); return that response, nothing sent."""
    response = session.get(base + start, timeout=timeout)
    for _page in range(max_pages):
        if response.status_code >= 400:
            raise StackError(f"{response.status_code} at {response.url}")
        if urlsplit(response.url).path == path:
            return response
        form = main_form(parse_forms(response.text), response.url)
        if form is None:
            raise StackError(f"no form to answer at {response.url}")
        target = urljoin(response.url, form.action or response.url)
        before = response.url
        response = session.post(target, data=answer(form, fill_text=False), timeout=timeout)
        if response.status_code == 200 and response.url == before and "govuk-error-summary" in response.text:
            form = main_form(parse_forms(response.text), response.url) or form
            response = session.post(target, data=answer(form, fill_text=True), timeout=timeout)
    raise StackError(f"{path} not reached after {max_pages} pages")
