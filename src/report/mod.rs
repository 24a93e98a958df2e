//! Reports: aggregation (polars) into one [`Report`], and a renderer per
//! output format.

pub mod aggregate;
mod build;
pub mod design;
pub mod model;
pub mod public;
pub mod quality;
pub mod render;
pub mod svg;

#[cfg(test)]
mod tests;

pub use build::{build, ReportError, ReportInput, ReportOptions};
pub use model::{EstimateRules, Report};
