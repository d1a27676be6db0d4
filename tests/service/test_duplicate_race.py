"""Two follow-ups suggesting at the same time: a pair the other has just stored is skipped,
not an error that loses the whole step (the bulk INSERT skips existing pairs)."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlmodel import Session

from planner.duplicates import service
from planner.imports import service as imports
from planner.models import MergeSuggestion, User
from planner.models.types import utcnow

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def test_a_pair_suggested_meanwhile_is_skipped(
    db: Session, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = db.get(User, make_user().id)
    assert owner is not None
    uploads = [
        (Path(n).name, (SAMPLES / n).read_bytes())
        for n in ("linkedin/Connections.csv", "xing/contacts.csv")
    ]
    batch = imports.stage_import(db, owner=owner, uploads=uploads)
    imports.write_import(db, owner=owner, batch=batch, parsed=imports.parse_uploads(uploads))
    db.commit()
    search = service.search

    def search_then_another_stores_one(*args: Any, **kwargs: Any) -> Any:
        found = search(*args, **kwargs)
        first = found.candidates[0]
        db.execute(
            insert(MergeSuggestion.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": first.a,  # any id: only the pair is unique
                    "owner_id": owner.id,
                    "contact_a": first.a,
                    "contact_b": first.b,
                    "score": 0.5,
                    "reasons": [],
                    "status": "open",
                    "created_at": utcnow(),
                }
            ],
        )
        return found

    monkeypatch.setattr(service, "search", search_then_another_stores_one)
    suggested = service.find_suggestions(db, owner=owner)
    db.commit()
    assert suggested > 1
    stored = db.execute(
        select(func.count())
        .select_from(MergeSuggestion)
        .where(MergeSuggestion.owner_id == owner.id)  # type: ignore[arg-type]
    ).scalar_one()
    assert stored == suggested  # the one stored meanwhile, and each other pair once
