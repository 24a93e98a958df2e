//! Synthetic data.police.uk stop-and-search exports, for benchmarks and tests
//! at national scale.
//!
//! The output imitates the archive CSV byte for byte in shape (15 columns, LF,
//! UTF-8 without BOM, `True`/`False`/empty booleans, UTC `+00:00` dates) with
//! value frequencies taken roughly from real files (see
//! `shared/realdata/FORMAT_NOTES.md`), and it carries the hazards real files
//! carry: operation names that need CSV quoting, identical rows (group
//! searches), rows dated 23:xx UTC on the previous month's last day in BST
//! months, and date-only records at `00:00:00`.
//!
//! Everything, the PRNG included, is written here from scratch so that a seed
//! gives the same bytes forever, whatever happens to dependencies.

use std::io::{self, Write};

mod tables;
#[cfg(test)]
mod tests;

pub use tables::OPERATION_NAMES;
use tables::{
    officer_defined, AGES, BELFAST, DATE_ONLY, DRUGS, DUPLICATE, EXTRA_AGE_EMPTY,
    EXTRA_OFFICER_EMPTY, GENDERS, GROUP, HOURS, LEGISLATION, LINKED_EMPTY, NORTHERN_IRELAND,
    NO_FURTHER_ACTION, NO_LOCATION, OPERATION, OUTCOMES_DRUGS, OUTCOMES_OTHER, PART_OF_OPERATION,
    PERSON_UNRECORDED, REMOVAL, SELF_DEFINED, SNAP_POINTS, TOWNS, TYPES, VEHICLE_NO_PERSON,
    VEHICLE_SEARCH, WHOLE_SECONDS,
};

/// The data.police.uk header line, without its line end.
pub const HEADER: &str = "Type,Date,Part of a policing operation,Policing operation,\
Latitude,Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,\
Legislation,Object of search,Outcome,Outcome linked to object of search,\
Removal of more than just outer clothing";

/// Months before 1996 followed other BST rules; after 9999 the date no longer
/// has four digits.
const YEARS: std::ops::RangeInclusive<i32> = 1996..=9999;

/// Each row's timestamp is kept in memory for sorting (4 bytes a row); this
/// bounds that memory at 200 MB.
pub const MAX_ROWS_PER_MONTH: u64 = 50_000_000;

/// What to generate: `months` consecutive months from `start`, each with
/// `rows_per_month` rows, all derived from `seed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthSpec {
    /// First month as (year, month 1–12).
    pub start: (i32, u32),
    pub months: u32,
    pub rows_per_month: u64,
    pub seed: u64,
}

/// Why a [`SynthSpec`] cannot be generated.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SynthError {
    #[error("month {0} is not between 1 and 12")]
    BadMonth(u32),
    #[error("year {0} is outside 1996–9999 (earlier years had other summer-time rules)")]
    BadYear(i32),
    #[error("month index {index} is outside the {months} month(s) of the spec")]
    MonthIndex { index: u32, months: u32 },
    #[error("{0} rows per month is more than the limit of {MAX_ROWS_PER_MONTH}")]
    TooManyRows(u64),
}

impl SynthSpec {
    /// Checks that every month of the spec can be generated.
    pub fn validate(&self) -> Result<(), SynthError> {
        let (year, month) = self.start;
        if !(1..=12).contains(&month) {
            return Err(SynthError::BadMonth(month));
        }
        if self.rows_per_month > MAX_ROWS_PER_MONTH {
            return Err(SynthError::TooManyRows(self.rows_per_month));
        }
        let last = add_months(year, month, self.months.saturating_sub(1));
        for y in [year, last.0] {
            if !YEARS.contains(&y) {
                return Err(SynthError::BadYear(y));
            }
        }
        Ok(())
    }

    /// The (year, month) of the month at `month_index` (0 is `start`).
    pub fn year_month(&self, month_index: u32) -> (i32, u32) {
        add_months(self.start.0, self.start.1, month_index)
    }
}

/// `YYYY-MM-synthetic-stop-and-search.csv`, in the archive's naming pattern.
pub fn month_file_name(year: i32, month: u32) -> String {
    format!("{year:04}-{month:02}-synthetic-stop-and-search.csv")
}

