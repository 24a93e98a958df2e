//! The one integration-test binary (as xsv does): every CLI test is a module
//! here, so polars is linked once, not once per test file.

mod agreement_cli;
mod bad_inputs;
mod browser;
mod common;
mod csv_office;
mod demo_cli;
mod design_oracle_cli;
mod design_report;
mod extend_cli;
mod html_cli;
mod import_cli;
#[cfg(target_os = "linux")] // peak memory is read from Linux rusage (KiB)
mod memory;
mod office;
// The example program's cycle, run as a test (cargo test only builds examples).
#[path = "../../examples/monthly_cycle.rs"]
mod monthly_cycle;
mod plan_cli;
mod read_only;
mod readme;
mod record_cli;
mod reliability_cli;
mod report_cli;
mod sample_cli;
mod sample_errors;
mod second_review;
mod stats_cli;
mod stratified_cli;
mod stratified_draw;
mod substitute_cli;
mod synth_cli;
mod workbook_office;
mod worksheets;
mod xlsx_cli;
