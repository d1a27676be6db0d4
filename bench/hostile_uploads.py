"""Time to refuse the two hostile uploads of issue 17, through the web and through the CLI.

- ``bomb.zip``: 199 members of 1 MiB each (~199 MiB unpacked) in a few hundred kB.
- ``huge_field.csv``: a Google CSV whose record 2 holds one 10 MB Notes field.

Web: gunicorn (2 workers) and the Huey consumer (``huey_consumer``, as ``planner serve``
runs them) on 127.0.0.1; a signed-in user uploads each file through the real form; the
figure is from sending the upload until the preview page shows the reason (the request,
plus the worker when the file counts as big, plus the page's polling). Then five GETs of
the preview page: they read the stored preview and must not parse. CLI: ``planner import
FILE --user ... --json`` in a subprocess (wall time, Python start-up included) and
``parse_file`` in-process.

    .venv/bin/python bench/hostile_uploads.py [--database-url postgresql+psycopg://...]

Target (issue 17): each refused within 5 s with its reason; the zip within a second.
"""

from __future__ import annotations

import argparse
import http.client
import io
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import (
    CSRF,
    EMAIL,
    HOST,
    PASSWORD,
    bench_app,
    log_in,
    server_env,
    start_gunicorn,
    throwaway_database,
)

MIB = 2**20
PLANNER = Path(sys.executable).parent / "planner"
CONSUMER = Path(sys.executable).parent / "huey_consumer"
POLL_SECONDS = 0.05  # the bench polls faster than the page's own 2 s refresh
POLL_LIMIT = 60.0
SERVE_CONSUMER_ARGS = ("--workers", "2", "--worker-type", "thread", "--max-delay", "1")  # as serve


