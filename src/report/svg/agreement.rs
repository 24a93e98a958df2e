//! The review quality chart: Cohen's kappa and Gwet's AC1 as dots with
//! their interval bars on a −1 to 1 axis, 0 (agreement no better than
//! chance) and 1 (perfect agreement) marked.

use std::fmt::Write;

use super::{
    clip, dot, escape, estimate_label, finite, frame, interval_line, DW_LABEL_RIGHT, DW_LEFT,
    DW_RIGHT, GRID, INK, LABEL_CHARS, MUTED,
};
use crate::stats::agreement_no_width;
use crate::wording::level;

/// One agreement coefficient with its interval; `estimate` is `None` when
/// the coefficient is undefined, and `missing` says why in words.
#[derive(Debug, Clone, PartialEq)]
pub struct CoefficientPoint {
    pub label: String,
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub missing: String,
}

const TOP: f64 = 44.0;
const ROW: f64 = 44.0;

fn x(value: f64) -> f64 {
    DW_LEFT + (DW_RIGHT - DW_LEFT) * (value.clamp(-1.0, 1.0) + 1.0) / 2.0
}

/// "0.73"; never "-0.00".
fn number(value: f64) -> String {
    format!("{:.2}", (value * 100.0).round() / 100.0 + 0.0).replace('-', "−")
}

fn describe(p: &CoefficientPoint, conf: &str) -> String {
    match finite(p.estimate) {
        Some(est) => {
            let mut s = format!("{}: {}", p.label, number(est));
            match (finite(p.lower), finite(p.upper)) {
                // A zero-width interval is the variance formula giving 0
                // (every pair agreed), not certainty: do not print "1.00 to 1.00".
                (Some(lo), Some(hi)) if agreement_no_width(lo, hi) => {
                    s.push_str(" (its interval has no width here: read the observed agreement's)")
                }
                (Some(lo), Some(hi)) => {
                    let _ = write!(s, " ({conf} interval {} to {})", number(lo), number(hi));
                }
                _ => {}
            }
            s
        }
        None => format!("{}: {}", p.label, p.missing),
    }
}

