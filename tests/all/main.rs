//! The one integration-test binary (as xsv does): every CLI test is a module
//! here, so polars is linked once, not once per test file.

mod browser;
mod common;
mod csv_office;
mod demo_cli;
mod html_cli;
mod import_cli;
mod memory;
mod office;
mod readme;
mod record_cli;
mod reliability_cli;
mod report_cli;
mod sample_cli;
mod sample_errors;
mod stats_cli;
mod substitute_cli;
mod synth_cli;
mod workbook_office;
mod worksheets;
