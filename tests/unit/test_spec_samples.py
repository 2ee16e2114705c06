"""Every request and response sample in the seed documents, checked against the spec.

A sample must match the strict spec to the letter, or be listed in tests/fixtures/sample_errata.py with exactly
what is wrong with it; an erratum that no longer happens fails too, so the list stays true.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop import spec
from desktop.spec.validate import check_response
from tests.fixtures.sample_errata import ERRATA
from tests.fixtures.seed_samples import SEEDS, Sample, all_samples, violations

NEUTRAL_REPAIRS = {"joined page break"}  # code blocks split by a page break, joined back: not a fault
API_NOTES = Path(__file__).resolve().parents[2] / "docs" / "api-notes.md"


@pytest.mark.parametrize("sample", all_samples(), ids=lambda s: f"{s.id}-{s.endpoint}")
def test_sample_matches_spec_or_is_a_listed_erratum(sample: Sample) -> None:
    listed = ERRATA.get(sample.id)
    repairs = sample.repairs - NEUTRAL_REPAIRS
    if listed is None:
        assert sample.error is None, f"{sample.id} cannot be parsed: {sample.error}"
        assert not repairs, f"{sample.id} needed repairs {sorted(repairs)}"
        assert violations(sample) == [], f"{sample.id} breaks the spec"
        return
    assert repairs == set(listed.repairs)
    if listed.unparsable:
        assert sample.error is not None
        assert sample.error.startswith(listed.unparsable)
        return
    assert sample.error is None
    assert sorted(violations(sample)) == sorted(listed.violations)


def test_every_erratum_names_a_real_sample() -> None:
    ids = {sample.id for sample in all_samples()}
    assert set(ERRATA) <= ids, f"errata for samples that do not exist: {sorted(set(ERRATA) - ids)}"


def test_every_sample_belongs_to_a_known_endpoint() -> None:
    known = set(spec.BY_NAME) | {f"drive.{name}" for name in spec.drive.COMMANDS} | {"callback"}
    assert {sample.endpoint for sample in all_samples()} <= known


def test_samples_cover_the_endpoints() -> None:
    covered = {sample.endpoint for sample in all_samples()}
    # getuploadcredentials and gettext take no parameters, so their docs show no request sample, but every
    # endpoint has at least one sample of some direction.
    missing = [e.name for e in spec.ENDPOINTS if e.name not in covered]
    assert missing == []
    assert len(all_samples()) >= 90


def test_erratum_numbers_are_documented() -> None:
    notes = API_NOTES.read_text(encoding="utf-8")
    documented = set(re.findall(r"^### (E\d\d)\b", notes, flags=re.MULTILINE))
    used = {number for erratum in ERRATA.values() for number in erratum.ids}
    assert used <= documented, f"undocumented errata: {sorted(used - documented)}"


def test_the_tolerant_parser_reads_every_spelling_the_samples_use() -> None:
    """Aliases cover every name the response samples use that the tables do not."""
    for sample in all_samples():
        if sample.direction != "response" or not sample.endpoint.count(".") or sample.data is None:
            continue
        endpoint = spec.BY_NAME.get(sample.endpoint)
        payload = sample.payload
        if endpoint is None or payload is None:
            continue
        problems = [str(v) for v in check_response(endpoint, payload) if v.kind in ("unknown", "type")]
        assert problems == [], f"{sample.id}: {problems}"


def test_repo_copy_of_the_seeds_is_current() -> None:
    """docs/seeds is a copy of the shared seeds; when those are beside the checkout they must be the same."""
    shared = SEEDS.parents[1].parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("no shared/seeds beside the checkout")
    for original in sorted(shared.glob("*.txt")):
        copy = SEEDS / original.name
        assert copy.read_bytes() == original.read_bytes(), f"docs/seeds/{original.name} differs from shared"
