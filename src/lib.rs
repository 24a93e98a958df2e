//! `grounds`: the monthly reasonable-grounds review of police stop and search.
//!
//! The library holds the domain: reading exports ([`export`]), the verifiable
//! draw ([`sample`]), the workspace database ([`store`]), assessments
//! ([`assess`]), statistics ([`stats`]) and reports ([`report`]). None of it
//! knows about the command line; `src/main.rs` and `src/cmd/` do. The monthly
//! cycle itself (draw, verify, import, record, status, report) is in
//! [`workflow`], so every front end drives the same code.

#![deny(unsafe_code)]

pub mod assess;
pub mod batch;
pub mod display;
pub mod ethnicity;
pub mod export;
pub mod hashing;
pub mod interval_summary;
pub mod outputs;
pub mod powers;
pub mod report;
pub mod sample;
pub mod spreadsheet;
pub mod stats;
pub mod store;
pub mod synth;
mod threads;
pub mod wording;
pub mod workflow;
