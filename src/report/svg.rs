//! Hand-written SVG charts for the self-contained HTML report.
//!
//! The readers are community scrutiny panels: volunteers on a laptop, on
//! paper, some with screen readers. So every chart states its figures in
//! words (`<title>` and `<desc>`, referenced by `aria-labelledby`), prints
//! in greyscale (flagged points differ in shape and dash, not only in
//! colour), uses the Okabe–Ito colour-blind-safe palette, scales to its
//! container (viewBox, width 100%), and refers to nothing outside itself: no
//! fonts, links, scripts or styles, so the report works offline and leaks no
//! request when opened.

use std::fmt::Write;

use crate::wording::{level, percent};

pub mod agreement;

/// One estimated proportion with its interval, e.g. one ethnic group or one
/// month. Proportions are in [0, 1]; `estimate`, `lower` and `upper` are
/// `None` when `n` is 0.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalPoint {
    pub label: String,
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Searches assessed (the denominator).
    pub n: u64,
    /// Searches with the outcome (the numerator).
    pub x: u64,
    /// Too few searches to judge: drawn hollow and said in words.
    pub flagged: bool,
}

/// One bar of a count chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarItem {
    pub label: String,
    pub count: u64,
}

// Okabe–Ito blue and sky blue; greys chosen for at least 7:1 contrast (text)
// or to stay visible but quiet on paper (grid).
const BLUE: &str = "#0072B2";
const SKY: &str = "#56B4E9";
const INK: &str = "#1a1a1a";
const MUTED: &str = "#595959";
const GRID: &str = "#d0d0d0";

const WIDTH: f64 = 640.0;
const TITLE_CHARS: usize = 60;
const LABEL_CHARS: usize = 26;

/// Escapes text for XML content and attribute values. Characters XML 1.0
/// forbids (most C0 controls) become U+FFFD, since one of them in a label
/// would make the whole SVG unreadable to an XML parser.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Horizontal dot-and-whisker chart, one row per point, x axis 0–100%.
/// `confidence` is the intervals' level as a fraction (0.95).
pub fn dot_whisker(title: &str, points: &[IntervalPoint], confidence: f64) -> String {
    let conf = level(confidence);
    let desc = describe_points(
        title,
        &format!("Percentages with {conf} intervals."),
        points,
        &conf,
    );
    let rows = points.len().max(1) as f64;
    let bottom = DW_TOP + rows * DW_ROW;
    let height = bottom + 70.0;
    let mut body = String::new();

    for i in 0..=10 {
        let x = dw_x(i as f64 / 10.0);
        let _ = writeln!(
            body,
            r#"<line x1="{x:.1}" y1="{DW_TOP:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="{GRID}" stroke-width="1"/>"#
        );
        let _ = writeln!(
            body,
            r#"<text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{MUTED}">{}%</text>"#,
            bottom + 16.0,
            i * 10
        );
    }
    let _ = writeln!(
        body,
        r#"<line x1="{:.1}" y1="{bottom:.1}" x2="{:.1}" y2="{bottom:.1}" stroke="{INK}" stroke-width="1"/>"#,
        DW_LEFT, DW_RIGHT
    );
    let _ = writeln!(
        body,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">Percentage</text>"#,
        (DW_LEFT + DW_RIGHT) / 2.0,
        bottom + 36.0
    );
    let _ = writeln!(
        body,
        r#"<text x="12" y="{:.1}" font-size="11" fill="{MUTED}">Dot: estimate. Line: {conf} interval. Hollow dot, dashed line: too few to judge.</text>"#,
        bottom + 58.0
    );

    if points.is_empty() {
        no_data(&mut body, DW_LEFT + 8.0, DW_TOP + DW_ROW / 2.0 + 4.0);
    }
    for (i, p) in points.iter().enumerate() {
        let cy = DW_TOP + DW_ROW * (i as f64 + 0.5);
        let note = if p.flagged && p.n > 0 {
            format!("n = {}, too few to judge", thousands(p.n))
        } else {
            format!("n = {}", thousands(p.n))
        };
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="{MUTED}">{}</text>"#,
            DW_LABEL_RIGHT,
            cy - 2.0,
            escape(&clip(&p.label, LABEL_CHARS)),
            DW_LABEL_RIGHT,
            cy + 12.0,
            note
        );
        let Some(est) = estimate(p) else {
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" font-size="12" font-style="italic" fill="{MUTED}">{}</text>"#,
                DW_LEFT + 8.0,
                cy + 4.0,
                missing_words(p)
            );
            continue;
        };
        let cx = dw_x(est);
        let _ = writeln!(
            body,
            r#"<g class="point" data-flagged="{}"{}><title>{}</title>"#,
            p.flagged,
            if p.flagged { r#" opacity="0.75""# } else { "" },
            escape(&describe_point(p, &conf))
        );
        let dash = if p.flagged {
            r#" stroke-dasharray="4 3""#
        } else {
            ""
        };
        if let (Some(lo), Some(hi)) = (finite(p.lower), finite(p.upper)) {
            interval_line(&mut body, dw_x(lo), dw_x(hi), cy, dash);
        }
        body.push_str(&dot(cx, cy, p.flagged));
        body.push('\n');
        estimate_label(&mut body, cx, cy, &percent(est));
    }
    frame("dot-whisker", title, &desc, height, &body)
}

