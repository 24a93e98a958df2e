//! Assessments: the model, worksheets, importing.

pub mod worksheet;
