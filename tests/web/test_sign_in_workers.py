"""The acceptance check, served for real: gunicorn with two workers on one database.

25 wrong passwords for one account from one address within a minute get at most 10 answers
that are not 429 across both workers (sent five at a time, so both workers usually answer
some); the owner still signs in from the same address in her own browser; a new server
process (a restart) refuses the next guess: the count lives in no process's memory.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.conftest import CHEAP_ARGON2, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@contextmanager
def gunicorn(database_url: str, instance: Path, workers: int = 2) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env |= {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "workers-test-secret",
        "PLANNER_INSTANCE_PATH": str(instance),
        "PLANNER_HUEY_IMMEDIATE": "1",
    }
    env |= {f"PLANNER_{k}": str(v) for k, v in CHEAP_ARGON2.items()}
    env.pop("REDIS_URL", None)
    log = instance / f"gunicorn-{port}.log"
    instance.mkdir(parents=True, exist_ok=True)
    command = [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "planner:create_app()"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while True:  # poll until it answers (start-up, not a timing assumption)
            assert process.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            try:
                Browser(port).get("/login")
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


class Browser:
    """Just enough of a browser: cookies and the form token."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})

    def _request(self, method: str, path: str, body: str | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, text

    def get(self, path: str) -> tuple[int, str]:
        return self._request("GET", path)  # type: ignore[no-any-return]

    def token(self) -> str:
        found = CSRF.search(self.get("/login")[1])
        assert found
        return found.group(1)

    def sign_in(self, email: str, password: str, token: str | None = None) -> int:
        form = {"csrf_token": token or self.token(), "email": email, "password": password}
        status: int = self._request("POST", "/login", urlencode(form))[0]
        return status


def test_two_workers_share_the_count_and_the_owner_still_gets_in(
    database_url: str, make_user: Any, tmp_path: Path
) -> None:
    owner = make_user("owner@example.org")
    with gunicorn(database_url, tmp_path / "instance") as port:
        hers = Browser(port)
        assert hers.sign_in(owner.email, PASSWORD) == 302  # earlier: her browser is known
        device = {k: v for k, v in hers.cookies.items() if k == "treffpunkt_device"}

        attacker = Browser(port)
        token = attacker.token()
        with ThreadPoolExecutor(max_workers=5) as pool:
            codes = list(
                pool.map(lambda _: attacker.sign_in(owner.email, "guess", token), range(25))
            )
        assert sum(code != 429 for code in codes) <= 10, codes
        assert codes.count(429) >= 15

        assert Browser(port, device).sign_in(owner.email, PASSWORD) == 302
        assert Browser(port).sign_in(owner.email, PASSWORD) == 429  # a stranger's browser

    # A new server process (as after a restart, or any other worker) sees the same count:
    # it is not in any process's memory. Which worker took which guess above is up to the
    # kernel, so this is the deterministic check of sharing.
    with gunicorn(database_url, tmp_path / "instance") as port:
        assert Browser(port).sign_in(owner.email, "guess") == 429
        assert Browser(port, device).sign_in(owner.email, PASSWORD) == 302
