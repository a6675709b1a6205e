"""Issue #14 item 7, driven by .ci/production-shape (which sets the
environment, the database and the static files up first).

Starts the service as production runs it: gunicorn with several workers,
a Celery worker and beat, on the machine's PostgreSQL and Redis, DEBUG off,
HTTPS settings on (behind a TLS proxy: requests say X-Forwarded-Proto https),
hashed static files. E-mail goes to an SMTP server of this script's own.

1. Signs in through the real sign-in pages: username and password, then the
   authenticator app's code, computed with the project's TOTP helper.
2. Records an immediate-risk referral and waits for the alert e-mail, which
   only the worker sends (outbox -> Celery -> SMTP).
3. Records another; the SMTP server holds that delivery's connection open so
   the worker is mid-task, and the worker is killed (SIGKILL, with its pool).
   A new worker is started: once the dead delivery's lease ends (the beat's
   sweep), the alert is delivered, and each supervisor has it exactly once.

Every process it starts is ended on the way out, whatever happens."""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import os
import re
import signal
import socketserver
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
LOGS = ROOT / "var" / "production-shape"
PORT = int(os.environ["SHAPE_PORT"])
SMTP_PORT = int(os.environ["EMAIL_PORT"])
USERNAME = os.environ.get("SHAPE_USERNAME", "kcc.caseworker")
PASSWORD = os.environ["DEMO_PASSWORD"]
TOTP_SECRET = os.environ["DEMO_TOTP_SECRET"]
started = time.monotonic()


def check(condition, problem) -> None:
    if not condition:
        raise SystemExit(f"production shape: FAILED: {problem}")


def say(text: str) -> None:
    print(f"[{time.monotonic() - started:6.1f}s] {text}", flush=True)


# --- An SMTP server that records what it receives, and can hold a delivery --


class Mailbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[tuple[str, str]] = []  # (recipient, subject)
        self.hold_next = threading.Event()
        self.holding = threading.Event()

    def received(self, recipients, data: bytes):
        subject = message_from_bytes(data).get("Subject", "")
        with self.lock:
            self.messages.extend((recipient, subject) for recipient in recipients)

    def about(self, reference: str) -> list[tuple[str, str]]:
        with self.lock:
            return [(to, subject) for to, subject in self.messages if reference in subject]


MAILBOX = Mailbox()


class SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        if MAILBOX.hold_next.is_set():
            # Hold this delivery: no greeting, so the worker waits mid-task
            # (EMAIL_TIMEOUT is long) until it is killed and the socket closes.
            MAILBOX.hold_next.clear()
            MAILBOX.holding.set()
            with contextlib.suppress(OSError):
                while self.rfile.read(1):
                    pass
            return
        self.reply("220 shape.invalid ESMTP")
        recipients, data = [], None
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 shape.invalid")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(re.search(r"<(.*)>", command).group(1))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                MAILBOX.received(recipients, data)
                self.reply("250 OK queued")
            elif verb == "RSET":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


# --- The service's processes ---------------------------------------------


PROCESSES: dict[str, subprocess.Popen] = {}


def start(name: str, *command: str) -> subprocess.Popen:
    log = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(  # noqa: S603 (our own commands)
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    PROCESSES[name] = process
    say(f"started {name} (pid {process.pid})")
    return process


def kill(name: str, sig=signal.SIGTERM) -> None:
    process = PROCESSES.pop(name, None)
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)  # the process and its children (a worker's pool)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_worker(name: str) -> None:
    start(
        name, str(VENV / "celery"), "-A", "cse_team", "worker", "--loglevel=INFO", "--concurrency=2", "-n", f"{name}@%h"
    )


# --- A browser's side of the conversation (cookies kept by hand: they are Secure,
# and this HTTP hop stands for the TLS proxy's) ------------------------------


