"""Every sample export against EXPECTED.json: format, status, counts, skipped rows, checks."""

from __future__ import annotations

import hashlib

import pytest

from tests.unit.importers.samples import (
    check_failures,
    contact_samples,
    expected,
    parse_sample,
    sample_bytes,
)


@pytest.mark.parametrize("name", contact_samples())
def test_sample_file_is_unchanged(name: str) -> None:
    data = sample_bytes(name)
    assert hashlib.sha256(data).hexdigest() == expected()[name]["sha256"]


@pytest.mark.parametrize("name", contact_samples())
def test_sample_outcome_matches_expected(name: str) -> None:
    want = expected()[name]
    results = parse_sample(name)
    assert [r.status for r in results] == [want["status"]]
    assert [r.format for r in results] == [want["format"]]
    assert sum(r.contacts for r in results) == want["contacts"]
    assert sum(r.skipped for r in results) == want["skipped"]
    if want.get("error"):
        assert results[0].error == want["error"]
        assert results[0].records == []
        assert results[0].message is not None and name.split("/")[-1] in results[0].message
    else:
        assert results[0].error is None


@pytest.mark.parametrize("name", contact_samples())
def test_sample_skipped_records_are_located(name: str) -> None:
    want = expected()[name]["skipped_records"]
    got = [(parsed, p) for parsed in parse_sample(name) for p in parsed.problems if p.skipped]
    assert len(got) == len(want)
    for (parsed, problem), spec in zip(got, want, strict=True):
        if "card" in spec:
            assert problem.row == spec["card"]
        else:
            assert problem.row == spec["line"]
            assert problem.record == spec["record"]
        if "member" in spec:
            assert parsed.file.endswith("/" + spec["member"])
        assert problem.message


@pytest.mark.parametrize("name", [n for n in contact_samples() if expected()[n]["checks"]])
def test_sample_field_checks(name: str) -> None:
    assert check_failures(name) == []


def test_checker_reports_a_check_that_does_not_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.unit.importers import samples

    real = samples.expected()
    name = "linkedin/Connections.csv"
    wrong = {
        **real[name],
        "checks": [
            {"name": "Annegret Kühnel", "field": "title", "op": "equals", "value": "CEO"},
            {"name": "Nobody Here", "field": "emails", "op": "contains", "value": "x@y.example"},
            {"name": "Annegret Kühnel", "field": "display_name", "op": "absent", "value": None},
        ],
    }
    monkeypatch.setattr(samples, "expected", lambda: {**real, name: wrong})
    assert len(samples.check_failures(name)) == 3