/// Monthly trend: the estimate as a line with dots over a shaded interval
/// band, y axis 0–100%, with gaps for months without assessed searches.
/// `confidence` is the intervals' level as a fraction (0.95).
pub fn trend_band(title: &str, points: &[IntervalPoint], confidence: f64) -> String {
    let conf = level(confidence);
    let desc = describe_points(
        title,
        &format!("Monthly percentages with {conf} intervals."),
        points,
        &conf,
    );
    let height = TB_BOTTOM + 72.0;
    let mut body = String::new();

    for i in 0..=10 {
        let y = tb_y(i as f64 / 10.0);
        let _ = writeln!(
            body,
            r#"<line x1="{TB_LEFT:.1}" y1="{y:.1}" x2="{TB_RIGHT:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="1"/>"#
        );
        if i % 2 == 0 {
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="{MUTED}">{}%</text>"#,
                TB_LEFT - 6.0,
                y + 4.0,
                i * 10
            );
        }
    }
    let _ = writeln!(
        body,
        r#"<line x1="{TB_LEFT:.1}" y1="{TB_BOTTOM:.1}" x2="{TB_RIGHT:.1}" y2="{TB_BOTTOM:.1}" stroke="{INK}" stroke-width="1"/><line x1="{TB_LEFT:.1}" y1="{TB_TOP:.1}" x2="{TB_LEFT:.1}" y2="{TB_BOTTOM:.1}" stroke="{INK}" stroke-width="1"/>"#
    );
    let _ = writeln!(
        body,
        r#"<text transform="translate(16 {:.1}) rotate(-90)" font-size="12" text-anchor="middle">Percentage</text>"#,
        (TB_TOP + TB_BOTTOM) / 2.0
    );
    let _ = writeln!(
        body,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">Month</text>"#,
        (TB_LEFT + TB_RIGHT) / 2.0,
        TB_BOTTOM + 38.0
    );
    let _ = writeln!(
        body,
        r#"<text x="12" y="{:.1}" font-size="11" fill="{MUTED}">Line and dots: estimate. Band: {conf} interval. Hollow dot: too few to judge. Gap: none assessed.</text>"#,
        TB_BOTTOM + 60.0
    );
    if points.is_empty() {
        no_data(&mut body, TB_LEFT + 8.0, (TB_TOP + TB_BOTTOM) / 2.0);
    }

    let xs: Vec<f64> = (0..points.len()).map(|i| tb_x(i, points.len())).collect();
    let step = label_step(points.len());
    for (i, p) in points.iter().enumerate() {
        if i % step == 0 {
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{MUTED}">{}</text>"#,
                xs[i],
                TB_BOTTOM + 16.0,
                escape(&clip(&p.label, 10))
            );
        }
    }

    let with_band = |p: &IntervalPoint| {
        estimate(p).is_some() && finite(p.lower).is_some() && finite(p.upper).is_some()
    };
    for run in runs(points, with_band) {
        let lo = |i: usize| tb_y(clamp(finite(points[i].lower).unwrap_or(0.0)));
        let hi = |i: usize| tb_y(clamp(finite(points[i].upper).unwrap_or(0.0)));
        if let [i] = run[..] {
            let _ = writeln!(
                body,
                r#"<rect class="band" x="{:.1}" y="{:.1}" width="8.0" height="{:.1}" fill="{SKY}" fill-opacity="0.45"/>"#,
                xs[i] - 4.0,
                hi(i),
                lo(i) - hi(i)
            );
            continue;
        }
        let mut d = String::new();
        for (k, &i) in run.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if k == 0 { "M" } else { "L" },
                xs[i],
                hi(i)
            );
        }
        for &i in run.iter().rev() {
            let _ = write!(d, "L{:.1},{:.1} ", xs[i], lo(i));
        }
        let _ = writeln!(
            body,
            r#"<path class="band" d="{}Z" fill="{SKY}" fill-opacity="0.45" stroke="none"/>"#,
            d
        );
    }
    for run in runs(points, |p| estimate(p).is_some()) {
        if run.len() < 2 {
            continue;
        }
        let pts: Vec<String> = run
            .iter()
            .filter_map(|&i| estimate(&points[i]).map(|e| format!("{:.1},{:.1}", xs[i], tb_y(e))))
            .collect();
        let _ = writeln!(
            body,
            r#"<polyline class="line" points="{}" fill="none" stroke="{BLUE}" stroke-width="2"/>"#,
            pts.join(" ")
        );
    }
    for (i, p) in points.iter().enumerate() {
        match estimate(p) {
            Some(est) => {
                let _ = writeln!(
                    body,
                    r#"<g class="point" data-flagged="{}"><title>{}</title>{}</g>"#,
                    p.flagged,
                    escape(&describe_point(p, &conf)),
                    dot(xs[i], tb_y(est), p.flagged)
                );
            }
            None => {
                let _ = writeln!(
                    body,
                    r#"<text x="{:.1}" y="{:.1}" font-size="10" font-style="italic" text-anchor="middle" fill="{MUTED}">none</text>"#,
                    xs[i],
                    TB_BOTTOM - 6.0
                );
            }
        }
    }
    frame("trend-band", title, &desc, height, &body)
}

