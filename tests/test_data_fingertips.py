"""The live Fingertips client against a local HTTP mock (no test touches the network).

The mock answers as the real server does (fingertips-open's CSV writer; OHID's fingertipsR
and fingertips_py): ``all_data/csv/by_indicator_id`` returns one header, then each asked-for
indicator's rows from ``fixtures/fingertips/all_data_<id>_<child>_<parent>.csv``; ids beyond
the first 100 are silently dropped, and an indicator without a fixture gets nothing (status
200, header only). The fixtures are in the real layout: no byte-order mark, CRLF line ends,
the header naming the parent type ("Compared to percentiles" under England), per period
England's rows, then the parent-type rows (parent England), then the child rows — so a
unitary authority comes twice under parent type 502 and England twice under parent type 15
— and "Time period range" last.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import http.server
import io
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Request, Response

from hwb import paths
from hwb.data import schema
from hwb.data.fingertips import (
    ENGLAND_COMPARISON,
    REGION_COMPARISON,
    FingertipsClient,
    batched,
    fetch_snapshot,
    merge_downloads,
    read_download,
)
from hwb.data.load import load_manifest, load_snapshot
from hwb.errors import FetchFailed

FIXTURES = Path(__file__).parent / "fixtures" / "fingertips"
CSV = "/api/all_data/csv/by_indicator_id"
METADATA = "/api/indicator_metadata/by_indicator_id"
PARENT_OF_COUNTY = "Compared to Counties & UAs (from Apr 2023) value or percentiles"


# --------------------------------------------------------------------------- the mock server
def all_data(request: Request) -> Response:
    ids = request.args["indicator_ids"].split(",")[:100]  # the server drops the rest
    pair = f"{request.args['child_area_type_id']}_{request.args['parent_area_type_id']}"
    body = (FIXTURES / f"header_only_{pair}.csv").read_bytes()
    for iid in ids:
        fixture = FIXTURES / f"all_data_{iid}_{pair}.csv"
        if fixture.is_file():
            body += fixture.read_bytes().split(b"\r\n", 1)[1]
    return Response(body, content_type="text/csv")


def metadata(request: Request) -> Response:
    known = json.loads((FIXTURES / "indicator_metadata.json").read_bytes())
    answer = {}
    for iid in request.args["indicator_ids"].split(",")[:100]:
        if iid in known:
            answer[iid] = known[iid]
        elif iid.startswith("800"):  # stand-ins for the batching test
            answer[iid] = {"IID": int(iid), "Descriptive": {"Name": f"Stand-in {iid}"}}
    return Response(json.dumps(answer), content_type="application/json")


def serve(httpserver, *, csv_status: int | None = None, csv_body: bytes | None = None) -> None:
    """The mock API; ``csv_status`` or ``csv_body`` replace every all_data answer."""
    httpserver.expect_request("/api/area_types").respond_with_data(
        (FIXTURES / "area_types.json").read_bytes(), content_type="application/json"
    )
    httpserver.expect_request(METADATA).respond_with_handler(metadata)
    if csv_status is not None:
        httpserver.expect_request(CSV).respond_with_response(Response("busy", status=csv_status))
    elif csv_body is not None:
        httpserver.expect_request(CSV).respond_with_data(csv_body, content_type="text/csv")
    else:
        httpserver.expect_request(CSV).respond_with_handler(all_data)


def client_for(httpserver, tmp_path: Path, **kwargs) -> FingertipsClient:
    return FingertipsClient(
        httpserver.url_for("/api"), cache_dir=tmp_path / "cache", backoff=0.0, **kwargs
    )


def fetch(httpserver, tmp_path: Path, target: Path, ids: list[int]) -> Path:
    return fetch_snapshot(
        target,
        indicator_ids=ids,
        client=client_for(httpserver, tmp_path),
        progress=False,
        today=dt.date(2025, 3, 1),
    )


def fetch_fails(httpserver, tmp_path: Path, target: Path, ids: list[int]) -> str:
    """The FetchFailed message of a fetch that must fail, having left ``target`` untouched."""
    before = snapshot_bytes(target)
    with pytest.raises(FetchFailed) as caught:
        fetch(httpserver, tmp_path, target, ids)
    assert snapshot_bytes(target) == before
    assert not list(target.parent.glob(".snapshot-*"))
    return str(caught.value)


def csv_requests(httpserver) -> list[dict[str, str]]:
    return [dict(request.args) for request, _ in httpserver.log if request.path == CSV]


def written_rows(folder: Path, iid: int) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a snapshot file, read by header name as any reader would."""
    text = gzip.decompress((folder / f"fingertips_{iid}.csv.gz").read_bytes()).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=False)) for row in reader]


