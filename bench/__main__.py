"""Run every benchmark in turn with its default arguments: ``python -m bench [NAME...]``.

Each benchmark prints its own table; docs/BENCHMARKS.md records the figures with the
exact command (some were taken with other arguments, named there). Several take minutes
on a 2-core machine; name some to run only those.
"""

from __future__ import annotations

import subprocess
import sys

BENCHES = [
    "entities",
    "events",
    "store",
    "store_write",
    "store_growth",
    "store_size",
    "ingest",
    "store_costs",
    "cold_ingest",
    "validate",
    "analytics",
    "api",
    "read_model",
    "load",
    "explore",
    "memory",
    "tables",
    "sparql_runaway",
    "long_article",
]


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(BENCHES))
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    failed = []
    for name in names or BENCHES:
        print(f"\n=== bench.{name} ===", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
