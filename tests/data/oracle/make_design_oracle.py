"""Reference values for the design-based estimates (src/stats/design).

Run once in a throwaway environment (versions used for the committed files):

    python3 -m venv /tmp/venv-oracle
    /tmp/venv-oracle/bin/pip install samplics==0.6.1 statsmodels==0.15.0 numpy scipy
    /tmp/venv-oracle/bin/python tests/data/oracle/make_design_oracle.py
    /tmp/venv-oracle/bin/python tests/data/oracle/make_design_oracle.py workspace

It writes, next to itself:
  design_strata.csv       design, stratum, population (N_h)
  design_units.csv        design, stratum, group (A, B or C), reasonable (0/1)
  design_estimates.csv    per design and domain (all, A, B): p and its
                          standard error from samplics' TaylorEstimator
                          (stratified, FPC, domain estimation), the effective
                          size and every interval method at (p n*, n*) from
                          statsmodels' proportion_confint on float counts
  design_comparisons.csv  per design, A against B: Newcombe's interval from
                          the two Wilson intervals, the covariance, the
                          design-based Wald p (scipy), Fisher's p (scipy) when
                          self-weighting, and the detectable difference

The covariance is not computed from the Rust formula: samplics estimates the
variance of the total of the linearised difference z = d_A (y - p_A) / N_A -
d_B (y - p_B) / N_B (p and N from samplics' own domain mean and total), with
the same strata and FPC; cov = (v_A + v_B - v_diff) / 2. The linearised score
itself is written here with numpy; the stratum centring, n/(n - 1) and FPC
are samplics'.
"""

import csv
import math
import os
import random

import numpy as np
import samplics
import scipy
import statsmodels
from samplics.estimation import TaylorEstimator
from samplics.utils.types import PopParam, SinglePSUEst
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261203
DESIGNS = 240
METHODS = ["wilson", "beta", "jeffreys", "agresti_coull", "normal"]
SELF_WEIGHTING_TOLERANCE = 1e-9
ZERO_DESIGN_EFFECT = 1e-20