@pytest.fixture
def old_snapshot(tmp_path) -> Path:
    target = tmp_path / "snapshot"
    shutil.copytree(paths.SNAPSHOT, target)
    return target


@pytest.fixture
def fetched(httpserver, tmp_path, old_snapshot) -> Path:
    serve(httpserver)
    return fetch(httpserver, tmp_path, old_snapshot, [93085, 90366, 92033, 90362])


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --------------------------------------------------------------------------- the fixtures
@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.csv")), ids=lambda p: p.name)
def test_fixtures_are_in_the_real_layout(fixture):
    data = fixture.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "the API sends no byte-order mark"
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == data.count(b"\n")
    header = data.split(b"\r\n", 1)[0].decode().split(",")
    assert len(header) == 27 and header[-1] == "Time period range"
    expected = {
        "_502.csv": PARENT_OF_COUNTY,
        "_15.csv": "Compared to percentiles",
        "_6_genuine.csv": REGION_COMPARISON,
    }
    wanted = next(v for k, v in expected.items() if fixture.name.endswith(k))
    assert header[22] == wanted and header[:22] + header[23:] == [
        h for i, h in enumerate(schema.LAYOUT_27) if i != 22
    ]


# --------------------------------------------------------------------------- requests
def test_requests_ask_for_districts_under_their_county_with_sortable_periods(fetched, httpserver):
    asked = csv_requests(httpserver)
    assert asked == [
        {
            "indicator_ids": "93085,90366,92033",
            "child_area_type_id": "501",
            "parent_area_type_id": "502",
            "include_sortable_time_periods": "yes",
        },
        {  # 90362 is published for counties & UAs only (catalogue: district_level false)
            "indicator_ids": "90362",
            "child_area_type_id": "502",
            "parent_area_type_id": "15",
            "include_sortable_time_periods": "yes",
        },
    ]


def test_indicator_ids_are_batched_by_100(httpserver, tmp_path, old_snapshot):
    serve(httpserver)
    stand_ins = list(range(800001, 800101))  # 100 ids Fingertips has no data for
    out = fetch(httpserver, tmp_path, old_snapshot, [93085, *stand_ins, 90366])
    batches = [r["indicator_ids"].split(",") for r in csv_requests(httpserver)]
    assert [len(b) for b in batches] == [100, 2] and batches[1] == ["800100", "90366"]
    metadata_batches = [
        request.args["indicator_ids"].count(",") + 1
        for request, _ in httpserver.log
        if request.path == METADATA
    ]
    assert metadata_batches == [100, 2]
    # 90366 came 102nd: one request would have lost it without a word.
    assert set(load_snapshot(out).indicator_id) == {93085, 90366}
    assert [b for b in batched(range(250))][-1] == list(range(200, 250))


def test_client_refuses_more_than_100_ids_in_one_request(tmp_path):
    client = FingertipsClient("http://127.0.0.1:9/api", cache_dir=None)
    with pytest.raises(ValueError, match="101 indicator ids in one request"):
        client.indicator_csv(range(1, 102), 501, 502)


# --------------------------------------------------------------------------- rows kept
def test_fetch_builds_a_validated_snapshot_with_provenance(fetched, httpserver):
    manifest = load_manifest(fetched)
    assert manifest["synthetic"] is False and manifest["date_fetched"] == "2025-03-01"
    assert manifest["licence"] == "Open Government Licence v3.0"
    assert manifest["source"]["api_base"] == httpserver.url_for("/api")  # the base used
    assert manifest["no_data"] == []
    assert [f["name"] for f in manifest["files"] if not f.get("kind")] == [
        "fingertips_93085.csv.gz",
        "fingertips_90366.csv.gz",
        "fingertips_92033.csv.gz",
        "fingertips_90362.csv.gz",
    ]
    # the small-area files (not from the API) are kept from the snapshot replaced, hash-checked
    kept = [f["name"] for f in manifest["files"] if f.get("kind") == "small_area"]
    assert kept and all(
        (fetched / name).read_bytes() == (paths.SNAPSHOT / name).read_bytes() for name in kept
    )
    assert "small_areas_not_kept" not in manifest
    frame = load_snapshot(fetched)
    smoking = frame[(frame.indicator_id == 93085) & (frame.category_type == "")]
    burnley = smoking[(smoking.area_code == "E07000117") & (smoking.period == "2023/24")].iloc[0]
    assert (burnley.value, burnley["count"], burnley.denominator) == (12.5, 120.0, 960.0)
    assert burnley.parent_code == "E10000017"  # the district's county
    suppressed = smoking[smoking.area_code == "E07000124"].iloc[0]
    assert (
        suppressed.value_note.startswith("Value suppressed")
        and suppressed.value != suppressed.value
    )
    assert not (fetched / "manifest.yml").read_text().count("Demonstration")