class Browser:
    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form=None, json_body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        origin = f"https://127.0.0.1:{PORT}"
        sent = {
            "Host": f"127.0.0.1:{PORT}",
            "X-Forwarded-Proto": "https",
            "Origin": origin,
            "Referer": origin + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body)
            sent["Content-Type"] = "application/json"
            sent["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response, content

    def form_token(self, path: str) -> tuple[str, str]:
        response, page = self.request("GET", path)
        check(response.status == 200, (path, response.status))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        check(token, f"no CSRF token on {path}")
        return token.group(1), page


def totp_now() -> str:
    """The authenticator app's code, from the project's own TOTP helper."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_team.settings")
    import django

    django.setup()
    from accounts.testing import totp_code

    return totp_code(TOTP_SECRET)


def sign_in(browser: Browser) -> None:
    token, _ = browser.form_token("/accounts/login/")
    response, _ = browser.request(
        "POST", "/accounts/login/", form={"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD}
    )
    check(response.status == 302, f"password step: {response.status}")
    second_step = response.getheader("Location")
    check("2fa" in second_step, f"expected the second-factor step, went to {second_step}")
    token, _ = browser.form_token(second_step)
    response, _ = browser.request("POST", second_step, form={"csrfmiddlewaretoken": token, "code": totp_now()})
    check(response.status == 302, f"code step: {response.status}")
    response, page = browser.request("GET", "/")
    check(response.status == 200 and "Sign out" in page, "not signed in after the code")
    say(f"signed in as {USERNAME} with password and authenticator code")


def record_immediate_risk_referral(browser: Browser, surname: str) -> str:
    response, content = browser.request(
        "POST",
        "/api/referrals/",
        json_body={
            "new_child": {"first_name": "Shape", "last_name": surname, "estimated_age": 14, "district": "maidstone"},
            "received_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "channel": "phone",
            "referrer_name": "Production-shape check",
            "concern_summary": "FICTIONAL: CI's production-shape check.",
            "immediate_risk": True,
            "consent_outcome": "given",
        },
    )
    check(response.status == 201, f"referral not recorded: {response.status} {content[:300]}")
    reference = json.loads(content).get("reference")
    check(reference, f"the referrer cannot see the referral they recorded: {content[:200]}")
    say(f"recorded immediate-risk referral {reference}")
    return reference


def wait_for(what: str, condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def check_static_files(browser: Browser) -> None:
    _, page = browser.request("GET", "/accounts/login/")
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    check(stylesheet, "the sign-in page links no hashed stylesheet")
    response, _ = browser.request("GET", stylesheet.group(1))
    check(response.status == 200, f"{stylesheet.group(1)}: {response.status}")
    check("max-age" in (response.getheader("Cache-Control") or ""), "hashed static file without a long cache")
    say(f"hashed static file served: {stylesheet.group(1)}")


def main() -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    smtp = SmtpServer(("127.0.0.1", SMTP_PORT), SmtpHandler)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    try:
        start(
            "gunicorn",
            str(VENV / "gunicorn"),
            "cse_team.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "3",
            "--timeout",
            "60",
        )
        start_worker("worker1")
        start(
            "beat", str(VENV / "celery"), "-A", "cse_team", "beat", "--loglevel=INFO", "-s", str(LOGS / "beat-schedule")
        )

        def healthy():
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                connection.request("GET", "/healthz")
                return connection.getresponse().status == 200
            return False

        wait_for("gunicorn to answer /healthz", healthy, 60)
        browser = Browser()
        check_static_files(browser)
        sign_in(browser)

        supervisors = int(os.environ["SHAPE_SUPERVISORS"])
        first = record_immediate_risk_referral(browser, "Alpha")
        wait_for(f"the alert for {first}", lambda: len(MAILBOX.about(first)) >= supervisors, 60)
        say(f"alert for {first} delivered by the worker to {supervisors} supervisor(s)")

        MAILBOX.hold_next.set()
        second = record_immediate_risk_referral(browser, "Bravo")
        wait_for("the worker to be mid-delivery", MAILBOX.holding.is_set, 60)
        kill("worker1", signal.SIGKILL)
        say("worker killed mid-delivery (SIGKILL)")
        check(not MAILBOX.about(second), "the held delivery got through")
        start_worker("worker2")
        lease = int(os.environ["OUTBOX_LEASE_SECONDS"])
        wait_for(f"the alert for {second} after restart", lambda: MAILBOX.about(second), lease + 120)
        time.sleep(5)  # anything sent twice would arrive now
        got = MAILBOX.about(second)
        recipients = [to for to, _ in got]
        check(len(recipients) == supervisors and len(set(recipients)) == supervisors, f"not exactly once: {got}")
        check(len(MAILBOX.about(first)) == supervisors, "the first alert was sent again")
        say(f"alert for {second} delivered exactly once to each of {supervisors} supervisor(s) after the restart")
        return 0
    finally:
        for name in list(PROCESSES):
            kill(name)
        smtp.shutdown()
        say("processes stopped")


if __name__ == "__main__":
    sys.exit(main())
