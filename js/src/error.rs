//! Parse errors.

use std::fmt;

/// A parse-time error: `SyntaxError: <message> (line:col)`.
///
/// `line` and `column` are 1-based; the column counts UTF-16 code units from the
/// start of the line (as JavaScript engines usually report). `offset` is the byte
/// offset in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub line: u32,
    pub column: u32,
    pub offset: u32,
    /// The error's constructor name: "SyntaxError" almost always; "RangeError" is
    /// never produced by the parser itself but callers may reuse this type.
    pub kind: &'static str,
}

impl SyntaxError {
    /// Builds an error at byte `offset` of `src`, computing line and column.
    pub fn at(src: &str, offset: u32, message: impl Into<String>) -> SyntaxError {
        let (line, column) = line_col(src, offset as usize);
        SyntaxError { message: message.into(), line, column, offset, kind: "SyntaxError" }
    }
}

/// 1-based line and column (in UTF-16 units) of byte offset `off` in `src`.
/// Line terminators are LF, CR, CRLF, U+2028 and U+2029.
pub fn line_col(src: &str, off: usize) -> (u32, u32) {
    let mut off = off.min(src.len());
    while off > 0 && !src.is_char_boundary(off) {
        off -= 1;
    }
    let b = src.as_bytes();
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut i = 0usize;
    while i < off {
        match b[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' => {
                if i + 1 < b.len() && b[i + 1] == b'\n' {
                    i += 1;
                }
                line += 1;
                line_start = i + 1;
            }
            0xE2 if i + 2 < b.len() && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9) => {
                i += 2;
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let col: usize = src[line_start.min(off)..off].chars().map(|c| c.len_utf16()).sum();
    (line, col as u32 + 1)
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({}:{})", self.kind, self.message, self.line, self.column)
    }
}

impl std::error::Error for SyntaxError {}