def random_design(rng, index):
    """Strata as (population, judged, rate) and units as (stratum, group, reasonable)."""
    kind = index % 6
    if kind == 0:
        # Self-weighting: one stratum, or N_h = k n_h everywhere.
        k = rng.choice([1, 2, 3, 7, 40])
        strata = []
        for _ in range(rng.randint(1, 4)):
            n = rng.randint(1, 40)
            strata.append((k * n, n))
    else:
        strata = []
        for _ in range(rng.randint(1, 8)):
            regime = rng.random()
            if regime < 0.15:
                population = rng.randint(1, 12)  # tiny: census or near
                n = rng.randint(0, population)
            elif regime < 0.3:
                population = rng.randint(2, 400)
                n = 1  # one judged search: no variance from it
            elif regime < 0.45:
                population = rng.randint(20, 60)
                n = rng.randint(max(2, population // 2), population)  # large fraction
            else:
                population = rng.randint(50, 20000)  # FPC near 0
                n = rng.randint(0, 40)
            strata.append((population, n))
    designed = []
    units = []
    for h, (population, n) in enumerate(strata):
        style = rng.random()
        rate = 1.0 if style < 0.2 else (0.0 if style < 0.25 else rng.uniform(0.3, 0.99))
        # Some strata hold no A (or no B): domains empty in some strata.
        share_a = rng.choice([0.0, 0.15, 0.5, 0.8, 1.0]) if rng.random() < 0.5 else rng.random()
        for _ in range(n):
            u = rng.random()
            group = "A" if u < share_a else ("B" if rng.random() < 0.8 else "C")
            units.append((h, group, 1 if rng.random() < rate else 0))
        designed.append(population)
    return designed, units


def kish(w):
    return w.sum() ** 2 / (w * w).sum()


def taylor(y, w, stratum, psu, fpc, domain, param=PopParam.mean):
    est = TaylorEstimator(param)
    est.estimate(
        y=y,
        samp_weight=w,
        stratum=stratum,
        psu=psu,
        fpc=fpc,
        domain=domain,
        single_psu=SinglePSUEst.skip,
    )
    return est


def domain_estimate(y, w, stratum, psu, fpc, mask):
    """Samplics' p and standard error for one domain (mask), plus Σw and n."""
    label = np.where(mask, 1, 0)
    # 1 + y: samplics divides by the mean for its coefficient of variation,
    # and a shift changes no variance (the scores are y minus the mean).
    est = taylor(1.0 + y, w, stratum, psu, fpc, label)
    p = float(est.point_est[1]) - 1.0
    se = float(est.stderror[1])
    total = taylor(mask.astype(float), w, stratum, psu, fpc, None, PopParam.total)
    return p, se, float(total.point_est)


def effective(p, v, n_d, w_d):
    # As the Rust code: a variance below 1e-20 of the binomial one is the
    # rounding noise of a true 0 (samplics leaves about 1e-36 where every
    # stratum is all reasonable or all not), and 0 means Kish's size.
    if v > ZERO_DESIGN_EFFECT * p * (1 - p) / n_d:
        return min(n_d, p * (1 - p) / v)
    return min(kish(w_d), n_d)


def main():
    rng = random.Random(SEED)
    strata_rows, unit_rows, estimate_rows, comparison_rows = [], [], [], []
    detect = NormalIndPower()
    for d in range(DESIGNS):
        populations, units = random_design(rng, d)
        alpha = 0.1 if d % 5 == 4 else 0.05
        for h, population in enumerate(populations):
            strata_rows.append([d, h, population])
        for h, group, reasonable in units:
            unit_rows.append([d, h, group, reasonable])
        if not units:
            continue
        stratum = np.array([u[0] for u in units])
        group = np.array([u[1] for u in units])
        y = np.array([u[2] for u in units])
        judged = {h: int((stratum == h).sum()) for h in set(stratum.tolist())}
        w = np.array([populations[h] / judged[h] for h in stratum])
        psu = np.arange(len(units))
        fpc = {h: 1 - judged[h] / populations[h] for h in sorted(judged)}
        self_weighting = w.max() - w.min() <= SELF_WEIGHTING_TOLERANCE * w.max()
        masks = {"all": np.ones(len(units), bool), "A": group == "A", "B": group == "B"}
        found = {}
        for name, mask in masks.items():
            if not mask.any():
                continue
            p, se, population_d = domain_estimate(y, w, stratum, psu, fpc, mask)
            v = se * se
            n_d = int(mask.sum())
            n_star = effective(p, v, n_d, w[mask])
            x_star = min(p * n_star, n_star)
            row = [d, alpha, name, n_d, int(y[mask].sum()), p, se, n_star]
            intervals = {}
            for method in METHODS:
                lower, upper = proportion_confint(x_star, n_star, alpha=alpha, method=method)
                intervals[method] = (float(lower), float(upper))
                row += [float(lower), float(upper)]
            estimate_rows.append(row)
            found[name] = (p, v, n_star, intervals["wilson"], population_d, mask)
        if "A" in found and "B" in found:
            (p1, v1, n1, (l1, u1), pop1, m1) = found["A"]
            (p2, v2, n2, (l2, u2), pop2, m2) = found["B"]
            diff = p1 - p2
            lower = max(-1.0, diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2))
            upper = min(1.0, diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))
            z = np.where(m1, y - p1, 0.0) / pop1 - np.where(m2, y - p2, 0.0) / pop2
            # z totals 0, which samplics' coefficient of variation divides
            # by; adding a constant changes no variance, as w is constant in a
            # stratum (one of z's own size, so that the centring loses nothing).
            shift = float(np.abs(z).max()) or 1.0
            v_diff = float(
                taylor(z + shift, w, stratum, psu, fpc, None, PopParam.total).stderror ** 2
            )
            covariance = (v1 + v2 - v_diff) / 2
            se_diff = math.sqrt(max(v_diff, 0.0))
            if se_diff > 0:
                p_wald = float(2 * stats.norm.sf(abs(diff) / se_diff))
            else:
                p_wald = 1.0 if diff == 0 else 0.0
            p_fisher = ""
            if self_weighting:
                x1, x2 = int(y[m1].sum()), int(y[m2].sum())
                table = [[x1, int(m1.sum()) - x1], [x2, int(m2.sum()) - x2]]
                p_fisher = float(stats.fisher_exact(table, alternative="two-sided").pvalue)
            h = (stats.norm.isf(0.025) + stats.norm.ppf(0.8)) * math.sqrt(1 / n2 + 1 / n1)
            angle = math.asin(math.sqrt(p2)) - h / 2
            detectable = "" if angle < 0 else p2 - math.sin(angle) ** 2
            if detectable != "":
                # statsmodels solves the same power equation (with the far
                # tail, negligible here) by root finding.
                es = detect.solve_power(nobs1=n2, ratio=n1 / n2, alpha=0.05, power=0.8)
                if abs(es - h) > 1e-4 * h:
                    raise SystemExit(f"design {d}: effect size {es} vs closed form {h}")
            comparison_rows.append(
                [d, alpha, diff, lower, upper, covariance, se_diff, p_wald, p_fisher, detectable]
            )

    def write(name, header, rows):
        with open(os.path.join(HERE, name), "w", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(header)
            out.writerows([repr(float(v)) if isinstance(v, float) else v for v in r] for r in rows)

    write("design_strata.csv", ["design", "stratum", "population"], strata_rows)
    write("design_units.csv", ["design", "stratum", "group", "reasonable"], unit_rows)
    method_columns = [f"{m}_{b}" for m in METHODS for b in ("lower", "upper")]
    write(
        "design_estimates.csv",
        ["design", "alpha", "domain", "judged", "reasonable", "proportion",
         "standard_error", "effective_n"] + method_columns,
        estimate_rows,
    )
    write(
        "design_comparisons.csv",
        ["design", "alpha", "difference", "lower", "upper", "covariance",
         "standard_error", "p_design_wald", "p_fisher", "detectable_difference"],
        comparison_rows,
    )
    print(
        f"samplics {samplics.__version__}, statsmodels {statsmodels.__version__}, "
        f"scipy {scipy.__version__}, numpy {np.__version__}: {DESIGNS} designs, "
        f"{len(estimate_rows)} estimates, {len(comparison_rows)} comparisons"
    )


def workspace():
    """Expected figures of the CLI test tests/all/design_oracle_cli.rs, from
    its judged searches (design_workspace_units.csv: month, district, N_h,
    group, reasonable): strata month x district, w = N_h / n_h, samplics'
    Taylor estimates with each stratum's FPC; Wilson at (p n*, n*);
    Newcombe, the design-based Wald test and the detectable difference as in
    main(). Writes design_workspace_expected.csv."""
    with open(os.path.join(HERE, "design_workspace_units.csv")) as f:
        rows = list(csv.DictReader(f))
    keys = sorted({(r["month"], r["district"]) for r in rows})
    index = {k: i for i, k in enumerate(keys)}
    stratum = np.array([index[(r["month"], r["district"])] for r in rows])
    population = {index[(r["month"], r["district"])]: int(r["population"]) for r in rows}
    y = np.array([int(r["reasonable"]) for r in rows], dtype=float)
    group = np.array([r["group"] for r in rows])
    month = np.array([r["month"] for r in rows])
    district = np.array([r["district"] for r in rows])
    judged = {h: int((stratum == h).sum()) for h in population}
    w = np.array([population[h] / judged[h] for h in stratum])
    psu = np.arange(len(rows))
    fpc = {h: 1 - judged[h] / population[h] for h in sorted(judged)}
    masks = {"all": np.ones(len(rows), bool), "minority": group == "minority",
             "white": group == "white"}
    for m in sorted(set(month.tolist())):
        masks[m] = month == m
    for d in sorted(set(district.tolist())):
        masks[d] = district == d
    header = ["domain", "proportion", "standard_error", "effective_n", "lower", "upper",
              "difference", "p_value", "detectable_difference"]
    out_rows, found = [], {}
    for name, mask in masks.items():
        p, se, population_d = domain_estimate(y, w, stratum, psu, fpc, mask)
        v = se * se
        n_d = int(mask.sum())
        n_star = effective(p, v, n_d, w[mask])
        lower, upper = proportion_confint(min(p * n_star, n_star), n_star, alpha=0.05,
                                          method="wilson")
        out_rows.append([name, p, se, n_star, float(lower), float(upper), "", "", ""])
        found[name] = (p, v, n_star, (float(lower), float(upper)), population_d, mask)
    (p1, v1, n1, (l1, u1), pop1, m1) = found["minority"]
    (p2, v2, n2, (l2, u2), pop2, m2) = found["white"]
    diff = p1 - p2
    lower = max(-1.0, diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2))
    upper = min(1.0, diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))
    z = np.where(m1, y - p1, 0.0) / pop1 - np.where(m2, y - p2, 0.0) / pop2
    shift = float(np.abs(z).max()) or 1.0
    v_diff = float(taylor(z + shift, w, stratum, psu, fpc, None, PopParam.total).stderror ** 2)
    se_diff = math.sqrt(max(v_diff, 0.0))
    p_wald = float(2 * stats.norm.sf(abs(diff) / se_diff))
    h = (stats.norm.isf(0.025) + stats.norm.ppf(0.8)) * math.sqrt(1 / n2 + 1 / n1)
    angle = math.asin(math.sqrt(p2)) - h / 2
    detectable = "" if angle < 0 else p2 - math.sin(angle) ** 2
    out_rows.append(["comparison", "", se_diff, "", lower, upper, diff, p_wald, detectable])
    with open(os.path.join(HERE, "design_workspace_expected.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows([repr(float(v)) if isinstance(v, float) else v for v in r] for r in out_rows)
    print(f"samplics {samplics.__version__}: {len(out_rows)} rows for the CLI workspace")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["workspace"]:
        workspace()
    else:
        main()
