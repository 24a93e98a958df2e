"""Reference values for the agreement statistics (src/stats/agreement.rs).

Run once in a throwaway environment (versions used for the committed file):

    python3 -m venv /tmp/agree-venv
    /tmp/agree-venv/bin/pip install statsmodels==0.15.0 irrCAC==0.4.4
    /tmp/agree-venv/bin/python tests/data/oracle/make_agreement_oracle.py

It writes agreement.csv next to itself, one row per 2x2 table of paired
verdicts (a = both reasonable, b = only the first, c = only the second,
d = neither):
  observed, observed_lower/upper  statsmodels proportion_confint(a + d, n,
                                  method="wilson")
  kappa, kappa_se                 statsmodels cohens_kappa(table).kappa and
                                  .std_kappa (Fleiss, Cohen & Everitt 1969);
                                  empty when kappa is undefined
  kappa_se_irrcac                 irrCAC.table.CAC(table).cohen() se: the same
                                  variance computed by another library
                                  (both empty when the libraries' variance is
                                  NaN: see the note in main)
  ac1, ac1_se                     irrCAC.table.CAC(table).gwet() (Gwet 2008)
irrCAC's intervals use Student's t on n - 1 degrees of freedom; the Rust code
uses z, so the test compares the estimates and standard errors and builds the
interval as estimate +/- z se, clipped to [-1, 1].
"""

import csv
import itertools
import os
import warnings

import numpy as np
import pandas as pd
from irrCAC.table import CAC
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint

TABLES = [
    (40, 5, 5, 10),
    (95, 3, 2, 0),
    (90, 3, 6, 1),
    (1, 7, 2, 30),
    (3, 0, 0, 1),
    (0, 4, 5, 0),
    (118, 4, 2, 1),
    (60, 12, 8, 20),
    (10, 10, 10, 10),
    (1, 0, 0, 0),
    (2, 1, 0, 0),
    (0, 0, 1, 0),
    (200, 1, 0, 0),
]
# A small grid of awkward small tables too.
TABLES += [t for t in itertools.product(range(0, 4), repeat=4) if 0 < sum(t) and t[0] % 2 == 0 and t[3] != 2]


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agreement.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["a", "b", "c", "d", "observed", "observed_lower", "observed_upper",
                    "kappa", "kappa_se", "kappa_se_irrcac", "ac1", "ac1_se"])
        for a, b, c, d in TABLES:
            n = a + b + c + d
            table = np.array([[a, b], [c, d]], dtype=float)
            lo, hi = proportion_confint(a + d, n, alpha=0.05, method="wilson")
            row_m, col_m = table.sum(1) / n, table.sum(0) / n
            pe = float(row_m @ col_m)
            if pe < 1 - 1e-12:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = cohens_kappa(table)
                    kap = CAC(pd.DataFrame(table), digits=17).cohen()["est"]
                kappa, kappa_se, kappa_se2 = res.kappa, res.std_kappa, kap["se"]
                # When one reviewer used one category only, kappa is 0 whatever
                # the other did, its variance is 0, and rounding leaves it a hair
                # below 0: both libraries then give NaN. Written as empty.
                if np.isnan(kappa_se):
                    kappa_se = kappa_se2 = ""
            else:
                kappa = kappa_se = kappa_se2 = ""
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                g = CAC(pd.DataFrame(table), digits=17).gwet()["est"]
            se = np.asarray(g["se"]).item()
            ac1 = np.asarray(g["coefficient_value"]).item()
            w.writerow([a, b, c, d, repr((a + d) / n), repr(float(lo)), repr(float(hi)),
                        repr(float(kappa)) if kappa != "" else "",
                        repr(float(kappa_se)) if kappa_se != "" else "",
                        repr(float(kappa_se2)) if kappa_se2 != "" else "",
                        repr(ac1), repr(se) if not np.isnan(se) else ""])


if __name__ == "__main__":
    main()