def test_one_row_per_area_and_period(fetched):
    frame = load_snapshot(fetched)
    headline = frame[frame.category_type == ""]
    per_key = headline.groupby(["indicator_id", "area_code", "sex", "period"]).size()
    assert per_key.max() == 1
    # A unitary authority comes twice under parent type 502: its child row (parent itself) stays.
    bwd = headline[headline.area_code == "E06000008"]
    assert len(bwd[bwd.indicator_id == 93085]) == 2  # one per period
    assert set(bwd.loc[bwd.indicator_id != 90362, "parent_code"]) == {"E06000008"}
    # Lancashire has no child row: its parent-type row (parent England) is kept.
    lancashire = headline[headline.area_code == "E10000017"]
    assert set(lancashire.indicator_id) == {93085, 90366, 92033, 90362}
    assert set(lancashire.parent_code) == {"E92000001"}
    # England twice under parent type 15: kept once per sex, the row with no parent.
    england = headline[(headline.indicator_id == 90362) & (headline.area_code == "E92000001")]
    assert sorted(england.sex) == ["Female", "Male"] and england.parent_code.isna().all()
    # Category rows are England's own, not repeats.
    deciles = frame[(frame.indicator_id == 93085) & (frame.category_type != "")]
    assert list(deciles.category) == ["Most deprived decile (IMD2019)"]


def test_comparison_columns_are_read_by_header(fetched):
    manifest = load_manifest(fetched)
    not_kept = [r["comparisons_not_kept"] for r in manifest["source"]["requests"]]
    assert not_kept == [[PARENT_OF_COUNTY], ["Compared to percentiles"]]
    header, rows = written_rows(fetched, 93085)
    assert header == list(schema.LAYOUT_27)
    burnley = [r for r in rows if r["Area Code"] == "E07000117" and r["Time period"] == "2023/24"]
    assert burnley[0][ENGLAND_COMPARISON] == "Worse"
    for iid in (93085, 90366, 92033, 90362):
        _, rows = written_rows(fetched, iid)
        # The county and percentile comparisons never land in the Region slot.
        assert {r[REGION_COMPARISON] for r in rows} == {""}, iid
    _, hle = written_rows(fetched, 90362)
    lancashire = [r for r in hle if r["Area Code"] == "E10000017"]
    assert {r[ENGLAND_COMPARISON] for r in lancashire} == {"Worse"}


def test_a_real_region_comparison_fills_the_region_slot():
    genuine = (FIXTURES / "all_data_93088_501_6_genuine.csv").read_bytes()
    merged = merge_downloads([(genuine, "indicator 93088 under regions")])
    rows = list(csv.DictReader(io.StringIO(merged.decode("utf-8"))))
    city = next(r for r in rows if r["Area Code"] == "E09000001")
    assert (city[ENGLAND_COMPARISON], city[REGION_COMPARISON]) == ("Better", "Better")
    assert city["Parent Code"] == "E12000007" and city["Time period range"] == "1y"
    assert not read_download(genuine, "93088").comparisons_not_kept


def test_columns_are_found_wherever_the_server_puts_them():
    data = (FIXTURES / "all_data_90362_502_15.csv").read_bytes().decode()
    records = list(csv.reader(io.StringIO(data)))
    order = list(reversed(range(len(records[0]))))
    shuffled = "\r\n".join(",".join(r[i] for i in order) for r in records) + "\r\n"
    assert merge_downloads([(shuffled.encode(), "x")]) == merge_downloads([(data.encode(), "x")])


