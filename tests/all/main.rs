//! The one integration-test binary (as xsv does): every CLI test is a module
//! here, so polars is linked once, not once per test file.

mod browser;
mod common;
mod html_cli;
mod sample_cli;
mod sample_errors;
mod stats_cli;
mod synth_cli;
