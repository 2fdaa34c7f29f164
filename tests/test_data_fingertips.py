"""The live Fingertips client against a local HTTP mock (no test touches the network)."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
from pathlib import Path

import pytest
from werkzeug import Response

from hwb import paths
from hwb.data.fingertips import FingertipsClient, fetch_snapshot
from hwb.data.load import load_manifest, load_snapshot
from hwb.errors import FetchFailed

FIXTURES = Path(__file__).parent / "fixtures" / "fingertips"
CSV = "/api/all_data/csv/by_indicator_id"


def serve(httpserver, *, fail_93085_502: int | None = None) -> None:
    httpserver.expect_request("/api/area_types").respond_with_data(
        (FIXTURES / "area_types.json").read_bytes(), content_type="application/json"
    )
    httpserver.expect_request("/api/indicator_metadata/by_indicator_id").respond_with_data(
        (FIXTURES / "indicator_metadata.json").read_bytes(), content_type="application/json"
    )
    for iid, area_type in ((93085, 501), (93085, 502), (90362, 502)):
        query = {
            "indicator_ids": str(iid),
            "child_area_type_id": str(area_type),
            "parent_area_type_id": "15",
        }
        body = (FIXTURES / f"all_data_{iid}_{area_type}.csv").read_bytes()
        if fail_93085_502 is not None and (iid, area_type) == (93085, 502):
            httpserver.expect_request(CSV, query_string=query).respond_with_response(
                Response("busy", status=fail_93085_502)
            )
        else:
            httpserver.expect_request(CSV, query_string=query).respond_with_data(
                body, content_type="text/csv"
            )


def client_for(httpserver, tmp_path: Path, **kwargs) -> FingertipsClient:
    return FingertipsClient(
        httpserver.url_for("/api"), cache_dir=tmp_path / "cache", backoff=0.0, **kwargs
    )


@pytest.fixture
def old_snapshot(tmp_path) -> Path:
    target = tmp_path / "snapshot"
    shutil.copytree(paths.SNAPSHOT, target)
    return target


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_fetch_builds_a_validated_snapshot_with_provenance(httpserver, tmp_path, old_snapshot):
    serve(httpserver)
    out = fetch_snapshot(
        old_snapshot,
        indicator_ids=[93085, 90362],
        client=client_for(httpserver, tmp_path),
        progress=False,
        today=dt.date(2025, 3, 1),
    )
    manifest = load_manifest(out)
    assert manifest["synthetic"] is False and manifest["date_fetched"] == "2025-03-01"
    assert manifest["licence"] == "Open Government Licence v3.0"
    assert [f["name"] for f in manifest["files"]] == [
        "fingertips_93085.csv.gz",
        "fingertips_90362.csv.gz",
    ]
    frame = load_snapshot(out)
    smoking = frame[frame.indicator_id == 93085]
    # England and Blackburn with Darwen come in both area types: kept once.
    headline = smoking[smoking.category_type == ""]
    assert (headline.area_code == "E06000008").sum() == 1
    assert ((headline.area_code == "E92000001") & (headline.period == "2023/24")).sum() == 1
    burnley = headline[headline.area_code == "E07000117"].iloc[0]
    assert (burnley.value, burnley["count"], burnley.denominator) == (12.5, 120.0, 960.0)
    suppressed = headline[headline.area_code == "E07000124"].iloc[0]
    assert (
        suppressed.value_note.startswith("Value suppressed")
        and suppressed.value != suppressed.value
    )
    assert set(frame.loc[frame.indicator_id == 90362, "area_code"]) == {"E92000001", "E10000017"}
    assert not (out / "manifest.yml").read_text().count("Demonstration")


def test_second_fetch_uses_the_request_cache(httpserver, tmp_path, old_snapshot):
    serve(httpserver)
    client = client_for(httpserver, tmp_path)
    fetch_snapshot(old_snapshot, indicator_ids=[90362], client=client, progress=False)
    first = sum(1 for request, _ in httpserver.log if request.path == CSV)
    fetch_snapshot(old_snapshot, indicator_ids=[90362], client=client, progress=False)
    assert sum(1 for request, _ in httpserver.log if request.path == CSV) == first == 1


def test_server_errors_are_retried_then_reported_and_old_snapshot_kept(
    httpserver, tmp_path, old_snapshot
):
    serve(httpserver, fail_93085_502=503)
    before = snapshot_bytes(old_snapshot)
    with pytest.raises(FetchFailed) as caught:
        fetch_snapshot(
            old_snapshot,
            indicator_ids=[93085],
            client=client_for(httpserver, tmp_path),
            progress=False,
        )
    message = str(caught.value)
    assert (
        "indicator 93085, area type 502" in message
        and "3 attempt(s)" in message
        and "HTTP 503" in message
    )
    assert snapshot_bytes(old_snapshot) == before
    assert not list(old_snapshot.parent.glob(".snapshot-*"))


def test_not_found_is_not_retried(httpserver, tmp_path, old_snapshot):
    serve(httpserver, fail_93085_502=404)
    with pytest.raises(FetchFailed, match=r"after 1 attempt\(s\): HTTP 404"):
        fetch_snapshot(
            old_snapshot,
            indicator_ids=[93085],
            client=client_for(httpserver, tmp_path),
            progress=False,
        )


def test_unknown_indicator_is_named(httpserver, tmp_path, old_snapshot):
    serve(httpserver)
    with pytest.raises(FetchFailed, match="no metadata for indicator id.s. 12345"):
        fetch_snapshot(
            old_snapshot,
            indicator_ids=[93085, 12345],
            client=client_for(httpserver, tmp_path),
            progress=False,
        )


def test_invalid_download_fails_validation_and_keeps_old_snapshot(
    httpserver, tmp_path, old_snapshot
):
    httpserver.expect_request("/api/area_types").respond_with_data("[]")
    httpserver.expect_request("/api/indicator_metadata/by_indicator_id").respond_with_data(
        (FIXTURES / "indicator_metadata.json").read_bytes()
    )
    bad = (FIXTURES / "all_data_90362_502.csv").read_bytes().replace(b"60.1", b"sixty", 1)
    httpserver.expect_request(CSV).respond_with_data(bad)
    before = snapshot_bytes(old_snapshot)
    with pytest.raises(
        FetchFailed, match=r"failed validation: .*column 'Value': expected a number"
    ):
        fetch_snapshot(
            old_snapshot,
            indicator_ids=[90362],
            client=client_for(httpserver, tmp_path),
            progress=False,
        )
    assert snapshot_bytes(old_snapshot) == before


def test_no_network_fails_at_the_first_request_and_keeps_old_snapshot(tmp_path, old_snapshot):
    with socket.socket() as sock:  # a local port with nothing listening: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = FingertipsClient(f"http://127.0.0.1:{port}/api", cache_dir=None, backoff=0.0)
    before = snapshot_bytes(old_snapshot)
    with pytest.raises(FetchFailed, match="cannot reach the Fingertips API .* unchanged"):
        fetch_snapshot(old_snapshot, client=client, progress=False)
    assert snapshot_bytes(old_snapshot) == before
