#!/usr/bin/env python3
"""Benchmarks `grounds` against the tools a user would reach for instead.

Generates synthetic data.police.uk exports with `grounds synth`, installs
polars and DuckDB into a virtualenv, runs every contestant alternately
(median of --runs), measures wall time and peak memory with /usr/bin/time,
and writes benches/RESULTS.md. Ratios matter, not absolute times: the
machines are shared and noisy.

    python3 benches/run.py            # the full run (1.62 M and 10 M rows)
    python3 benches/run.py --quick    # a smaller smoke run
"""
import argparse
import csv
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "target"
GROUNDS = TARGET / "release" / "grounds"
VENV = TARGET / "bench-venv"
DATA = TARGET / "bench-data"
MONTH = "2019-07"  # a BST month: rows at 23:xx UTC on 30 June belong to it


def sh(*args, **kwargs):
    return subprocess.run([str(a) for a in args], check=True, **kwargs)


def measure(command, env=None):
    """Wall seconds and peak RSS (MiB) of one run."""
    with tempfile.NamedTemporaryFile("r") as stats:
        start = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", stats.name, *map(str, command)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )
        wall = time.perf_counter() - start
        rss_kib = int(stats.read().strip().splitlines()[-1])
    return wall, rss_kib / 1024


def ensure_data(name, months, rows):
    folder = DATA / name
    files = sorted(folder.glob("*.csv")) if folder.exists() else []
    if len(files) != months:
        shutil.rmtree(folder, ignore_errors=True)
        sh(GROUNDS, "synth", "--out", folder, "--start", "2017-01", "--months", months,
           "--rows-per-month", rows, "--seed", 1)
        files = sorted(folder.glob("*.csv"))
    return files


def ensure_venv():
    python = VENV / "bin" / "python"
    if not python.exists():
        sh(sys.executable, "-m", "venv", VENV)
        sh(python, "-m", "pip", "install", "--quiet", "polars", "duckdb")
    return python


def contestants(files, python, scratch):
    champions = scratch / "champions.csv"
    champions.write_text("champion\n" + "".join(f"Reviewer {i + 1}\n" for i in range(15)))
    counter = iter(range(10**9))

    def grounds():
        run = scratch / f"grounds-{next(counter)}"
        return [GROUNDS, "sample", "--month", MONTH, "--champions", champions, "--seed", "bench",
                "--db", run / "grounds.db", "--out", run / "worksheets", "--export", *files]

    def polars():
        return [python, ROOT / "benches/peers/polars_sample.py", MONTH, "42", scratch / f"polars-{next(counter)}", *files]

    def duckdb():
        return [python, ROOT / "benches/peers/duckdb_sample.py", MONTH, "42", scratch / f"duckdb-{next(counter)}", *files]

    entries = [("grounds sample", grounds), ("polars (Python)", polars), ("DuckDB (Python)", duckdb)]
    if shutil.which("xsv"):
        # xsv count takes one file: count each, one after another, as xsv would be used.
        entries.append(("xsv count (parse only)",
                        lambda: ["sh", "-c", 'for f; do xsv count "$f"; done > /dev/null', "xsv", *files]))
    entries.append(("cat (read the bytes)", lambda: ["sh", "-c", 'cat "$@" > /dev/null', "cat", *files]))
    return entries


def bench(files, runs, python):
    results = {}
    with tempfile.TemporaryDirectory(dir=TARGET) as scratch:
        entries = contestants(files, python, Path(scratch))
        for _ in range(runs):  # alternate, so drift hits everyone alike
            for name, command in entries:
                results.setdefault(name, []).append(measure(command()))
    return {name: (statistics.median(w for w, _ in r), max(m for _, m in r)) for name, r in results.items()}