/// Horizontal bar chart of counts, each count printed at the end of its bar.
pub fn bars(title: &str, items: &[BarItem]) -> String {
    let mut desc = format!("{}.", title.trim_end_matches('.'));
    if items.is_empty() {
        desc.push_str(" No data.");
    }
    for it in items {
        let _ = write!(desc, " {}: {}.", it.label, thousands(it.count));
    }
    let max = items.iter().map(|i| i.count).max().unwrap_or(0);
    let step = tick_step(max);
    let intervals = max.div_ceil(step).max(1);
    let domain = intervals as f64 * step as f64;
    let rows = items.len().max(1) as f64;
    let bottom = BAR_TOP + rows * BAR_ROW;
    let height = bottom + 46.0;
    let bx = |c: u64| BAR_LEFT + (BAR_RIGHT - BAR_LEFT) * c as f64 / domain;
    let mut body = String::new();

    for k in 0..=intervals {
        let tick = k.saturating_mul(step);
        let x = bx(tick);
        let _ = writeln!(
            body,
            r#"<line x1="{x:.1}" y1="{BAR_TOP:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="{GRID}" stroke-width="1"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{MUTED}">{}</text>"#,
            bottom + 16.0,
            thousands(tick)
        );
    }
    let _ = writeln!(
        body,
        r#"<line x1="{BAR_LEFT:.1}" y1="{BAR_TOP:.1}" x2="{BAR_LEFT:.1}" y2="{bottom:.1}" stroke="{INK}" stroke-width="1"/>"#
    );
    let _ = writeln!(
        body,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">Count</text>"#,
        (BAR_LEFT + BAR_RIGHT) / 2.0,
        bottom + 36.0
    );
    if items.is_empty() {
        no_data(&mut body, BAR_LEFT + 8.0, BAR_TOP + BAR_ROW / 2.0 + 4.0);
    }
    for (i, it) in items.iter().enumerate() {
        let cy = BAR_TOP + BAR_ROW * (i as f64 + 0.5);
        let end = bx(it.count);
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            BAR_LABEL_RIGHT,
            cy + 4.0,
            escape(&clip(&it.label, LABEL_CHARS))
        );
        let _ = writeln!(
            body,
            r#"<g class="bar"><title>{}: {}</title><rect x="{BAR_LEFT:.1}" y="{:.1}" width="{:.1}" height="18.0" fill="{BLUE}"/><text x="{:.1}" y="{:.1}" font-size="12">{}</text></g>"#,
            escape(&it.label),
            thousands(it.count),
            cy - 9.0,
            end - BAR_LEFT,
            end + 6.0,
            cy + 4.0,
            thousands(it.count)
        );
    }
    frame("bars", title, &desc, height, &body)
}

