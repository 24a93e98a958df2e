"""The same job in DuckDB: one London month out of many files, 15 x 20
distinct searches ordered by a seeded hash, one file per reviewer."""
import sys
from pathlib import Path

import duckdb

month, seed, out, *files = sys.argv[1:]
Path(out).mkdir(parents=True, exist_ok=True)
con = duckdb.connect()
con.execute("SET TimeZone = 'Europe/London'")
file_list = ", ".join(f"'{f}'" for f in files)
con.execute(
    f"""
    CREATE TABLE drawn AS
    SELECT *, row_number() OVER () - 1 AS slot FROM (
        SELECT * FROM read_csv([{file_list}], all_varchar = true, header = true)
        WHERE strftime(CAST("Date" AS TIMESTAMPTZ), '%Y-%m') = '{month}'
        ORDER BY hash(concat_ws('|', '{seed}', "Date", "Latitude", "Longitude", "Self-defined ethnicity"))
        LIMIT 300
    )
    """
)
for reviewer in range(15):
    con.execute(
        f"COPY (SELECT * EXCLUDE (slot) FROM drawn WHERE slot % 15 = {reviewer}) "
        f"TO '{Path(out) / f'reviewer-{reviewer + 1}.csv'}' (HEADER)"
    )
