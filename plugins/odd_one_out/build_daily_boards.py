"""Deal the daily groups boards ahead and ship them (``daily_boards.json.gz``).

Every home would otherwise deal each day since the epoch on its first daily board (each day
avoids the categories of the 60 before it, so days chain): tens of seconds, more every month.
The shipped file holds the same boards any home deals for the same category pool (the pool's
fingerprint is in the file; another pool ignores it). Rebuild after the Connections tables'
pool changes::

    python -m textseq_plugins.odd_one_out.build_daily_boards --until 2028-12-31
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import sys


def main(argv: list[str] | None = None) -> int:
    from textseq_plugins.odd_one_out.connections.pool import CategoryPool
    from textseq_plugins.odd_one_out.connections.tables import Tables
    from textseq_plugins.odd_one_out.daily import SHIPPED_BOARDS
    from textseq_plugins.odd_one_out.schedule import EPOCH, DailySchedule, pool_fingerprint

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--until", default="2028-12-31", help="last day to deal (YYYY-MM-DD)")
    parser.add_argument("--out", default=str(SHIPPED_BOARDS))
    parser.add_argument("--tables", default=None,
                        help="a connections-tables folder (default: the shipped one)")
    args = parser.parse_args(argv)
    until = dt.date.fromisoformat(args.until)
    from textseq_tui.plugin import package_dir

    pool = CategoryPool.load(Tables(args.tables or
                                    package_dir("textseq_models") / "connections-tables"))
    saved: dict = {}
    schedule = DailySchedule(pool, saved=saved)
    days = (until - EPOCH).days + 1
    schedule.board(until, progress=lambda k, n: print(f"\rday {k} of {n}", end="",
                                                     file=sys.stderr))
    print(file=sys.stderr)
    data = {"pool": pool_fingerprint(pool), "epoch": EPOCH.isoformat(), "days": saved}
    blob = gzip.compress(json.dumps(data, sort_keys=True, separators=(",", ":")).encode(),
                         mtime=0)
    from textseq_tui.plugin import atomic_write_bytes

    atomic_write_bytes(args.out, blob)
    print(f"{days} days, {len(blob) / 1e3:.0f} KB -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