def report_bench(runs):
    """`grounds report` and `grounds status` on 12 months x 15 champions x 20 assessments."""
    with tempfile.TemporaryDirectory(dir=TARGET) as scratch:
        scratch = Path(scratch)
        files = ensure_data("report-12x5000", 12, 5000)
        champions = scratch / "champions.csv"
        champions.write_text("champion\n" + "".join(f"Reviewer {i + 1}\n" for i in range(15)))
        db = scratch / "grounds.db"
        for f in files:
            month = f.name[:7]
            sh(GROUNDS, "sample", "--export", f, "--month", month, "--champions", champions,
               "--seed", "bench", "--db", db, "--out", scratch / "ws", "--reserves", 0,
               "--worksheet-format", "csv", stdout=subprocess.DEVNULL)
            fill(scratch / "ws" / month)
        sheets = sorted((scratch / "ws").glob("*/*.csv"))
        sh(GROUNDS, "import", "--db", db, *sheets, stdout=subprocess.DEVNULL)
        timings = {}
        for _ in range(runs):
            for name, command in [
                ("grounds report (table)", [GROUNDS, "report", "--db", db]),
                ("grounds report (json)", [GROUNDS, "report", "--db", db, "--format", "json"]),
                ("grounds status", [GROUNDS, "status", "--db", db]),
            ]:
                timings.setdefault(name, []).append(measure(command))
        return {name: (statistics.median(w for w, _ in r), max(m for _, m in r)) for name, r in timings.items()}


AREA_SHARES = [30, 20, 12, 10, 8, 6, 5, 4, 3, 2]  # percent of each month's searches


def with_districts(files, folder):
    """The synthetic exports with a District column: ten areas of very
    different sizes (30% down to 2%), so that the report weighs every area."""
    folder.mkdir(parents=True, exist_ok=True)
    cumulative = [sum(AREA_SHARES[: i + 1]) for i in range(len(AREA_SHARES))]
    out = []
    for f in files:
        target = folder / f.name
        if not target.exists():
            with open(f, newline="", encoding="utf-8-sig") as src, open(target, "w", newline="", encoding="utf-8") as dst:
                reader, writer = csv.reader(src), csv.writer(dst)
                writer.writerow(next(reader) + ["District"])
                for i, row in enumerate(reader):
                    slot = (i * 37) % 100
                    area = next(a for a, c in enumerate(cumulative) if slot < c)
                    writer.writerow(row + [f"Area {area + 1}"])
        out.append(target)
    return out


def design_report_bench(runs):
    """`grounds report` on 5 years x 50 champions x 20 assessments across 10
    areas of different sizes: every figure design-based over 600 strata."""
    with tempfile.TemporaryDirectory(dir=TARGET) as scratch:
        scratch = Path(scratch)
        files = with_districts(ensure_data("report-60x8000", 60, 8000), DATA / "report-60x8000-districts")
        mapping = scratch / "mapping.toml"
        mapping.write_text('[columns]\ndate = "Date"\nself_defined_ethnicity = "Self-defined ethnicity"\n'
                           'officer_defined_ethnicity = "Officer-defined ethnicity"\nlegislation = "Legislation"\n'
                           'object_of_search = "Object of search"\narea = "District"\n')
        champions = scratch / "champions.csv"
        champions.write_text("champion,area\n" + "".join(f"Reviewer {i + 1},Area {i % 10 + 1}\n" for i in range(50)))
        db = scratch / "grounds.db"
        for f in files:
            month = f.name[:7]
            sh(GROUNDS, "sample", "--export", f, "--month", month, "--champions", champions, "--columns", mapping,
               "--seed", "bench", "--db", db, "--out", scratch / "ws", "--reserves", 0,
               "--worksheet-format", "csv", stdout=subprocess.DEVNULL)
            fill(scratch / "ws" / month)
        sheets = sorted((scratch / "ws").glob("*/*.csv"))
        sh(GROUNDS, "import", "--db", db, *sheets, stdout=subprocess.DEVNULL)
        timings = {}
        for _ in range(runs):
            for name, command in [
                ("grounds report (table), 60 x 50 x 20 over 10 areas", [GROUNDS, "report", "--db", db]),
                ("grounds report (json), 60 x 50 x 20 over 10 areas",
                 [GROUNDS, "report", "--db", db, "--format", "json"]),
                ("grounds report (html), 60 x 50 x 20 over 10 areas",
                 [GROUNDS, "report", "--db", db, "--format", "html"]),
            ]:
                timings.setdefault(name, []).append(measure(command))
        return {name: (statistics.median(w for w, _ in r), max(m for _, m in r)) for name, r in timings.items()}