/// Dot-and-whisker chart of agreement coefficients on −1 to 1.
/// `confidence` is the intervals' level as a fraction (0.95).
pub fn coefficients(title: &str, points: &[CoefficientPoint], confidence: f64) -> String {
    let conf = level(confidence);
    let mut desc = format!(
        "{}. Agreement beyond chance with {conf} intervals, on a scale from −1 to 1 where 0 is agreement no better than chance and 1 is perfect agreement.",
        title.trim_end_matches('.')
    );
    for p in points {
        let _ = write!(desc, " {}.", describe(p, &conf));
    }
    let rows = points.len().max(1) as f64;
    let bottom = TOP + rows * ROW;
    let height = bottom + 70.0;
    let mut body = String::new();
    for i in 0..=8 {
        let value = -1.0 + i as f64 * 0.25;
        let tick = x(value);
        let (stroke, width) = if i == 4 { (INK, 1.5) } else { (GRID, 1.0) };
        let _ = writeln!(
            body,
            r#"<line x1="{tick:.1}" y1="{TOP:.1}" x2="{tick:.1}" y2="{bottom:.1}" stroke="{stroke}" stroke-width="{width}"/>"#
        );
        if i % 2 == 0 {
            let _ = writeln!(
                body,
                r#"<text x="{tick:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{MUTED}">{}</text>"#,
                bottom + 16.0,
                ["−1", "−0.5", "0", "0.5", "1"][i / 2]
            );
        }
    }
    let _ = writeln!(
        body,
        r#"<line x1="{DW_LEFT:.1}" y1="{bottom:.1}" x2="{DW_RIGHT:.1}" y2="{bottom:.1}" stroke="{INK}" stroke-width="1"/>"#
    );
    let _ = writeln!(
        body,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">0: no better than chance · 1: perfect agreement</text>"#,
        (DW_LEFT + DW_RIGHT) / 2.0,
        bottom + 36.0
    );
    let _ = writeln!(
        body,
        r#"<text x="12" y="{:.1}" font-size="11" fill="{MUTED}">Dot: estimate. Line: {conf} interval.</text>"#,
        bottom + 58.0
    );
    for (i, p) in points.iter().enumerate() {
        let cy = TOP + ROW * (i as f64 + 0.5);
        let _ = writeln!(
            body,
            r#"<text x="{DW_LABEL_RIGHT:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            cy + 4.0,
            escape(&clip(&p.label, LABEL_CHARS))
        );
        let Some(est) = finite(p.estimate) else {
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" font-size="12" font-style="italic" fill="{MUTED}">{}</text>"#,
                DW_LEFT + 8.0,
                cy + 4.0,
                escape(&clip(&p.missing, 56))
            );
            continue;
        };
        let cx = x(est);
        let _ = writeln!(
            body,
            r#"<g class="point"><title>{}</title>"#,
            escape(&describe(p, &conf))
        );
        if let (Some(lo), Some(hi)) = (finite(p.lower), finite(p.upper)) {
            interval_line(&mut body, x(lo), x(hi), cy, "");
        }
        body.push_str(&dot(cx, cy, false));
        body.push('\n');
        estimate_label(&mut body, cx, cy, &number(est));
    }
    frame("agreement", title, &desc, height, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> Vec<CoefficientPoint> {
        vec![
            CoefficientPoint {
                label: "Gwet's AC1".into(),
                estimate: Some(0.8843),
                lower: Some(0.8012),
                upper: Some(0.9674),
                missing: String::new(),
            },
            CoefficientPoint {
                label: "Cohen's kappa".into(),
                estimate: Some(-0.0256),
                lower: Some(-0.0561),
                upper: Some(0.0049),
                missing: String::new(),
            },
        ]
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(coefficients(
            "Agreement between first and second reviews",
            &points(),
            0.95
        ));
    }

    #[test]
    fn says_every_figure_in_words_and_places_dots_on_the_scale() {
        let svg = coefficients("Agreement", &points(), 0.95);
        assert!(svg.contains(r#"role="img""#) && svg.contains("<desc id="));
        assert!(
            svg.contains("Gwet&apos;s AC1: 0.88 (95% interval 0.80 to 0.97)"),
            "{svg}"
        );
        assert!(
            svg.contains("Cohen&apos;s kappa: −0.03 (95% interval −0.06 to 0.00)"),
            "{svg}"
        );
        assert_eq!(svg.matches(r#"class="point""#).count(), 2);
        // 0 sits mid-way between the ends of the axis.
        assert!((x(0.0) - (DW_LEFT + DW_RIGHT) / 2.0).abs() < 1e-9);
        assert_eq!((x(-1.0), x(1.0), x(3.0)), (DW_LEFT, DW_RIGHT, DW_RIGHT));
    }

    #[test]
    fn an_undefined_coefficient_is_said_not_drawn() {
        let mut p = points();
        p[1] = CoefficientPoint {
            label: "Cohen's kappa".into(),
            estimate: None,
            lower: None,
            upper: None,
            missing: "undefined: one verdict only".into(),
        };
        let svg = coefficients("Agreement", &p, 0.95);
        assert_eq!(svg.matches(r#"class="point""#).count(), 1);
        assert!(svg.contains("Cohen&apos;s kappa: undefined: one verdict only"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn a_zero_width_interval_is_not_printed_as_certain() {
        let mut p = points();
        (p[0].estimate, p[0].lower, p[0].upper) = (Some(1.0), Some(1.0), Some(1.0));
        let svg = coefficients("Agreement", &p, 0.95);
        assert!(!svg.contains("1.00 to 1.00"), "{svg}");
        assert!(svg.contains("Gwet&apos;s AC1: 1.00 (its interval has no width here"));
    }
}
