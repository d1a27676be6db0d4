"""A get-together's pages under load, beside the sign-in page in the same run (issue 21).

A poll with 200 invitees and 10 options (three quarters of them have answered every option):
the organiser's answer matrix (GET /gatherings/ID, signed in), one invitee's answer page
(GET /g/TOKEN, no account) and the sign-in page (GET /login, signed out), each served by the
same gunicorn (2 sync workers) and loaded with wrk (or Python threads) one after the other,
``--rounds`` times alternating. The goal: each page at >= 0.5x the sign-in page's req/s, with
p99 < 100 ms.

    .venv/bin/python bench/gatherings.py [--seconds 8] [--concurrency 8] [--rounds 2]
        [--invitees 200] [--options 10]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pages  # the bench's shared serving and load tools

TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0


def fill(app: Any, invitees: int, options: int, seed: int = 21) -> tuple[str, str]:
    """The user, ``invitees`` contacts in Hamburg and a poll inviting all of them; returns
    the get-together's id and one invitee's token."""
    from planner import db
    from planner.auth.service import create_user
    from planner.contacts.service import ContactInput, create_contact
    from planner.gatherings import service
    from planner.gatherings.suggest import options_of
    from planner.geo import Place

    rng = random.Random(seed)
    hamburg = Place("Hamburg", "DE", 53.5507, 9.993, timezone="Europe/Berlin")
    with app.app_context():
        session = db.session()
        owner = create_user(session, email=pages.EMAIL, password=pages.PASSWORD, locale="de")
        contacts = [
            create_contact(
                session,
                owner=owner,
                data=ContactInput(
                    first_name=rng.choice(pages.FIRST_NAMES),
                    last_name=f"{rng.choice(pages.LAST_NAMES)} {n}",
                    emails=[f"person{n}@example.org"],
                    lat=53.55 + rng.uniform(-0.2, 0.2),
                    lon=9.99 + rng.uniform(-0.3, 0.3),
                    country="DE",
                    topics=["Karriereberatung"],
                ),
            )
            for n in range(invitees)
        ]
        start = datetime(2027, 3, 4, 18, 30)
        gathering = service.create_gathering(
            session,
            owner=owner,
            data=service.GatheringInput(
                title="Karriere-Stammtisch",
                place=hamburg,
                options=[start + timedelta(days=7 * i) for i in range(options)],
                topics=["Karriereberatung"],
                message="Ich kenn Dich aus dem Internet!",
                show_answers=False,  # the default: the page shows the options only
            ),
        )
        made = service.invite(session, owner=owner, gathering=gathering, contacts=contacts)
        option_ids = [o.id for o in options_of(session, gathering=gathering)]
        for item in made[: invitees * 3 // 4]:
            service.answer(
                session,
                invitee=item.invitee,
                gathering=gathering,
                answers={o: rng.choice(("yes", "maybe", "no")) for o in option_ids},
                name=item.contact.first_name,
                comment=rng.choice((None, "Gern!", "Nur wenn es nicht zu spät wird.")),
                now=datetime(2027, 2, 1, tzinfo=pages.UTC),
            )
        session.commit()
        return str(gathering.id), made[-1].token


def cpu_per_request(
    app: Any, paths: dict[str, tuple[str, bool]], repeat: int = 50
) -> dict[str, float]:
    """CPU milliseconds per request through the test client (``time.process_time``): what a
    page costs, whatever else the machine is doing (wrk's figures move with the load)."""
    import re
    import time

    signed_in = app.test_client()
    page = signed_in.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    signed_in.post(
        "/login",
        data={"csrf_token": token.group(1), "email": pages.EMAIL, "password": pages.PASSWORD},
    )
    anonymous = app.test_client()
    result = {}
    for label, (path, needs_login) in paths.items():
        client = signed_in if needs_login else anonymous
        assert client.get(path).status_code == 200, path
        began = time.process_time()
        for _ in range(repeat):
            client.get(path)
        result[label] = (time.process_time() - began) * 1000 / repeat
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--invitees", type=int, default=200)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--generator", default="auto", choices=("auto", "wrk", "python"))
    args = parser.parse_args()
    generator = pages.choose_generator(args.generator)
    with tempfile.TemporaryDirectory(prefix="bench-gatherings-") as folder:
        tmp = Path(folder)
        with pages.throwaway_database(args.database_url, tmp) as url:
            app, instance, secret = pages.bench_app(url, tmp)
            gathering_id, token = fill(app, args.invitees, args.options)
            cpu = cpu_per_request(
                app,
                {
                    "sign-in /login": ("/login", False),
                    "organiser matrix": (f"/gatherings/{gathering_id}", True),
                    "answer page /g/…": (f"/g/{token}", False),
                },
            )
            env = pages.server_env(instance, url, secret)
            server = pages.start_gunicorn("planner", "planner:create_app()", env, tmp, "/login")
            try:
                cookie = pages.log_in(server.port)
                organiser = f"/gatherings/{gathering_id}"
                answer = f"/g/{token}"
                for path, who in ((organiser, cookie), (answer, None)):
                    status, body = pages.fetch(server.port, path, who)
                    if status != 200 or "Karriere-Stammtisch" not in body:
                        raise RuntimeError(f"{path} answered {status}")
                rows: list[tuple[str, Any, Any, Any]] = []
                for _ in range(args.rounds):
                    sign_in = pages.measure(server, "/login", 0, None, args, generator, tmp)
                    matrix = pages.measure(server, organiser, 0, cookie, args, generator, tmp)
                    page = pages.measure(server, answer, 0, None, args, generator, tmp)
                    rows.append((pages.load_average(), sign_in, matrix, page))
            finally:
                server.stop()
    print(
        f"gatherings bench: {args.invitees} invitees, {args.options} options, "
        f"{args.concurrency} connections, {generator}, "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    print(f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'errors':>8}  load")
    ok = True
    for load, sign_in, matrix, page in rows:
        for label, result in (
            ("sign-in /login", sign_in),
            ("organiser matrix", matrix),
            (
                "answer page /g/…",
                page,
            ),
        ):
            ratio = result.rps / sign_in.rps if sign_in.rps else 0.0
            print(
                f"{label:<22}{result.rps:>9.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}"
                f"{ratio:>8.2f}{result.errors:>8}  {load}"
            )
            if result is not sign_in:
                ok = ok and ratio >= TARGET_RATIO and result.p99_ms < TARGET_P99_MS
    print("CPU per request in-process (test client, process time; load-independent):")
    for label, ms in cpu.items():
        print(f"  {label:<22}{ms:>7.1f} ms  {cpu['sign-in /login'] / ms:>5.2f}x the sign-in rate")
    print(
        f"goal: each page >= {TARGET_RATIO}x the sign-in page, p99 < {TARGET_P99_MS:.0f} ms: "
        + ("met" if ok else "MISSED")
    )


if __name__ == "__main__":
    main()
