//! Aggregation and renderers.

pub mod svg;
