//! Criterion benchmarks of the per-row work of `grounds sample`: record-id
//! hashing, month assignment and ranking. Run with `cargo bench --bench hot`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use grounds::export::month::{parse_iso, MonthWindow, NaiveDates};
use grounds::hashing::{record_content_digest, record_id_from_digest};
use grounds::sample::{rank, Candidate};

const ROW: [&str; 15] = [
    "Person search",
    "2019-07-14T21:13:00+00:00",
    "",
    "",
    "51.271011",
    "1.085487",
    "Male",
    "18-24",
    "White - English/Welsh/Scottish/Northern Irish/British",
    "White",
    "Misuse of Drugs Act 1971 (section 23)",
    "Controlled drugs",
    "A no further action disposal",
    "False",
    "",
];

fn record_ids(c: &mut Criterion) {
    let mut group = c.benchmark_group("record_id");
    group.throughput(Throughput::Elements(1));
    group.bench_function("content digest + id", |b| {
        b.iter(|| {
            let digest = record_content_digest(black_box(ROW).iter().map(|f| f.as_bytes()));
            record_id_from_digest(&digest, 1)
        })
    });
    group.finish();
}

fn month_assignment(c: &mut Criterion) {
    let window = MonthWindow::new(
        "2019-07".parse().unwrap(),
        chrono_tz::Europe::London,
        NaiveDates::Local,
    );
    let mut group = c.benchmark_group("month");
    group.throughput(Throughput::Elements(1));
    group.bench_function("parse ISO date + window test", |b| {
        b.iter(|| {
            window.contains(parse_iso(black_box(ROW[1].as_bytes()), NaiveDates::Local).unwrap())
        })
    });
    group.finish();
}

fn ranking(c: &mut Criterion) {
    let ids: Vec<String> = (0..45_000).map(|i| format!("h{i:016x}-1")).collect();
    let candidates: Vec<Candidate<'_>> = ids.iter().map(|id| Candidate::plain(id)).collect();
    let mut group = c.benchmark_group("rank");
    group.throughput(Throughput::Elements(candidates.len() as u64));
    group.sample_size(20);
    group.bench_function("45,000 records (a large force's month)", |b| {
        b.iter(|| rank(black_box(&candidates), "seed", "2019-07"))
    });
    group.finish();
}

criterion_group!(benches, record_ids, month_assignment, ranking);
criterion_main!(benches);
