//! Assessments: the model, worksheets, importing.

pub mod fields;
pub mod import;
pub mod model;
pub mod review_date;
pub mod targets;
pub mod workbook;
pub mod worksheet;

pub use model::{Assessment, Bwv, Conduct, Gowisely, Grounds, InvalidValue, Referral};
