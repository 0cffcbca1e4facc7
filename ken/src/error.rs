//! The typed errors of the heap. Every problem a file or the disk can cause is one of these;
//! none of them is a panic.

use std::fmt;
use std::io;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// Another process holds the heap's lock.
    Locked { path: PathBuf, holder_pid: Option<u32> },
    /// The file is not a ken heap at all (wrong magic).
    Foreign { path: PathBuf },
    /// The heap was written by a build with another format version.
    Version { path: PathBuf, found: u32, expected: u32 },
    /// The file is shorter than its own records say it must be.
    Truncated { path: PathBuf, needed: u64, actual: u64 },
    /// A checksum or structural check failed: `what` names the check, `offset` the byte
    /// offset in the file where the damaged record starts.
    Corrupt { path: PathBuf, what: String, offset: u64 },
    /// The disk is full; the turn was rolled back and the last committed state is intact.
    DiskFull { path: PathBuf },
    /// The heap's address space (see `Options::reserve`) is exhausted.
    HeapFull { requested: u64, limit: u64 },
    /// A commit failed in a way that left the on-disk root uncertain and the attempt to repair
    /// it failed too; the heap refuses further turns. Reopen it to continue.
    Poisoned { reason: String },
    /// A request the heap cannot honour (a bad root name, a full root table).
    Invalid(String),
    /// Any other I/O failure, with what was being done.
    Io { path: PathBuf, during: &'static str, source: io::Error },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn io(path: &std::path::Path, during: &'static str, source: io::Error) -> Error {
        if source.raw_os_error() == Some(libc::ENOSPC) || source.kind() == io::ErrorKind::StorageFull {
            return Error::DiskFull { path: path.to_path_buf() };
        }
        Error::Io { path: path.to_path_buf(), during, source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Locked { path, holder_pid: Some(pid) } => {
                write!(f, "heap {} is in use by another process (pid {pid})", path.display())
            }
            Error::Locked { path, holder_pid: None } => {
                write!(f, "heap {} is in use by another process", path.display())
            }
            Error::Foreign { path } => write!(f, "{} is not a ken heap (bad magic number)", path.display()),
            Error::Version { path, found, expected } => write!(
                f,
                "heap {} has format version {found}, but this build reads version {expected}",
                path.display()
            ),
            Error::Truncated { path, needed, actual } => write!(
                f,
                "heap {} is truncated: it needs {needed} bytes but has {actual}",
                path.display()
            ),
            Error::Corrupt { path, what, offset } => {
                write!(f, "heap {} is corrupt: {what} (at byte offset {offset})", path.display())
            }
            Error::DiskFull { path } => write!(
                f,
                "disk full while committing to {}; the turn was rolled back",
                path.display()
            ),
            Error::HeapFull { requested, limit } => write!(
                f,
                "heap full: {requested} bytes requested, the address-space limit is {limit} bytes"
            ),
            Error::Invalid(m) => write!(f, "{m}"),
            Error::Poisoned { reason } => write!(f, "heap refuses further turns: {reason}; reopen it"),
            Error::Io { path, during, source } => {
                write!(f, "I/O error on {} while {during}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