/// Writes the header and the rows of month `month_index` of `spec` to `out`;
/// returns the number of rows (header not counted).
///
/// A month depends only on the seed, its own year and month and
/// `rows_per_month`, so the same month comes out identical whatever `start`
/// it is reached from.
pub fn write_month<W: Write>(spec: &SynthSpec, month_index: u32, mut out: W) -> io::Result<u64> {
    let invalid = |e: SynthError| io::Error::new(io::ErrorKind::InvalidInput, e);
    spec.validate().map_err(invalid)?;
    if month_index >= spec.months {
        return Err(invalid(SynthError::MonthIndex {
            index: month_index,
            months: spec.months,
        }));
    }
    let (year, month) = spec.year_month(month_index);
    let n = spec.rows_per_month as usize;
    let mut rng = SplitMix64::new(mix(spec.seed) ^ ((year as u64) << 4 | month as u64));
    let clock = MonthClock::new(year, month);
    let keys = clock.timestamps(&mut rng, n);
    let forced = Forced::for_rows(n);

    let mut buf = Vec::with_capacity(1 << 17);
    buf.extend_from_slice(HEADER.as_bytes());
    buf.push(b'\n');
    let mut line = Vec::with_capacity(512);
    let mut place: Option<(i32, i32)> = None;
    let mut last_key = 0;
    for (i, &key) in keys.iter().enumerate() {
        let duplicate = i > 0 && (i == forced.duplicate || rng.chance(DUPLICATE));
        if !duplicate {
            // A group search that is not an exact copy: same time and place, another person.
            let group = i > 0 && rng.chance(GROUP);
            if !group {
                last_key = key;
                place = pick_place(&mut rng);
            }
            line.clear();
            write_row(
                &mut line,
                &mut rng,
                &clock,
                last_key,
                place,
                i == forced.operation,
            );
        }
        buf.extend_from_slice(&line);
        if buf.len() >= 1 << 16 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()?;
    Ok(n as u64)
}

// ---------------------------------------------------------------------------
// Rows.

/// Row positions that always carry a hazard, so that even small months have
/// one of each (whenever they have at least `MIN_ROWS` rows).
struct Forced {
    duplicate: usize,
    operation: usize,
}

const MIN_ROWS: usize = 10;

impl Forced {
    fn for_rows(n: usize) -> Self {
        if n < MIN_ROWS {
            return Forced {
                duplicate: usize::MAX,
                operation: usize::MAX,
            };
        }
        Forced {
            duplicate: n / 2,
            operation: n / 3,
        }
    }
}

fn pick_place(rng: &mut SplitMix64) -> Option<(i32, i32)> {
    if rng.chance(NO_LOCATION) {
        return None;
    }
    let (_, lat, lon, spread) = if rng.chance(NORTHERN_IRELAND) {
        BELFAST
    } else {
        TOWNS.pick(rng)
    };
    // Snap points depend on the town only, not on the seed: geography is fixed.
    let h = mix(((lat as u64) << 32) ^ (lon as u32 as u64) ^ rng.below(SNAP_POINTS));
    let jitter = |bits: u64, spread: i32| (bits % (2 * spread as u64 + 1)) as i32 - spread;
    Some((
        lat + jitter(h & 0xFFFF_FFFF, spread),
        lon + jitter(h >> 32, spread * 3 / 2),
    ))
}

fn write_row(
    line: &mut Vec<u8>,
    rng: &mut SplitMix64,
    clock: &MonthClock,
    key: u32,
    place: Option<(i32, i32)>,
    force_operation: bool,
) {
    let kind = TYPES.pick(rng);
    field(line, kind);
    clock.write_date(line, key);
    line.push(b',');
    if force_operation || rng.chance(OPERATION) {
        let name = if force_operation {
            0
        } else {
            rng.below(OPERATION_NAMES.len() as u64) as usize
        };
        field(line, "True");
        field(line, OPERATION_NAMES[name].0);
    } else {
        field(line, PART_OF_OPERATION.pick(rng));
        line.push(b',');
    }
    match place {
        Some((lat, lon)) => {
            write_micro_degrees(line, lat);
            line.push(b',');
            write_micro_degrees(line, lon);
            line.push(b',');
        }
        None => line.extend_from_slice(b",,"),
    }

    let no_person = kind == VEHICLE_SEARCH && rng.chance(VEHICLE_NO_PERSON);
    let unrecorded = !no_person && rng.chance(PERSON_UNRECORDED);
    let gender = GENDERS.pick(rng);
    let age = AGES.pick(rng);
    let (self_defined, group) = SELF_DEFINED.pick(rng);
    let officer = officer_defined(group).pick(rng);
    // An unrecorded person keeps gender or age half the time each.
    let coin = rng.next_u64();
    let blank = |empty: bool, value| if empty { "" } else { value };
    field(
        line,
        blank(no_person || (unrecorded && coin & 1 == 0), gender),
    );
    let age_empty = no_person || (unrecorded && coin & 2 == 0) || rng.chance(EXTRA_AGE_EMPTY);
    field(line, blank(age_empty, age));
    field(line, blank(no_person || unrecorded, self_defined));
    let officer_empty = no_person || unrecorded || rng.chance(EXTRA_OFFICER_EMPTY);
    field(line, blank(officer_empty, officer));

    let (legislation, objects) = LEGISLATION.pick(rng);
    field(line, legislation);
    let object = objects.pick(rng);
    field(line, object);
    let outcome = if object == DRUGS {
        &OUTCOMES_DRUGS
    } else {
        &OUTCOMES_OTHER
    }
    .pick(rng);
    field(line, outcome);
    let linked = if rng.chance(LINKED_EMPTY) {
        ""
    } else {
        let found = match outcome {
            "" | NO_FURTHER_ACTION => rng.chance(10_000),
            "Khat or Cannabis warning" => rng.chance(95_000),
            "Arrest" => rng.chance(80_000),
            _ => rng.chance(75_000),
        };
        if found {
            "True"
        } else {
            "False"
        }
    };
    field(line, linked);
    line.extend_from_slice(REMOVAL.pick(rng).as_bytes());
    line.push(b'\n');
}

fn field(line: &mut Vec<u8>, value: &str) {
    line.extend_from_slice(value.as_bytes());
    line.push(b',');
}

/// Six decimals, as the archive writes them, without going through floats.
fn write_micro_degrees(line: &mut Vec<u8>, value: i32) {
    if value < 0 {
        line.push(b'-');
    }
    let abs = value.unsigned_abs();
    write_digits(line, abs / 1_000_000, 1);
    line.push(b'.');
    write_digits(line, abs % 1_000_000, 6);
}

/// `value` in decimal, zero-padded to at least `width` digits.
fn write_digits(line: &mut Vec<u8>, mut value: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut i = digits.len();
    while value > 0 || digits.len() - i < width {
        i -= 1;
        digits[i] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    line.extend_from_slice(&digits[i..]);
}

// ---------------------------------------------------------------------------
// Time: a month in Europe/London, timestamps written in UTC.

/// One month's calendar. Timestamps are kept as seconds since `origin`, one
/// hour before local midnight of the 1st, so that BST rows dated 23:xx UTC
/// on the previous day still count from zero.
struct MonthClock {
    days: u32,
    origin: i64,
    bst: (i64, i64),
}

const DAY: i64 = 86_400;

impl MonthClock {
    fn new(year: i32, month: u32) -> Self {
        let first = days_from_civil(year, month, 1);
        // UK summer time since 1996: from the last Sunday of March, 01:00 UTC,
        // to the last Sunday of October, 01:00 UTC.
        let last_sunday = |m| {
            let last = days_from_civil(year, m, days_in_month(year, m));
            last - (last + 4).rem_euclid(7)
        };
        MonthClock {
            days: days_in_month(year, month),
            origin: first * DAY - 3600,
            bst: (last_sunday(3) * DAY + 3600, last_sunday(10) * DAY + 3600),
        }
    }

    /// UTC seconds of a wall-clock time in London (the earlier reading when
    /// the clocks go back; a time skipped in spring falls an hour later).
    fn utc(&self, local: i64) -> i64 {
        let summer = local - 3600;
        if self.bst.0 <= summer && summer < self.bst.1 {
            summer
        } else {
            local
        }
    }

    fn starts_in_summer(&self) -> bool {
        self.utc(self.origin + 3600) == self.origin
    }

    /// `n` sorted timestamps; in a month that starts in BST the first few are
    /// placed in the hour after local midnight of the 1st (23:xx UTC the day
    /// before), and about 1% are date-only records at 00:00:00.
    fn timestamps(&self, rng: &mut SplitMix64, n: usize) -> Vec<u32> {
        let local_start = self.origin + 3600;
        let edge = if n >= MIN_ROWS && self.starts_in_summer() {
            (n / 1000).max(2)
        } else {
            0
        };
        let mut keys = Vec::with_capacity(n);
        for i in 0..n {
            let (day, hour) = if i < edge {
                (0, 0)
            } else {
                (rng.below(self.days as u64) as i64, HOURS.pick(rng) as i64)
            };
            let date_only = i >= edge && ((i == edge && n >= MIN_ROWS) || rng.chance(DATE_ONLY));
            let utc = if date_only {
                local_start + day * DAY
            } else {
                let minute = rng.below(60) as i64;
                let second = if rng.chance(WHOLE_SECONDS) {
                    0
                } else {
                    rng.below(60) as i64
                };
                self.utc(local_start + day * DAY + hour * 3600 + minute * 60 + second)
            };
            keys.push((utc - self.origin) as u32);
        }
        keys.sort_unstable();
        keys
    }

    /// `2019-01-04T21:13:00+00:00`
    fn write_date(&self, line: &mut Vec<u8>, key: u32) {
        let utc = self.origin + key as i64;
        let (day_number, seconds) = (utc.div_euclid(DAY), utc.rem_euclid(DAY) as u32);
        let (y, m, d) = civil_from_days(day_number);
        write_digits(line, y as u32, 4);
        line.push(b'-');
        write_digits(line, m, 2);
        line.push(b'-');
        write_digits(line, d, 2);
        line.push(b'T');
        write_digits(line, seconds / 3600, 2);
        line.push(b':');
        write_digits(line, seconds / 60 % 60, 2);
        line.push(b':');
        write_digits(line, seconds % 60, 2);
        line.extend_from_slice(b"+00:00");
    }
}

fn add_months(year: i32, month: u32, add: u32) -> (i32, u32) {
    let zero_based = year as i64 * 12 + (month as i64 - 1) + add as i64;
    (
        zero_based.div_euclid(12) as i32,
        zero_based.rem_euclid(12) as u32 + 1,
    )
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (H. Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = year as i64 - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

// ---------------------------------------------------------------------------
// PRNG: SplitMix64 (Steele, Lea, Flood 2014), fixed here for stable output.

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform-enough in `0..n` (Lemire's multiply-shift; bias below 2^-40 here).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    fn chance(&mut self, per_100k: u32) -> bool {
        self.below(100_000) < per_100k as u64
    }
}
