//! Excel workbooks (xlsx, xls) as CSV text, the way AutoGPT's pandas `read_excel(dtype=object,
//! keep_default_na=False)` then `to_csv(index=False, sep=delimiter)` writes them.

use std::io::Cursor;

use agentry_core::BlockError;
use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::Sheet;

fn unreadable(reason: impl std::fmt::Display) -> BlockError {
    BlockError::Input(format!("Unable to read Excel file: {reason}"))
}

/// One cell as pandas writes an object cell: integers without `.0`, Python's float and bool
/// spellings, dates as `YYYY-MM-DD HH:MM:SS`, empty cells empty.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Excel keeps every number as a float; a whole one was typed as an integer.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => crate::python::float(*f),
        Data::Bool(b) => if *b { "True" } else { "False" }.into(),
        Data::DateTime(dt) => dt.as_datetime().map_or_else(
            || dt.as_f64().to_string(),
            |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
        ),
        Data::Error(e) => e.to_string(),
    }
}

/// The chosen sheet of the workbook in `bytes` as CSV separated by `delimiter`: the first row is
/// the header (an empty header cell named `Unnamed: <i>`), rows with no value are left out.
pub fn to_csv(bytes: Vec<u8>, sheet: &Sheet, delimiter: u8) -> Result<String, BlockError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let count = book.sheet_names().len();
    let range = match sheet {
        Sheet::Index(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| book.worksheet_range_at(i))
            .ok_or_else(|| {
                unreadable(format!(
                    "Worksheet index {i} is invalid, {count} worksheets found"
                ))
            })?
            .map_err(unreadable)?,
        Sheet::Name(name) => book
            .worksheet_range(name)
            .map_err(|_| unreadable(format!("Worksheet named '{name}' not found")))?,
    };
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for (n, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        let record: Vec<String> = if n == 0 {
            let unnamed = |(i, c): (usize, String)| {
                if c.is_empty() {
                    format!("Unnamed: {i}")
                } else {
                    c
                }
            };
            cells.into_iter().enumerate().map(unnamed).collect()
        } else if cells.iter().all(String::is_empty) {
            continue;
        } else {
            cells
        };
        out.write_record(&record).map_err(unreadable)?;
    }
    let bytes = out.into_inner().map_err(unreadable)?;
    String::from_utf8(bytes).map_err(unreadable)
}
