#!/usr/bin/env python3
"""Alternates `grounds report` between two or more builds on one workspace.

On a shared machine the speed of a single run moves by a quarter within the
hour; runs taken in turn see the same machine, so their medians compare.

    python3 benches/ab.py --db WORKSPACE --runs 10 --format table OLD_BINARY NEW_BINARY

A workspace for it: the one `python3 benches/run.py --design-report-only`
builds (copy it out of its temporary directory), or any real one.
"""
import argparse
import statistics
import subprocess
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the workspace (grounds.db)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--format", default="table")
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    walls = {binary: [] for binary in args.binaries}
    for _ in range(args.runs):
        for binary in args.binaries:
            start = time.perf_counter()
            subprocess.run([binary, "report", "--db", args.db, "--format", args.format],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            walls[binary].append(time.perf_counter() - start)
    for binary, runs in walls.items():
        print(f"{binary}: median {statistics.median(runs) * 1000:.0f} ms, fastest {min(runs) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