// Layout, in viewBox units. Labels sit right-aligned in a left column.
const DW_TOP: f64 = 44.0;
const DW_ROW: f64 = 40.0;
const DW_LABEL_RIGHT: f64 = 206.0;
const DW_LEFT: f64 = 222.0;
const DW_RIGHT: f64 = 610.0;

const TB_TOP: f64 = 48.0;
const TB_BOTTOM: f64 = 268.0;
const TB_LEFT: f64 = 64.0;
const TB_RIGHT: f64 = 616.0;
/// Keeps the first and last month's dots off the axes.
const TB_INSET: f64 = 16.0;

const BAR_TOP: f64 = 44.0;
const BAR_ROW: f64 = 28.0;
const BAR_LABEL_RIGHT: f64 = 206.0;
const BAR_LEFT: f64 = 216.0;
/// Leaves room after the longest bar for its count.
const BAR_RIGHT: f64 = 560.0;

fn dw_x(p: f64) -> f64 {
    DW_LEFT + (DW_RIGHT - DW_LEFT) * clamp(p)
}

fn tb_y(p: f64) -> f64 {
    TB_BOTTOM - (TB_BOTTOM - TB_TOP) * clamp(p)
}

fn tb_x(i: usize, count: usize) -> f64 {
    if count <= 1 {
        return (TB_LEFT + TB_RIGHT) / 2.0;
    }
    let span = TB_RIGHT - TB_LEFT - 2.0 * TB_INSET;
    TB_LEFT + TB_INSET + span * i as f64 / (count - 1) as f64
}

/// Label every `step`-th month so that labels ("2019-01", ~45 units wide)
/// never overlap.
fn label_step(count: usize) -> usize {
    let fits = ((TB_RIGHT - TB_LEFT) / 56.0).floor() as usize;
    count.div_ceil(fits).max(1)
}