def bomb_zip() -> bytes:
    line = b"Anna,Muster,anna@example.org\n"
    member = (b"First Name,Last Name,Email\n" + line * (MIB // len(line) + 1))[:MIB]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for i in range(199):
            archive.writestr(f"part-{i:03d}.csv", member)
    return buffer.getvalue()


def huge_field_csv() -> bytes:
    return (
        "First Name,Last Name,E-mail 1 - Value,Notes\r\n"
        "Anna,Muster,anna@example.org,ok\r\n"
        f'Bert,Beispiel,bert@example.org,"{"x" * 10_000_000}"\r\n'
        "Carl,C,carl@example.org,\r\n"
    ).encode()


def warm_up_csv() -> bytes:
    """A LinkedIn Connections.csv just over the size previewed in the worker."""
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    rows = "".join(
        f"P{i},Muster,https://www.linkedin.com/in/p{i},p{i}@example.org,Firma,Role,01 Nov 2026\r\n"
        for i in range(25_000)
    )
    return (header + rows).encode()


def request(
    port: int, method: str, path: str, cookie: str, body: bytes = b"", content_type: str = ""
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    headers = {"Cookie": cookie}
    if content_type:
        headers["Content-Type"] = content_type
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, dict(response.getheaders()), text


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "----treffpunkt-bench-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def web_refusal(port: int, cookie: str, name: str, data: bytes) -> dict[str, object]:
    _status, _headers, page = request(port, "GET", "/imports/", cookie)
    found = CSRF.search(page)
    assert found, "no csrf_token on /imports/"
    body, content_type = multipart({"csrf_token": found.group(1), "format": ""}, name, data)
    started = time.perf_counter()
    status, headers, _text = request(port, "POST", "/imports/", cookie, body, content_type)
    posted = time.perf_counter() - started
    if status != 302:
        raise RuntimeError(f"upload of {name}: HTTP {status}")
    location = headers.get("Location", "")
    path = location if location.startswith("/") else "/" + location.split("/", 3)[3]
    page = ""
    background = False
    while time.perf_counter() - started < POLL_LIMIT:
        _s, _h, page = request(port, "GET", path, cookie)
        if "being read in the background" not in page:
            break
        background = True
        time.sleep(POLL_SECONDS)
    shown = time.perf_counter() - started
    reason = re.search(r'<p class="file-error"[^>]*>(.*?)</p>', page, re.S)
    views = []
    for _view in range(5):
        began = time.perf_counter()
        request(port, "GET", path, cookie)
        views.append(time.perf_counter() - began)
    return {
        "post_s": posted,
        "reason_shown_s": shown,
        "in_worker": background,
        "reason": re.sub(r"\s+", " ", reason.group(1)).strip() if reason else None,
        "page_view_p50_ms": statistics.median(views) * 1000,
    }


def cli_refusal(env: dict[str, str], path: Path) -> dict[str, object]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(PLANNER), "import", str(path), "--user", EMAIL, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    wall = time.perf_counter() - started
    return {"wall_s": wall, "exit": done.returncode, "stderr": done.stderr.strip()[:300]}


def start_up(env: dict[str, str]) -> float:
    started = time.perf_counter()
    # the app started and one query: undoing an import that does not exist (exits 1)
    unknown = ["import", "undo", "00000000-0000-0000-0000-000000000000", "--user", EMAIL]
    subprocess.run([str(PLANNER), *unknown], env=env, capture_output=True, timeout=120)
    return time.perf_counter() - started


def parse_time(name: str, data: bytes) -> tuple[float, str | None]:
    from planner.importers import parse_file

    started = time.perf_counter()
    results = parse_file(name, data)
    return time.perf_counter() - started, results[0].message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    files = {"bomb.zip": bomb_zip(), "huge_field.csv": huge_field_csv()}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name, data in files.items():
            (tmp / name).write_bytes(data)
            print(f"{name}: {len(data) / MIB:.2f} MB uploaded")
        with throwaway_database(args.database_url, tmp) as url:
            app, instance, secret = bench_app(url, tmp)
            with app.app_context():
                from planner import db
                from planner.auth.service import create_user

                create_user(db.session(), email=EMAIL, password=PASSWORD, locale="en")
                db.session().commit()
            env = server_env(instance, url, secret)

            print("\nparse_file in-process (the importer alone):")
            for name, data in files.items():
                seconds, message = parse_time(name, data)
                print(f"  {name:15} {seconds * 1000:7.0f} ms  {message}")

            print("\nplanner import FILE --user ... (subprocess, Python start-up included):")
            startup = min(start_up(env) for _run in range(3))
            print(
                f"  baseline: planner import undo <unknown id> {startup:.2f} s "
                "(start-up, the app and one query; best of 3)"
            )
            for name in files:
                # best of 3, like the baseline: two cores shared with other work are noisy
                runs = [cli_refusal(env, tmp / name) for _run in range(3)]
                cli = min(runs, key=lambda run: float(run["wall_s"]))  # type: ignore[arg-type]
                wall = float(cli["wall_s"])  # type: ignore[arg-type]
                print(
                    f"  {name:15} {wall:7.2f} s  (start-up + {wall - startup:.2f} s)"
                    f"  exit {cli['exit']}  {cli['stderr']}"
                )

            consumer_log = (tmp / "consumer.log").open("wb")
            consumer = subprocess.Popen(
                [str(CONSUMER), "planner.tasks.huey", *SERVE_CONSUMER_ARGS],
                env=env,
                stdout=consumer_log,
                stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parent.parent,
            )
            server = None
            try:  # the consumer is stopped even when gunicorn does not come up
                server = start_gunicorn("planner", "planner:create_app()", env, tmp, "/login")
                cookie = log_in(server.port)
                print("\nweb upload through gunicorn + Huey consumer:")
                # A fresh consumer builds its app on its first task: pay that before timing.
                warm = web_refusal(server.port, cookie, "Connections.csv", warm_up_csv())
                warmed = float(warm["reason_shown_s"])  # type: ignore[arg-type]
                print(
                    f"  warm-up: a 2.2 MB Connections.csv previewed by the worker in {warmed:.2f} s"
                )
                for name, data in files.items():
                    web = web_refusal(server.port, cookie, name, data)
                    print(
                        f"  {name:15} upload answered in {web['post_s']:.2f} s, reason shown "
                        f"after {web['reason_shown_s']:.2f} s"
                        f"{' (read in the worker)' if web['in_worker'] else ''}; "
                        f"page views p50 {web['page_view_p50_ms']:.0f} ms\n"
                        f"                  {web['reason']}"
                    )
            finally:
                if server is not None:
                    server.stop()
                consumer.terminate()
                consumer.wait(timeout=15)
                consumer_log.close()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
