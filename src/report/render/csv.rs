//! CSV for machines: one tidy table, a row per figure. Floats at full
//! precision; labels from exports and reviewers guarded against formulas.

use super::{public_note, OVERALL_LABEL};
use crate::report::model::{Count, Estimate, Report};
use crate::report::quality::ReviewQuality;
use crate::spreadsheet::formula_safe;
use crate::stats::Test;

const HEADER: [&str; COLUMNS] = [
    "section",
    "label",
    "assessed",
    "reasonable",
    "not_reasonable",
    "none_recorded",
    "insufficient_info",
    "proportion",
    "lower",
    "upper",
    "too_few",
    "suppressed",
    "population",
    "count",
    "difference",
    "p_fisher",
    "not_required",
    "standard_error",
    "effective_n",
    "design_effect",
    "weighted",
    "p_value",
    "test",
    "detectable_difference",
    "weight",
];

const COLUMNS: usize = 25;

#[derive(Default)]
struct Row {
    cells: [String; COLUMNS],
}

impl Row {
    fn new(section: &str, label: &str) -> Self {
        let mut row = Row::default();
        row.cells[0] = section.to_string();
        row.cells[1] = formula_safe(label).into_owned();
        row
    }

    fn estimate(mut self, e: &Estimate) -> Self {
        let float = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        if e.suppressed {
            self.cells[11] = "true".into();
            return self;
        }
        self.cells[2] = e.assessed.to_string();
        self.cells[3] = e.reasonable.to_string();
        self.cells[4] = e.not_reasonable.to_string();
        self.cells[5] = e.none_recorded.to_string();
        self.cells[6] = e.insufficient_info.to_string();
        self.cells[7] = float(e.proportion);
        self.cells[8] = float(e.lower);
        self.cells[9] = float(e.upper);
        self.cells[10] = e.too_few.to_string();
        self.cells[11] = "false".into();
        self.cells[16] = e.not_required.map(|n| n.to_string()).unwrap_or_default();
        self.cells[17] = float(e.standard_error);
        self.cells[18] = float(e.effective_n);
        self.cells[19] = float(e.design_effect);
        self.cells[20] = e.weighted.to_string();
        self
    }

    fn set(mut self, column: usize, value: impl ToString) -> Self {
        self.cells[column] = value.to_string();
        self
    }
}

fn counts(rows: &mut Vec<Row>, section: &str, counts: &[Count]) {
    for c in counts {
        let row = Row::new(section, &c.value).set(11, c.suppressed);
        rows.push(if c.suppressed {
            row
        } else {
            row.set(13, c.count)
        });
    }
}

fn test_name(test: Test) -> &'static str {
    match test {
        Test::Fisher => "fisher",
        Test::DesignWald => "design_wald",
    }
}

/// The review quality section: a row per measure (estimate in `proportion`,
/// pairs in `assessed`), a row per cell of the 2x2 table and per count
/// apart (in `count`). Empty cells where a figure is undefined or withheld.
fn agreement_rows(rows: &mut Vec<Row>, q: &ReviewQuality) {
    let float = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (label, estimate, lower, upper) in [
        ("observed", q.observed, q.observed_lower, q.observed_upper),
        ("kappa", q.kappa, q.kappa_lower, q.kappa_upper),
        ("ac1", q.ac1, q.ac1_lower, q.ac1_upper),
    ] {
        let row = Row::new("agreement", label).set(11, q.suppressed);
        rows.push(if q.suppressed {
            row
        } else {
            row.set(2, q.pairs)
                .set(7, float(estimate))
                .set(8, float(lower))
                .set(9, float(upper))
        });
    }
    let t = &q.table;
    for (label, count) in [
        ("both reasonable", t.both_reasonable),
        ("only first reasonable", t.only_first_reasonable),
        ("only second reasonable", t.only_second_reasonable),
        ("neither reasonable", t.neither_reasonable),
        ("insufficient info", q.insufficient_info),
        ("no suspicion needed", q.no_suspicion),
    ] {
        let row = Row::new("agreement_pairs", label).set(11, q.suppressed);
        rows.push(if q.suppressed {
            row
        } else {
            row.set(13, count)
        });
    }
    for (label, count) in [
        ("dealt for a second review", q.second_reviews),
        ("awaiting a review", q.awaiting),
    ] {
        rows.push(Row::new("agreement_pairs", label).set(13, count));
    }
}

