#!/usr/bin/env python3
"""Fills a grounds workbook the way a champion would, with openpyxl: an .xlsx
writer independent of the one grounds uses (tests/all/workbook_office.rs).

usage: fill_workbook.py IN.xlsx OUT.xlsx SPEC.json

SPEC: {"sheet": NAME,
       "cells": [{"cell": "D2", "text": "reasonable"}
                 | {"cell": "L2", "date": "2018-11-02"}      (a real date cell)
                 | {"cell": "L3", "number": 43406}],         (a plain number)
       "clear_rows": [5],                                   (every cell emptied)
       "extra_sheet_first": "Notes",                        (a sheet put before ours)
       "rename_sheet": "Sheet1"}                            (ours renamed)
"""
import datetime
import json
import sys

import openpyxl


def main(source, target, spec_path):
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    book = openpyxl.load_workbook(source)
    sheet = book[spec["sheet"]]
    for fill in spec["cells"]:
        cell = sheet[fill["cell"]]
        if "text" in fill:
            cell.value = fill["text"]
        elif "date" in fill:
            cell.value = datetime.date.fromisoformat(fill["date"])
            cell.number_format = "DD/MM/YYYY"
        elif "number" in fill:
            cell.value = fill["number"]
            cell.number_format = "General"
        else:
            raise SystemExit(f"nothing to fill in {fill}")
    for row in spec.get("clear_rows", []):
        for cell in sheet[row]:
            cell.value = None
    extra = spec.get("extra_sheet_first")
    if extra:
        notes = book.create_sheet(extra, 0)
        notes["A1"] = "record_id? no: a champion's own notes sheet"
        notes["B2"] = 42
    if spec.get("rename_sheet"):
        sheet.title = spec["rename_sheet"]
    book.save(target)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
