"""The job `grounds sample` does, as an analyst would write it in polars:
filter one Europe/London month out of many monthly files, draw 15 x 20
distinct searches reproducibly from a seed, write one file per reviewer."""
import sys
from pathlib import Path

import polars as pl

month, seed, out, *files = sys.argv[1:]
year, mon = map(int, month.split("-"))
frame = (
    pl.scan_csv(files, infer_schema=False)
    .with_columns(
        pl.col("Date")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False)
        .dt.convert_time_zone("Europe/London")
        .alias("local")
    )
    .filter((pl.col("local").dt.year() == year) & (pl.col("local").dt.month() == mon))
    .drop("local")
    .collect()
)
sample = frame.sample(n=15 * 20, seed=int(seed), shuffle=True)
Path(out).mkdir(parents=True, exist_ok=True)
for reviewer in range(15):
    sample[reviewer::15].write_csv(Path(out) / f"reviewer-{reviewer + 1}.csv")