pub fn render(report: &Report) -> String {
    let mut rows = Vec::new();
    if let (Some(note), Some(threshold)) = (public_note(report), report.suppressed_below) {
        rows.push(Row::new("public", &note).set(13, threshold));
    }
    rows.push(
        Row::new("overall", OVERALL_LABEL)
            .estimate(&report.overall)
            .set(12, report.population),
    );
    for g in &report.groups {
        let row = Row::new("group", &g.group).estimate(&g.estimate);
        rows.push(match g.population {
            Some(n) => row.set(12, n),
            None => row,
        });
    }
    rows.push(Row::new("group", "Minority ethnic").estimate(&report.minority));
    if let Some(c) = &report.comparison {
        rows.push(
            Row::new("comparison", &format!("{} vs {}", c.group, c.reference))
                .set(8, c.lower)
                .set(9, c.upper)
                .set(14, c.difference)
                .set(15, c.p_fisher.map(|p| p.to_string()).unwrap_or_default())
                .set(21, c.p_value)
                .set(22, test_name(c.test))
                .set(
                    23,
                    c.detectable_difference
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                ),
        );
    }
    for m in &report.by_month {
        rows.push(
            Row::new("month", &m.month)
                .estimate(&m.estimate)
                .set(12, m.population),
        );
    }
    for c in &report.by_champion {
        rows.push(Row::new("champion", &c.champion).estimate(&c.estimate));
    }
    for v in &report.by_legislation {
        rows.push(Row::new("legislation", &v.value).estimate(&v.estimate));
    }
    for v in &report.by_object {
        rows.push(Row::new("object_of_search", &v.value).estimate(&v.estimate));
    }
    let b = &report.breakdowns;
    counts(&mut rows, "verdict", &b.verdicts);
    counts(&mut rows, "bwv", &b.bwv);
    rows.push(Row::new("substituted", "all").set(13, b.substituted));
    rows.push(
        Row::new("substituted", "footage missing").set(13, b.substituted_for_missing_footage),
    );
    counts(&mut rows, "gowisely", &b.gowisely);
    counts(&mut rows, "conduct", &b.conduct);
    counts(&mut rows, "referral", &b.referrals);
    counts(&mut rows, "theme", &b.themes);
    counts(
        &mut rows,
        "unrecognised_ethnicity",
        &report.unrecognised_ethnicity,
    );
    for replaced in &report.replaced_draws {
        rows.push(Row::new(
            "replaced_draw",
            &format!(
                "{} seed {} replaced {}",
                replaced.month, replaced.seed, replaced.replaced_at
            ),
        ));
    }
    if let Some(q) = &report.agreement {
        agreement_rows(&mut rows, q);
    }
    rows.push(
        Row::new("outstanding", "searches still to review")
            .set(13, report.completeness.outstanding),
    );
    for s in &report.design.strata {
        let label = format!(
            "{} {} {}",
            s.month,
            s.area.as_deref().unwrap_or("(one pool)"),
            s.group
        );
        let row = Row::new("stratum", &label)
            .set(12, s.population)
            .set(13, s.judged);
        rows.push(match s.weight {
            Some(w) => row.set(24, w),
            None => row,
        });
    }
    rows.push(
        Row::new("coverage_gap", "searches no champion could take")
            .set(13, report.design.coverage_gap),
    );

    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(HEADER);
    for row in &rows {
        let _ = writer.write_record(&row.cells);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