def test_pooled_periods_keep_their_range(fetched):
    _, life = written_rows(fetched, 90366)
    _, year6 = written_rows(fetched, 92033)
    assert {(r["Time period"], r["Time period range"]) for r in life} == {
        ("2020 - 22", "3y"),
        ("2021 - 23", "3y"),
    }
    assert {
        (r["Time period"], r["Time period Sortable"], r["Time period range"]) for r in year6
    } == {("2018/19 - 22/23", "20180000", "5y")}
    ranges = load_manifest(fetched)["source"]["time_period_ranges"]
    assert ranges == {93085: ["1y"], 90366: ["3y"], 92033: ["5y"], 90362: ["3y"]}


# --------------------------------------------------------------------------- header-only answers
def test_header_only_download_is_recorded_not_written(httpserver, tmp_path, old_snapshot):
    serve(httpserver)
    out = fetch(httpserver, tmp_path, old_snapshot, [93085, 92196])  # no fixture: header only
    manifest = load_manifest(out)
    assert manifest["no_data"] == [
        {
            "indicator_id": 92196,
            "child_area_type_id": 501,
            "parent_area_type_id": 502,
            "reason": "no data at this area type",
        }
    ]
    assert [f["name"] for f in manifest["files"] if not f.get("kind")] == [
        "fingertips_93085.csv.gz"
    ]
    assert not (out / "fingertips_92196.csv.gz").exists()


def test_every_indicator_header_only_fails_and_keeps_old_snapshot(
    httpserver, tmp_path, old_snapshot
):
    serve(httpserver)
    message = fetch_fails(httpserver, tmp_path, old_snapshot, [92196, 41001])
    assert "only a header, no data, for every indicator" in message
    assert "indicators 92196, 41001 as area type 501 under 502" in message
    assert "all_data/csv/by_indicator_id" in message and "catalogue.yml" in message


# --------------------------------------------------------------------------- validation
def test_value_outside_its_limits_by_rounding_is_fetched(httpserver, tmp_path, old_snapshot):
    serve(httpserver)
    out = fetch(httpserver, tmp_path, old_snapshot, [93701])
    frame = load_snapshot(out)
    england = frame[frame.area_code == "E92000001"].iloc[0]
    assert (england.value, england.lower_95, england.upper_95) == (15.6, 15.52, 15.59)
    assert "quarantined" not in load_manifest(out)


def test_a_damaged_download_is_refused_naming_the_request(httpserver, tmp_path, old_snapshot):
    bad = (FIXTURES / "all_data_90362_502_15.csv").read_bytes().replace(b"Area Code", b"Code", 1)
    serve(httpserver, csv_body=bad)
    message = fetch_fails(httpserver, tmp_path, old_snapshot, [90362])
    assert "indicator 90362 (child area type 502 under parent area type 15)" in message
    assert "lacks column(s) 'Area Code'" in message and "unchanged" in message


def test_a_bad_row_is_quarantined_and_listed_in_the_manifest(httpserver, tmp_path, old_snapshot):
    bad = (FIXTURES / "all_data_90362_502_15.csv").read_bytes().replace(b",59.8,", b",sixty,", 1)
    serve(httpserver, csv_body=bad)
    out = fetch(httpserver, tmp_path, old_snapshot, [90362])
    [held] = load_manifest(out)["quarantined"]
    assert (held["file"], held["column"], held["found"]) == (
        "fingertips_90362.csv.gz",
        "Value",
        "sixty",
    )
    lancashire = load_snapshot(out).query("area_code == 'E10000017'")
    assert list(lancashire.sex) == ["Female"]  # the male row was left out


# --------------------------------------------------------------------------- transport
def test_second_fetch_uses_the_request_cache(httpserver, tmp_path, old_snapshot):
    serve(httpserver)
    client = client_for(httpserver, tmp_path)
    fetch_snapshot(old_snapshot, indicator_ids=[90362], client=client, progress=False)
    first = len(csv_requests(httpserver))
    fetch_snapshot(old_snapshot, indicator_ids=[90362], client=client, progress=False)
    assert len(csv_requests(httpserver)) == first == 1


def test_server_errors_are_retried_then_reported_and_old_snapshot_kept(
    httpserver, tmp_path, old_snapshot
):
    serve(httpserver, csv_status=503)
    message = fetch_fails(httpserver, tmp_path, old_snapshot, [93085])
    assert "indicator 93085 (child area type 501 under parent area type 502)" in message
    assert "3 attempt(s)" in message and "HTTP 503" in message
    assert "all_data/csv/by_indicator_id" in message and "try `make data` again" in message


