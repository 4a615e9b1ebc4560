"""The ledger's limits on values: what any entry path accepts, and why each limit is where it is.

Every way in (`ledger figure add` / `correct`, CSV and JSON Lines imports, UCDP and ACLED imports,
bundles, seeds, accepted extractions, policies' vague tables) builds a Quantity, SubCounts, a
ReportedTime or a registration, and each of those checks its values here, so no path can let a
value in that another part of the ledger cannot hold.

Counts: at most MAX_COUNT = 10^12 (a million million) people. That is over 100 times the world's
population, so no real count comes near it, yet it is well inside every type a count passes through:
Python's int (unbounded), JSON numbers read as IEEE doubles by JavaScript and most JSON tools (exact
up to 2^53 ~ 9.0 x 10^15), SQLite INTEGER and PostgreSQL JSONB numbers (exact), DuckDB and Parquet
BIGINT / INT64 (2^63 - 1 ~ 9.2 x 10^18). A count one past the limit is "more than 10^12", still
exact everywhere.

Sums: a tally adds counts up. The read model adds them as DuckDB HUGEINT (128 bits, up to 1.7 x
10^38) and keeps tally cells in HUGEINT columns (migration 155), so any number of figures at the
limit adds up without overflow (10^26 figures at the limit would be needed); Python's sums are
unbounded. A tally of up to 9,007 figures at the limit is also exact as a JSON double, and up to
9.2 million of them fit BIGINT, which is what Parquet exports write (wider sums go out as
DECIMAL(38)).

Digits: a count has at most MAX_COUNT_DIGITS digits; anything longer is a slip, and is refused
before it is converted (Python refuses to convert more than 4,300 digits at all).

Times: a report is public when it is recorded, so a reported time more than REPORTED_AHEAD past the
recording clock (time zones and clock skew) is a typing error; and no date of the ledger (occurred,
reported, published) lies past MAX_YEAR.

Keys, URLs and files: keys (incident, claimant, publisher, document) are at most MAX_KEY_LENGTH
characters; URLs must be http or https (a `javascript:` or `file:` URL in a published table is an
attack on its reader); a JSON Lines record nests at most MAX_JSON_DEPTH deep (the deepest record
the format has, a figure with its `includes`, nests 3 deep).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse

from ledger.errors import InvalidInput

MAX_COUNT = 10**12
MAX_COUNT_DIGITS = len(str(MAX_COUNT))  # 13
MAX_YEAR = 2100
MAX_TIMESTAMP = int(dt.datetime(MAX_YEAR + 1, 1, 1, tzinfo=dt.UTC).timestamp())  # Unix seconds (ACLED's timestamp)
REPORTED_AHEAD = dt.timedelta(days=2)
MAX_KEY_LENGTH = 200
MAX_URL_LENGTH = 2048
URL_SCHEMES = ("http", "https")
MAX_JSON_DEPTH = 16
MAX_NUMBER_TEXT = 40  # characters of a JSON number: a count, a coordinate or a float with an exponent fit easily

COUNT_FIX = f"counts are at most {MAX_COUNT:,} (10^12, the ledger's limit); check the number"


def check_count(what: str, value: int) -> None:
    """A count within the ledger's limit (the caller has checked it is a whole number, 0 or more)."""
    if value > MAX_COUNT:
        raise InvalidInput(f"{what}: {_shown(value)} is above the ledger's limit; {COUNT_FIX}")


def check_count_digits(what: str, digits: str) -> None:
    """Refuse a number written with more digits than any count before converting it."""
    if len(digits) > MAX_COUNT_DIGITS:
        raise InvalidInput(f"{what}: {len(digits):,} digits is longer than any count; {COUNT_FIX}")


def _shown(value: int) -> str:
    text = str(value) if value < 10**30 else f"a {len(str(value)):,}-digit number"
    return text


def check_year(what: str, when: dt.date | dt.datetime) -> None:
    if when.year > MAX_YEAR:
        raise InvalidInput(f"{what} {when.isoformat()[:10]}: after the year {MAX_YEAR}; check the year")


def check_reported(what: str, at: dt.datetime, now: dt.datetime) -> None:
    """A report is public by the time it is recorded: not more than REPORTED_AHEAD in the future."""
    if at > now + REPORTED_AHEAD:
        raise InvalidInput(
            f"{what} {at.astimezone(dt.UTC).isoformat()[:10]}: in the future (it is {now.astimezone(dt.UTC):%Y-%m-%d}); "
            "a figure is recorded after it was reported; check the year"
        )


def check_key_length(what: str, key: str) -> None:
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"{what} key {key[:40]!r}...: {len(key):,} characters; keys are at most {MAX_KEY_LENGTH}")


def check_url(what: str, url: str | None) -> None:
    """An http(s) URL, or none: a table's reader may click it."""
    if url is None or not url.strip():
        return
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput(f"{what} url {url[:40]!r}...: {len(url):,} characters; URLs are at most {MAX_URL_LENGTH}")
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme.lower() not in URL_SCHEMES or not parsed.netloc:
        raise InvalidInput(f"{what} url {url[:80]!r}: not an http(s) URL; give an address such as https://example.org/page")
