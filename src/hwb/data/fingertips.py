"""The live client: build a new snapshot from the OHID Fingertips API (``make data``).

Plain HTTP with ``requests`` (already pinned) rather than OHID's ``fingertips_py``: we need
three endpoints only, and we need control that the wrapper does not give — connect/read
timeouts, retries with backoff, a fail-fast first request, a request cache, and the raw
CSV bytes in the download layout the loader validates — without another dependency.

Flow: one cheap request (``/api/area_types``) with a short connect timeout, so with no
network the command fails within seconds; indicator metadata for the catalogue's ids; then
``/api/all_data/csv/by_indicator_id`` in batches of at most 100 ids (the server silently
drops ids beyond 100), always with ``include_sortable_time_periods=yes`` as OHID's own R
client sends. Indicators published for districts are asked for as districts (child area
type 501) under their county (parent type 502), so "Compared to" means district against
England and district against county; the others as counties & UAs (502) under England (15).

What the server sends (fingertips-open's CSV writer; OHID's fingertipsR): per time period,
England's rows (empty parent), then one row per parent-type area (parent England), then
the child rows. A unitary authority is its own parent under type 502, so it comes twice
(as a parent-type row and as a child row); under parent type 15 England itself comes
twice. Per area and period one row is kept: a parent-type row (parent England) is dropped
when the same area has another row; a county, which has no child row, keeps its own. The
23rd header names the parent type ("Compared to percentiles" under England, "Compared to
<parent type> value or percentiles" otherwise); every column is read by its header, and
the merged file is written in the project's 27-column layout, so only a real England or
Region comparison lands in those slots. A header-only answer (no data for that indicator at
that area type, or an id Fingertips does not know) is recorded in the manifest's
``no_data`` list and no file is written for it.

Everything is written to a temporary folder beside the target, validated with the loader,
and only then swapped in; on any failure the old snapshot is untouched and the message
says what failed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from hwb import paths
from hwb.data import schema, small_areas, snapshot
from hwb.errors import DataInvalid, FetchFailed, HwbError

log = logging.getLogger("hwb.data")

API_BASE = os.environ.get("HWB_FINGERTIPS_API", snapshot.FINGERTIPS_API)
DISTRICTS_AREA_TYPE = 501  # Districts & UAs (from Apr 2023)
COUNTIES_AREA_TYPE = 502  # Counties & UAs (from Apr 2023)
ENGLAND_AREA_TYPE = 15
ENGLAND_CODE = "E92000001"
DISTRICT_REQUEST = (DISTRICTS_AREA_TYPE, COUNTIES_AREA_TYPE)  # districts under their county
COUNTY_REQUEST = (COUNTIES_AREA_TYPE, ENGLAND_AREA_TYPE)  # counties & UAs under England
AREA_TYPE_NAMES = {
    DISTRICTS_AREA_TYPE: "Districts & UAs (from Apr 2023)",
    COUNTIES_AREA_TYPE: "Counties & UAs (from Apr 2023)",
    ENGLAND_AREA_TYPE: "England",
}
MAX_IDS_PER_REQUEST = 100  # the server caps indicator_ids at 100 and drops the rest silently
DATA_ENDPOINT = "all_data/csv/by_indicator_id"
METADATA_ENDPOINT = "indicator_metadata/by_indicator_id"
NO_DATA_REASON = "no data at this area type"
# The comparison slots of the 27-column layout, filled only from a column of that header.
ENGLAND_COMPARISON = "Compared to England value or percentiles"
REGION_COMPARISON = "Compared to Region value or percentiles"
CONNECT_TIMEOUT = 4.0
# Seconds to wait for the server's next bytes (requests' read timeout): a server that
# accepts and never answers fails each attempt after this long, and a request after
# ATTEMPTS of them (worst_case_seconds: under a minute). HWB_FINGERTIPS_TIMEOUT overrides it
# for a slow but working server.
READ_TIMEOUT = 12.0
TIMEOUT_ENV = "HWB_FINGERTIPS_TIMEOUT"
ATTEMPTS = 3
BACKOFF = 1.0  # seconds, doubled after each failed attempt


def default_read_timeout() -> float:
    """:data:`READ_TIMEOUT`, or the seconds ``HWB_FINGERTIPS_TIMEOUT`` gives."""
    given = os.environ.get(TIMEOUT_ENV, "").strip()
    if not given:
        return READ_TIMEOUT
    try:
        seconds = float(given)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < 3600:
        raise FetchFailed(
            f"{TIMEOUT_ENV}={given!r}: expected the seconds to wait for the Fingertips API's "
            f"answer, more than 0 and under 3600 (default {READ_TIMEOUT:g})"
        )
    return seconds


def worst_case_seconds(
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
) -> float:
    """The longest one request can take against a server that never answers: every attempt
    waits out its timeouts, with the back-off between attempts."""
    waits = sum(backoff * 2**i for i in range(attempts - 1))
    return attempts * (connect_timeout + read_timeout) + waits


CACHE_MAX_AGE = 24 * 3600
USER_AGENT = "lancashire-hwb-evidence-book (+https://fingertips.phe.org.uk terms: OGL v3)"


class FingertipsClient:
    """A small, polite Fingertips API client: timeouts, retries with backoff, a disk cache."""

    def __init__(
        self,
        base: str | None = None,
        *,
        cache_dir: Path | None = None,
        attempts: int = ATTEMPTS,
        backoff: float = BACKOFF,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float | None = None,
    ):
        self.base = (base or API_BASE).rstrip("/")
        self.cache_dir = cache_dir if cache_dir is not None else paths.DATA / "cache" / "fingertips"
        self.attempts, self.backoff = attempts, backoff
        self.timeout = (connect_timeout, read_timeout or default_read_timeout())
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    # ---- endpoints
    def check_reachable(self) -> None:
        """One quick request, no retries: fail within seconds when there is no network."""
        url = f"{self.base}/area_types"
        try:
            response = self.session.get(url, timeout=self.timeout)
            response.raise_for_status()
        except requests.RequestException as exc:
            raise FetchFailed(
                f"cannot reach the Fingertips API at {self.base} ({_reason(exc, self.timeout)}). "
                "Check the network or proxy settings and try again; the current data/snapshot is "
                "unchanged."
            ) from exc

    def indicator_metadata(self, indicator_ids: Iterable[int]) -> dict[str, Any]:
        """Fingertips metadata keyed by indicator id (string keys, as the API returns).

        Asked for in batches of at most 100 ids, as the API caps the list.
        """
        merged: dict[str, Any] = {}
        for batch in batched(indicator_ids):
            ids = ",".join(str(i) for i in batch)
            what = f"indicator metadata for {_ids_text(batch)}"
            data = self._get(METADATA_ENDPOINT, {"indicator_ids": ids}, what=what)
            try:
                answer = json.loads(data.decode("utf-8-sig"))
            except ValueError as exc:
                raise FetchFailed(
                    f"{what} from {self.base}/{METADATA_ENDPOINT} is not JSON ({exc}); the API may "
                    "be down or changed. The current data/snapshot is unchanged; try `make data` later."
                ) from exc
            if isinstance(answer, dict):
                merged.update(answer)
        return merged

    def indicator_csv(
        self, indicator_ids: Sequence[int], child_area_type: int, parent_area_type: int
    ) -> bytes:
        """All data for up to 100 indicators: child area type under parent area type, as CSV."""
        ids = [int(i) for i in indicator_ids]
        if not 0 < len(ids) <= MAX_IDS_PER_REQUEST:
            raise ValueError(
                f"{len(ids)} indicator ids in one request; Fingertips takes 1 to "
                f"{MAX_IDS_PER_REQUEST} (use batched())"
            )
        params = {
            "indicator_ids": ",".join(map(str, ids)),
            "child_area_type_id": str(child_area_type),
            "parent_area_type_id": str(parent_area_type),
            "include_sortable_time_periods": "yes",
        }
        return self._get(
            DATA_ENDPOINT, params, what=_request_text(ids, child_area_type, parent_area_type)
        )

    # ---- transport
    def _get(self, endpoint: str, params: dict[str, str], *, what: str) -> bytes:
        url = f"{self.base}/{endpoint}"
        cached = self._cache_path(url, params)
        if (
            cached is not None
            and cached.is_file()
            and time.time() - cached.stat().st_mtime < CACHE_MAX_AGE
        ):
            return cached.read_bytes()
        problem = ""
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                problem = _reason(exc, self.timeout)
            else:
                if response.status_code == 200:
                    if cached is not None:
                        cached.parent.mkdir(parents=True, exist_ok=True)
                        tmp = cached.with_suffix(".part")
                        tmp.write_bytes(response.content)
                        tmp.replace(cached)
                    return response.content
                problem = f"HTTP {response.status_code}"
                if response.status_code not in (429, 500, 502, 503, 504):
                    break
            if attempt < self.attempts:
                delay = self.backoff * 2 ** (attempt - 1)
                log.warning(
                    "the Fingertips API at %s: %s for %s; retrying in %gs (attempt %d of %d)",
                    self.base,
                    problem,
                    what,
                    delay,
                    attempt + 1,
                    self.attempts,
                )
                time.sleep(delay)
        raise FetchFailed(
            f"the Fingertips API at {self.base}: the request for {what} failed after {attempt} "
            f"attempt(s): {problem} ({url}). The current data/snapshot is unchanged; try "
            "`make data` again later."
        )

    def _cache_path(self, url: str, params: dict[str, str]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = url + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        return Path(self.cache_dir) / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".bin")


def _reason(exc: BaseException, timeout: tuple[float, float]) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return f"no connection within {timeout[0]:g}s"
    if isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower():
        return (  # a read timeout (while reading the body, requests calls it a ConnectionError)
            f"no answer within {timeout[1]:g}s (a slow server: set {TIMEOUT_ENV} to wait longer)"
        )
    if isinstance(exc, requests.ConnectionError):
        return "no connection"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


def batched(ids: Iterable[int], size: int = MAX_IDS_PER_REQUEST) -> Iterator[list[int]]:
    """``ids`` in order, in lists of at most ``size`` (the API's cap on ``indicator_ids``)."""
    batch: list[int] = []
    for iid in ids:
        batch.append(int(iid))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ids_text(ids: Sequence[int]) -> str:
    shown = ", ".join(map(str, ids[:10])) + (f" … ({len(ids)} ids)" if len(ids) > 10 else "")
    return f"indicator{'s' if len(ids) > 1 else ''} {shown}"


def _request_text(ids: Sequence[int], child: int, parent: int) -> str:
    return f"{_ids_text(ids)} (child area type {child} under parent area type {parent})"


# --------------------------------------------------------------------------- reading a download
@dataclass
class Download:
    """One ``all_data/csv`` answer, read by header name: the header and one dict per row."""

    what: str
    header: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def comparisons_not_kept(self) -> list[str]:
        """The comparison headers with no slot in the 27-column layout.

        "Compared to percentiles" (parent type England), or "Compared to <parent type>
        value or percentiles" for a parent type other than Region.
        """
        return [
            h
            for h in self.header
            if h.startswith("Compared to")
            and h not in (ENGLAND_COMPARISON, REGION_COMPARISON, "Compared to goal")
        ]


def read_download(data: bytes, what: str) -> Download:
    """Parse a CSV download by its header names; raise FetchFailed if it is not one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FetchFailed(
            f"Fingertips sent something other than UTF-8 CSV for {what} (byte {exc.start}) from "
            f"{DATA_ENDPOINT}; the API may be down or changed. The current data/snapshot is "
            "unchanged; try `make data` later."
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        records = [row for row in reader if row and any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise FetchFailed(
            f"the Fingertips download for {what} from {DATA_ENDPOINT} is not valid CSV ({exc}). "
            "The current data/snapshot is unchanged; try `make data` later."
        ) from exc
    missing = [h for h in schema.REQUIRED_HEADERS if h not in header]
    if missing:
        raise FetchFailed(
            f"the Fingertips download for {what} from {DATA_ENDPOINT} lacks column(s) "
            f"{', '.join(repr(m) for m in missing)}, so it is not the CSV data-download layout "
            "this client reads (the API may have changed). The current data/snapshot is "
            "unchanged; report it, or check the API at https://fingertips.phe.org.uk/api."
        )
    rows = []
    for number, record in enumerate(records, start=2):
        if len(record) > len(header):
            raise FetchFailed(
                f"the Fingertips download for {what}: record {number} has {len(record)} fields "
                f"but the header has {len(header)}; the file looks damaged. The current "
                "data/snapshot is unchanged; try `make data` again."
            )
        record = record + [""] * (len(header) - len(record))
        rows.append(dict(zip(header, record, strict=False)))
    return Download(what, header, rows)


def _row_key(row: dict[str, str]) -> tuple[str, ...]:
    """Indicator, area, sex, age, category and period: one row of the snapshot per key."""
    return tuple(
        row.get(h, "").strip()
        for h, tidy in schema.FINGERTIPS_COLUMNS.items()
        if tidy in schema.ROW_KEY
    )


def one_row_per_area(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Drop the repeats the server writes, keeping server order.

    A parent-type row (parent England) repeats an area that also has another row for the
    same indicator, sex, age, category and period: England's second row under parent type
    15, or a unitary authority's parent-type row under parent type 502 (its child row, with
    itself as parent, is kept). A county has no child row, so its parent-type row stays.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(_row_key(row), []).append(index)
    dropped: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        repeats = [i for i in members if rows[i].get("Parent Code", "").strip() == ENGLAND_CODE]
        if len(repeats) == len(members):
            repeats = repeats[1:]
        dropped.update(repeats)
    return [row for index, row in enumerate(rows) if index not in dropped]


def layout_27_bytes(rows: list[dict[str, str]]) -> bytes:
    """Rows in the project's 27-column layout, each cell taken from the header of that name.

    A "Compared to percentiles" or "Compared to <parent type> value or percentiles"
    column has no slot here, so it is not written; the England and Region slots hold only
    a column of exactly that header. UTF-8 without a byte-order mark, "\\n" line ends.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(schema.LAYOUT_27)
    for row in rows:
        writer.writerow([row.get(h, "") for h in schema.LAYOUT_27])
    return out.getvalue().encode("utf-8")


def merge_downloads(downloads: list[tuple[bytes, str]]) -> bytes:
    """Merge CSV downloads (bytes, description) into one 27-column file, one row per area."""
    rows = [row for data, what in downloads for row in read_download(data, what).rows]
    return layout_27_bytes(one_row_per_area(rows))


# --------------------------------------------------------------------------- the command
@dataclass
class _Fetched:
    """What the downloads gave: rows per indicator, and what each request was."""

    rows: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    area_types: dict[int, tuple[int, int]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)


def _plan(ids: list[int], catalogue) -> dict[tuple[int, int], list[int]]:
    """Which (child, parent) area-type pair each indicator is asked for, in catalogue order."""
    plan: dict[tuple[int, int], list[int]] = {DISTRICT_REQUEST: [], COUNTY_REQUEST: []}
    for iid in ids:
        district_level = (
            bool(catalogue.loc[iid, "district_level"]) if iid in catalogue.index else True
        )
        plan[DISTRICT_REQUEST if district_level else COUNTY_REQUEST].append(iid)
    return {pair: group for pair, group in plan.items() if group}


def _download(
    client: FingertipsClient, plan: dict[tuple[int, int], list[int]], progress: bool
) -> _Fetched:
    from tqdm import tqdm

    fetched = _Fetched()
    work = [(pair, batch) for pair, group in plan.items() for batch in batched(group)]
    for (child, parent), batch in tqdm(
        work, desc="Fingertips requests", unit="request", disable=not progress
    ):
        what = _request_text(batch, child, parent)
        download = read_download(client.indicator_csv(batch, child, parent), what)
        wanted = {str(i) for i in batch}
        by_id: dict[int, list[dict[str, str]]] = {iid: [] for iid in batch}
        for row in download.rows:
            iid = row["Indicator ID"].strip()
            if iid in wanted:
                by_id[int(iid)].append(row)
        for iid, rows in by_id.items():
            fetched.rows[iid] = one_row_per_area(rows)
            fetched.area_types[iid] = (child, parent)
        fetched.requests.append(
            {
                "indicator_ids": batch,
                "child_area_type_id": child,
                "parent_area_type_id": parent,
                "comparisons_not_kept": download.comparisons_not_kept,
            }
        )
    return fetched


def fetch_snapshot(
    out: Path | str | None = None,
    *,
    indicator_ids: Iterable[int] | None = None,
    client: FingertipsClient | None = None,
    progress: bool = True,
    today: dt.date | None = None,
) -> Path:
    """Build a new snapshot from the Fingertips API into ``out`` (default data/snapshot).

    One file per indicator with data; an indicator whose download is header-only is listed
    under ``no_data`` in the manifest instead. Raises :class:`FetchFailed` saying what
    failed (also when no indicator has any data); ``out`` is then exactly as it was.
    """
    from hwb.data.catalogue import fingertips_ids, load_catalogue
    from hwb.data.load import load_snapshot

    target = Path(out) if out is not None else paths.SNAPSHOT
    client = client or FingertipsClient()
    catalogue = load_catalogue()
    # the catalogue's project ids (indicators Fingertips does not publish) are not asked for
    ids = [int(i) for i in (indicator_ids if indicator_ids is not None else fingertips_ids())]

    client.check_reachable()
    metadata = client.indicator_metadata(ids)
    unknown = [i for i in ids if str(i) not in metadata]
    if unknown:
        raise FetchFailed(
            f"Fingertips has no metadata for indicator id(s) {', '.join(map(str, unknown))} "
            f"({client.base}/{METADATA_ENDPOINT}); fix or remove them in {paths.CATALOGUE}. "
            "The current data/snapshot is unchanged."
        )

    fetched = _download(client, _plan(ids, catalogue), progress)
    no_data = [iid for iid in ids if not fetched.rows[iid]]
    if len(no_data) == len(ids):
        asked = "; ".join(
            f"{_ids_text(r['indicator_ids'])} as area type {r['child_area_type_id']} under "
            f"{r['parent_area_type_id']}"
            for r in fetched.requests
        )
        raise FetchFailed(
            f"Fingertips returned only a header, no data, for every indicator asked for ({asked}) "
            f"from {client.base}/{DATA_ENDPOINT}. Check the ids and `district_level` in "
            f"{paths.CATALOGUE} against https://fingertips.phe.org.uk; the current data/snapshot "
            "is unchanged."
        )
    for iid in no_data:
        child, parent = fetched.area_types[iid]
        log.warning(
            "Fingertips has no data for indicator %s as area type %s under %s (header only); "
            "recorded under no_data in the manifest",
            iid,
            child,
            parent,
        )

    with snapshot.staging_folder(target) as staging:
        entries, quarantined = [], []
        for iid in ids:
            if iid in no_data:
                continue
            name = snapshot.indicator_file_name(iid)
            path = staging / name
            path.write_bytes(snapshot.gzip_bytes(layout_27_bytes(fetched.rows[iid])))
            try:
                frame = load_snapshot(path)
            except DataInvalid as exc:
                child, parent = fetched.area_types[iid]
                raise FetchFailed(
                    f"the Fingertips download for {_request_text([iid], child, parent)} from "
                    f"{client.base}/{DATA_ENDPOINT} failed validation: {exc} The current "
                    f"data/snapshot is unchanged; remove the indicator from {paths.CATALOGUE} "
                    "or report the fault to OHID."
                ) from exc
            for finding in frame.attrs.get("quarantined", []):
                log.warning("quarantined: %s", finding)
                quarantined.append(dict(finding))
            entries.append(snapshot.describe_file(path, frame))
        kept, not_kept = small_areas.carry_over(target, staging)  # wards etc.: not from the API
        entries += kept
        manifest = _manifest(
            ids,
            metadata,
            entries,
            today or dt.date.today(),
            api_base=client.base,
            fetched=fetched,
            no_data=no_data,
            quarantined=quarantined,
        )
        if not_kept:
            log.warning("small-area files not kept: %s", not_kept)
            manifest["small_areas_not_kept"] = not_kept
        snapshot.write_manifest(staging, manifest)
        try:
            load_snapshot(staging)
        except HwbError as exc:
            raise FetchFailed(
                f"the new snapshot failed validation: {exc} The current data/snapshot is unchanged."
            ) from exc
        snapshot.replace_folder(staging, target)
    return target


def _manifest(
    ids: list[int],
    metadata: dict[str, Any],
    files: list[dict[str, Any]],
    day: dt.date,
    *,
    api_base: str,
    fetched: _Fetched,
    no_data: list[int],
    quarantined: list[dict[str, Any]],
) -> dict[str, Any]:
    names = {}
    for iid in ids:
        descriptive = (metadata.get(str(iid)) or {}).get("Descriptive") or {}
        names[iid] = descriptive.get("Name", "")
    ranges = {
        iid: sorted({r.get("Time period range", "").strip() for r in rows} - {""})
        for iid, rows in fetched.rows.items()
        if rows
    }
    manifest: dict[str, Any] = {
        "schema_version": 1,
        "synthetic": False,
        "title": "OHID Fingertips data snapshot",
        "source": {
            "name": "OHID Fingertips API",
            "api_base": api_base,
            "endpoint": DATA_ENDPOINT,
            "query": {"include_sortable_time_periods": "yes"},
            "indicator_ids": ids,
            "indicator_names": names,
            "area_types": dict(AREA_TYPE_NAMES),
            "requests": fetched.requests,
            "rows_kept": (
                "one per area, sex, age, category and period: England's repeated row and a "
                "unitary authority's parent-type row are dropped"
            ),
            "comparisons": (
                f"'{ENGLAND_COMPARISON}' as published; '{REGION_COMPARISON}' only from a "
                "column of that header (parent type Region), else empty; other parent "
                "comparisons (requests: comparisons_not_kept) have no slot in the 27-column layout"
            ),
            "time_period_ranges": {iid: r for iid, r in ranges.items() if r},
            "command": "make data",
        },
        "date_fetched": day.isoformat(),
        "licence": snapshot.OGL_LICENCE,
        "licence_url": snapshot.OGL_URL,
        "attribution": snapshot.FINGERTIPS_ATTRIBUTION,
        "no_data": [
            {
                "indicator_id": iid,
                "child_area_type_id": fetched.area_types[iid][0],
                "parent_area_type_id": fetched.area_types[iid][1],
                "reason": NO_DATA_REASON,
            }
            for iid in no_data
        ],
        "files": files,
    }
    if quarantined:
        manifest["quarantined"] = quarantined
    return manifest