def test_not_found_is_not_retried(httpserver, tmp_path, old_snapshot):
    serve(httpserver, csv_status=404)
    with pytest.raises(FetchFailed, match=r"after 1 attempt\(s\): HTTP 404"):
        fetch(httpserver, tmp_path, old_snapshot, [93085])


def test_unknown_indicator_is_named(httpserver, tmp_path, old_snapshot):
    serve(httpserver)
    with pytest.raises(FetchFailed, match="no metadata for indicator id.s. 12345"):
        fetch(httpserver, tmp_path, old_snapshot, [93085, 12345])


def test_no_network_fails_at_the_first_request_and_keeps_old_snapshot(tmp_path, old_snapshot):
    with socket.socket() as sock:  # a local port with nothing listening: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = FingertipsClient(f"http://127.0.0.1:{port}/api", cache_dir=None, backoff=0.0)
    before = snapshot_bytes(old_snapshot)
    with pytest.raises(FetchFailed, match="cannot reach the Fingertips API .* unchanged"):
        fetch_snapshot(old_snapshot, client=client, progress=False)
    assert snapshot_bytes(old_snapshot) == before


# --------------------------------------------------------------------------- a silent server
class SilentServer:
    """A local server that accepts connections and answers nothing: either every request
    (``answers=()``) or all but the paths it ``answers`` as the mock does."""

    def __init__(self, answers: tuple[str, ...] = ()) -> None:
        self.release = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path not in answers:
                    server.release.wait(30)  # never answers while the test runs
                    return
                body = (
                    (FIXTURES / "area_types.json").read_bytes()
                    if path.endswith("area_types")
                    else (FIXTURES / "indicator_metadata.json").read_bytes()
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def silent_server():
    servers = []

    def start(answers: tuple[str, ...] = ()) -> SilentServer:
        servers.append(SilentServer(answers))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_the_default_timeouts_give_up_on_a_silent_server_within_a_minute(monkeypatch):
    from hwb.data import fingertips

    monkeypatch.delenv(fingertips.TIMEOUT_ENV, raising=False)
    client = FingertipsClient(cache_dir=None)
    assert client.timeout == (fingertips.CONNECT_TIMEOUT, fingertips.READ_TIMEOUT)
    assert fingertips.worst_case_seconds() < 60
    monkeypatch.setenv(fingertips.TIMEOUT_ENV, "45")
    assert FingertipsClient(cache_dir=None).timeout[1] == 45
    monkeypatch.setenv(fingertips.TIMEOUT_ENV, "soon")
    with pytest.raises(FetchFailed, match="HWB_FINGERTIPS_TIMEOUT='soon': expected the seconds"):
        FingertipsClient(cache_dir=None)


def test_a_server_that_never_answers_the_data_requests_fails_after_the_retries(
    silent_server, tmp_path, old_snapshot, caplog
):
    server = silent_server(("/api/area_types", METADATA))
    client = FingertipsClient(server.url, cache_dir=None, backoff=0.1, read_timeout=0.5)
    before = snapshot_bytes(old_snapshot)
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="hwb.data"), pytest.raises(FetchFailed) as err:
        fetch_snapshot(old_snapshot, indicator_ids=[93085], client=client, progress=False)
    assert time.perf_counter() - started < 5  # 3 x 0.5 s and the back-off: no more
    message = str(err.value)
    assert message.startswith(
        f"the Fingertips API at {server.url}: the request for indicator 93085"
    )
    assert "failed after 3 attempt(s): no answer within 0.5s" in message and "\n" not in message
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2 and retries[0].startswith(f"the Fingertips API at {server.url}: ")
    assert snapshot_bytes(old_snapshot) == before


def test_make_data_against_a_silent_server_fails_in_one_line_naming_it(silent_server, tmp_path):
    server = silent_server()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "hwb.cli", "data", "fetch", "--quiet", "--out", str(tmp_path / "s")],
        env={**os.environ, "HWB_FINGERTIPS_API": server.url, "HWB_FINGERTIPS_TIMEOUT": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert time.perf_counter() - started < 20
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"error: cannot reach the Fingertips API at {server.url} (no answer within 1s (a slow "
        "server: set HWB_FINGERTIPS_TIMEOUT to wait longer)). Check the network or proxy "
        "settings and try again; the current data/snapshot is unchanged.\n"
    )
    assert not (tmp_path / "s").exists()