def fill(folder):
    verdicts = ["reasonable"] * 8 + ["not_reasonable", "insufficient_info"]
    for sheet in folder.glob("*.csv"):
        with open(sheet, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        at = {name: header.index(name) for name in header}
        for i, row in enumerate(rows[1:]):
            row[at["grounds"]] = verdicts[i % len(verdicts)]
            row[at["bwv"]] = "reviewed"
            row[at["gowisely"]] = "yes"
            row[at["conduct"]] = "good"
            row[at["referral"]] = "none"
            row[at["reviewer"]] = "bench"
            row[at["reviewed_on"]] = "2026-12-01"  # not before any benchmark month, not in the future
        with open(sheet, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)


def cpu_line():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip() + f", {os.cpu_count()} cores"
    return platform.processor()


def table(results, reference):
    ref = results[reference][0]
    lines = ["| contestant | median wall (s) | ratio to grounds | peak memory (MiB) |", "|---|---:|---:|---:|"]
    for name, (wall, rss) in results.items():
        lines.append(f"| {name} | {wall:.3f} | {wall / ref:.2f} | {rss:.0f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small inputs, 3 runs")
    parser.add_argument("--design-report-only", action="store_true",
                        help="only the design-based report benchmark (5 years x 50 champions x 10 areas)")
    args = parser.parse_args()
    if args.design_report_only:
        sh("cargo", "build", "--release", cwd=ROOT)
        for name, (wall, rss) in design_report_bench(args.runs).items():
            print(f"| {name} | {wall:.3f} | {rss:.0f} |")
        return
    runs = 3 if args.quick else args.runs
    sh("cargo", "build", "--release", cwd=ROOT)
    python = ensure_venv()
    sizes = [("36x45k", 36, 45_000)] if args.quick else [("36x45k", 36, 45_000), ("40x250k", 40, 250_000)]
    sections = []
    for name, months, rows in sizes:
        files = ensure_data(name, months, rows)
        size = sum(f.stat().st_size for f in files) / 1e6
        results = bench(files, runs, python)
        sections.append(f"### {months} files x {rows:,} rows = {months * rows / 1e6:.2f} M rows ({size:.0f} MB)\n\n"
                        + table(results, "grounds sample"))
    report = report_bench(runs)
    sections.append("### Workspace of 12 months x 15 champions x 20 assessments\n\n"
                    + "| command | median wall (s) | peak memory (MiB) |\n|---|---:|---:|\n"
                    + "\n".join(f"| {n} | {w:.3f} | {m:.0f} |" for n, (w, m) in report.items()))
    design = design_report_bench(runs)
    sections.append("### Design-based report: 5 years x 50 champions x 20 assessments across 10 areas\n\n"
                    + "| command | median wall (s) | peak memory (MiB) |\n|---|---:|---:|\n"
                    + "\n".join(f"| {n} | {w:.3f} | {m:.0f} |" for n, (w, m) in design.items()))
    text = f"""# Benchmark results

Produced by `python3 benches/run.py` on {time.strftime('%Y-%m-%d')}.
Machine: {cpu_line()}. Median of {runs} alternating runs; peak memory is the
largest maximum resident set size over the runs (`/usr/bin/time`). The job:
filter {MONTH} (Europe/London) out of monthly synthetic data.police.uk files
(`grounds synth`), draw 15 x 20 distinct searches reproducibly from a seed,
write one file per reviewer. `grounds sample` also computes record ids,
hashes every input, writes the manifest and records the draw in its
workspace. Compare ratios, not absolute times: the machine is shared.

""" + "\n\n".join(sections) + "\n"
    (ROOT / "benches" / "RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
