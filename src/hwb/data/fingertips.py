"""The live client: build a new snapshot from the OHID Fingertips API (``make data``).

Plain HTTP with ``requests`` (already pinned) rather than OHID's ``fingertips_py``: we need
three endpoints only, and we need control that the wrapper does not give — connect/read
timeouts, retries with backoff, a fail-fast first request, a request cache, and the raw
CSV bytes in the download layout the loader validates — without another dependency.

Flow: one cheap request (``/api/area_types``) with a short connect timeout, so with no
network the command fails within seconds; indicator metadata for the catalogue's ids;
then, per indicator, ``/api/all_data/csv/by_indicator_id`` for all English districts
(area type 501) and counties & UAs (502) under England, merged into one file per
indicator. Everything is written to a temporary folder beside the target, validated with
the loader, and only then swapped in; on any failure the old snapshot is untouched and
the message says what failed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import requests

from hwb import paths
from hwb.data import schema, snapshot
from hwb.errors import DataInvalid, FetchFailed, HwbError

log = logging.getLogger("hwb.data")

API_BASE = os.environ.get("HWB_FINGERTIPS_API", snapshot.FINGERTIPS_API)
DISTRICTS_AREA_TYPE = 501  # Districts & UAs (from Apr 2023)
COUNTIES_AREA_TYPE = 502  # Counties & UAs (from Apr 2023)
ENGLAND_AREA_TYPE = 15
CONNECT_TIMEOUT = 4.0
READ_TIMEOUT = 180.0
ATTEMPTS = 3
BACKOFF = 2.0  # seconds, doubled after each failed attempt
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
        read_timeout: float = READ_TIMEOUT,
    ):
        self.base = (base or API_BASE).rstrip("/")
        self.cache_dir = cache_dir if cache_dir is not None else paths.DATA / "cache" / "fingertips"
        self.attempts, self.backoff = attempts, backoff
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    # ---- endpoints
    def check_reachable(self) -> None:
        """One quick request, no retries: fail within seconds when there is no network."""
        url = f"{self.base}/area_types"
        try:
            response = self.session.get(url, timeout=(self.timeout[0], 20.0))
            response.raise_for_status()
        except requests.RequestException as exc:
            raise FetchFailed(
                f"cannot reach the Fingertips API at {self.base} ({_reason(exc)}). Check the network or "
                "proxy settings and try again; the current data/snapshot is unchanged."
            ) from exc

    def indicator_metadata(self, indicator_ids: Iterable[int]) -> dict[str, Any]:
        """Fingertips metadata keyed by indicator id (string keys, as the API returns)."""
        ids = ",".join(str(i) for i in indicator_ids)
        data = self._get(
            "indicator_metadata/by_indicator_id", {"indicator_ids": ids}, what="indicator metadata"
        )
        try:
            import json

            return json.loads(data.decode("utf-8-sig"))
        except ValueError as exc:
            raise FetchFailed(f"indicator metadata from {self.base} is not JSON ({exc}).") from exc

    def indicator_csv(self, indicator_id: int, child_area_type: int) -> bytes:
        """All data for one indicator and child area type under England, in the CSV download layout."""
        params = {
            "indicator_ids": str(indicator_id),
            "child_area_type_id": str(child_area_type),
            "parent_area_type_id": str(ENGLAND_AREA_TYPE),
        }
        return self._get(
            "all_data/csv/by_indicator_id",
            params,
            what=f"indicator {indicator_id}, area type {child_area_type}",
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
                problem = _reason(exc)
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
                log.info("Fingertips %s: %s; retrying in %.0fs", what, problem, delay)
                time.sleep(delay)
        raise FetchFailed(
            f"Fingertips request for {what} failed after {attempt} attempt(s): {problem} ({url}). "
            "The current data/snapshot is unchanged; try `make data` again later."
        )

    def _cache_path(self, url: str, params: dict[str, str]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = url + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        return Path(self.cache_dir) / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".bin")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.ConnectionError):
        return "no connection"
    if isinstance(exc, requests.Timeout):
        return "the server took too long to answer"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


# --------------------------------------------------------------------------- merging
def _rows(data: bytes, what: str) -> tuple[list[str], list[list[str]]]:
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or "Indicator ID" not in [h.strip() for h in header]:
        raise FetchFailed(
            f"Fingertips returned something other than a CSV data download for {what}."
        )
    return [h.strip() for h in header], [row for row in reader if row]


def merge_downloads(downloads: list[tuple[bytes, str]]) -> bytes:
    """Merge CSV downloads of one indicator into one file in the 27-column layout.

    Columns are matched by name (the two "Compared to …" columns by position, as their
    names vary by parent type); a row already seen (same indicator, area, sex, age,
    category and period — England and unitary authorities come in both area types) is
    kept once.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(schema.LAYOUT_27)
    seen: set[tuple[str, ...]] = set()
    key_headers = [h for h, tidy in schema.FINGERTIPS_COLUMNS.items() if tidy in schema.ROW_KEY]
    for data, what in downloads:
        header, rows = _rows(data, what)
        compared = [
            i
            for i, h in enumerate(header)
            if h.startswith("Compared to") and h != "Compared to goal"
        ]
        for number, row in enumerate(rows, start=2):
            if len(row) > len(header):
                raise FetchFailed(
                    f"Fingertips download for {what}: record {number} has {len(row)} fields but the header "
                    f"has {len(header)}; the file looks damaged. The current data/snapshot is unchanged."
                )
            row = row + [""] * (len(header) - len(row))
            cells = dict(zip(header, row))
            for slot, index in zip(schema.LAYOUT_27[21:23], compared):
                cells[slot] = row[index]
            key = tuple(cells.get(h, "").strip() for h in key_headers)
            if key in seen:
                continue
            seen.add(key)
            writer.writerow([cells.get(h, "") for h in schema.LAYOUT_27])
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- the command
def fetch_snapshot(
    out: Path | str | None = None,
    *,
    indicator_ids: Iterable[int] | None = None,
    client: FingertipsClient | None = None,
    progress: bool = True,
    today: dt.date | None = None,
) -> Path:
    """Build a new snapshot from the Fingertips API into ``out`` (default data/snapshot).

    Raises :class:`FetchFailed` saying what failed; ``out`` is then exactly as it was.
    """
    from tqdm import tqdm

    from hwb.data.catalogue import load_catalogue
    from hwb.data.load import load_snapshot

    target = Path(out) if out is not None else paths.SNAPSHOT
    client = client or FingertipsClient()
    catalogue = load_catalogue()
    ids = [int(i) for i in (indicator_ids if indicator_ids is not None else catalogue.index)]

    client.check_reachable()
    metadata = client.indicator_metadata(ids)
    unknown = [i for i in ids if str(i) not in metadata]
    if unknown:
        raise FetchFailed(
            f"Fingertips has no metadata for indicator id(s) {', '.join(map(str, unknown))}; "
            f"fix or remove them in {paths.CATALOGUE}. The current data/snapshot is unchanged."
        )

    with snapshot.staging_folder(target) as staging:
        files = []
        for iid in tqdm(ids, desc="Fingertips indicators", unit="indicator", disable=not progress):
            district_level = (
                bool(catalogue.loc[iid, "district_level"]) if iid in catalogue.index else True
            )
            area_types = (
                [DISTRICTS_AREA_TYPE, COUNTIES_AREA_TYPE]
                if district_level
                else [COUNTIES_AREA_TYPE]
            )
            downloads = [
                (client.indicator_csv(iid, t), f"indicator {iid}, area type {t}")
                for t in area_types
            ]
            name = snapshot.indicator_file_name(iid)
            (staging / name).write_bytes(snapshot.gzip_bytes(merge_downloads(downloads)))
            files.append(name)
        entries = []
        for name in files:
            try:
                frame = load_snapshot(staging / name)
            except DataInvalid as exc:
                raise FetchFailed(f"the Fingertips download failed validation: {exc}") from exc
            entries.append(snapshot.describe_file(staging / name, frame))
        snapshot.write_manifest(
            staging, _manifest(ids, metadata, entries, today or dt.date.today())
        )
        try:
            load_snapshot(staging)
        except HwbError as exc:
            raise FetchFailed(f"the new snapshot failed validation: {exc}") from exc
        snapshot.replace_folder(staging, target)
    return target


def _manifest(
    ids: list[int], metadata: dict[str, Any], files: list[dict[str, Any]], day: dt.date
) -> dict[str, Any]:
    names = {}
    for iid in ids:
        descriptive = (metadata.get(str(iid)) or {}).get("Descriptive") or {}
        names[iid] = descriptive.get("Name", "")
    return {
        "schema_version": 1,
        "synthetic": False,
        "title": "OHID Fingertips data snapshot",
        "source": {
            "name": "OHID Fingertips API",
            "api_base": API_BASE,
            "endpoint": "all_data/csv/by_indicator_id",
            "indicator_ids": ids,
            "indicator_names": names,
            "area_types": {
                DISTRICTS_AREA_TYPE: "Districts & UAs (from Apr 2023)",
                COUNTIES_AREA_TYPE: "Counties & UAs (from Apr 2023)",
                ENGLAND_AREA_TYPE: "England",
            },
            "command": "make data",
        },
        "date_fetched": day.isoformat(),
        "licence": snapshot.OGL_LICENCE,
        "licence_url": snapshot.OGL_URL,
        "attribution": snapshot.FINGERTIPS_ATTRIBUTION,
        "files": files,
    }
