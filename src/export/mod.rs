//! Reading stop-and-search exports: the data.police.uk profile or a force
//! export described by a column mapping; record ids; month assignment;
//! validation with file, line and column in every error.

mod error;
pub mod mapping;
pub mod month;
mod read_back;
pub mod records;
mod scan;
mod validate;

pub use error::{ExportError, Location};
pub use mapping::{ColumnMapping, ResolvedColumns, POLICE_UK, POLICE_UK_HEADER};
pub use month::{MonthWindow, NaiveDates, Stamp, YearMonth};
pub use read_back::read_back;
pub use scan::{
    is_minority_officer_defined, reject_repeated_paths, scan_month, EthnicityCount, InputSummary,
    MonthRecord, MonthScan,
};