/// A round tick interval (1, 2, 5 times a power of ten) giving at most five
/// intervals up to `max`.
fn tick_step(max: u64) -> u64 {
    let mut magnitude = 1u64;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            if max.div_ceil(step) <= 5 {
                return step;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// Indices of maximal runs of consecutive points satisfying `keep`.
fn runs(points: &[IntervalPoint], keep: impl Fn(&IntervalPoint) -> bool) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if keep(p) {
            current.push(i);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A dot-whisker interval: the line from `x1` to `x2` at `cy`, with end
/// caps (`dash` styles the line of a flagged point).
fn interval_line(body: &mut String, x1: f64, x2: f64, cy: f64, dash: &str) {
    let _ = writeln!(
        body,
        r#"<line x1="{x1:.1}" y1="{cy:.1}" x2="{x2:.1}" y2="{cy:.1}" stroke="{BLUE}" stroke-width="2"{dash}/>"#
    );
    for x in [x1, x2] {
        let _ = writeln!(
            body,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="{BLUE}" stroke-width="2"/>"#,
            cy - 5.0,
            cy + 5.0
        );
    }
}

/// The estimate in figures above its dot, for readers on paper; kept
/// inside the plot near either end. Closes the point's `<g>`.
fn estimate_label(body: &mut String, cx: f64, cy: f64, text: &str) {
    let anchor = if cx < DW_LEFT + 24.0 {
        "start"
    } else if cx > DW_RIGHT - 24.0 {
        "end"
    } else {
        "middle"
    };
    let _ = writeln!(
        body,
        r#"<text x="{cx:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}">{text}</text></g>"#,
        cy - 9.0
    );
}

fn dot(cx: f64, cy: f64, hollow: bool) -> String {
    let fill = if hollow { "#ffffff" } else { BLUE };
    format!(
        r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5.0" fill="{fill}" stroke="{BLUE}" stroke-width="2"/>"#
    )
}

fn no_data(body: &mut String, x: f64, y: f64) {
    let _ = writeln!(
        body,
        r#"<text x="{x:.1}" y="{y:.1}" font-style="italic" fill="{MUTED}">No data</text>"#
    );
}

/// The whole `<svg>` element around a chart body.
fn frame(kind: &str, title: &str, desc: &str, height: f64, body: &str) -> String {
    // Several charts share one HTML page, so ids must differ between
    // charts yet stay the same between runs (snapshots, diffs of reports).
    let id = format!(
        "grounds-{kind}-{:012x}",
        fnv1a(&[kind, title, desc]) & 0xffff_ffff_ffff
    );
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="100%" "#,
            r#"role="img" aria-labelledby="{id}-title {id}-desc" class="grounds-chart" "#,
            r#"font-family="system-ui, sans-serif" font-size="13" fill="{ink}">"#,
            "\n<title id=\"{id}-title\">{title}</title>\n<desc id=\"{id}-desc\">{desc}</desc>\n",
            r##"<rect width="{w:.0}" height="{h:.0}" fill="#ffffff"/>"##,
            r#"<text x="12" y="24" font-size="16" font-weight="bold">{visible}</text>"#,
            "\n{body}</svg>\n"
        ),
        w = WIDTH,
        h = height.ceil(),
        id = id,
        ink = INK,
        title = escape(title),
        desc = escape(desc),
        visible = escape(&clip(title, TITLE_CHARS)),
        body = body,
    )
}

fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn describe_points(title: &str, intro: &str, points: &[IntervalPoint], conf: &str) -> String {
    let mut desc = format!("{}. {intro}", title.trim_end_matches('.'));
    if points.is_empty() {
        desc.push_str(" No data.");
    }
    for p in points {
        let _ = write!(desc, " {}.", describe_point(p, conf));
    }
    desc
}

/// "White: 135 of 156, 86.5% (95% interval 80.3% to 91.0%)".
fn describe_point(p: &IntervalPoint, conf: &str) -> String {
    let Some(est) = estimate(p) else {
        return format!("{}: {}", p.label, missing_words(p));
    };
    let mut s = format!(
        "{}: {} of {}, {}",
        p.label,
        thousands(p.x),
        thousands(p.n),
        percent(est)
    );
    if let (Some(lo), Some(hi)) = (finite(p.lower), finite(p.upper)) {
        let _ = write!(s, " ({conf} interval {} to {})", percent(lo), percent(hi));
    }
    if p.flagged {
        s.push_str(", too few to judge");
    }
    s
}

fn missing_words(p: &IntervalPoint) -> &'static str {
    if p.n == 0 {
        "no searches assessed"
    } else {
        "no estimate available"
    }
}

/// The estimate to draw, if any: nothing for n = 0 even if a caller passed
/// a number, and nothing for NaN.
fn estimate(p: &IntervalPoint) -> Option<f64> {
    if p.n == 0 {
        None
    } else {
        finite(p.estimate)
    }
}

/// The value if it is a number; adding 0.0 turns -0.0 into 0.0 so that no
/// chart prints "-0.0%".
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite()).map(|v| v + 0.0)
}

fn clamp(p: f64) -> f64 {
    p.clamp(0.0, 1.0)
}

/// "10,490": counts in a report are read by people.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Shortens a label for display (SVG text does not wrap); the full label
/// stays in the `<title>` and `<desc>`.
fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
