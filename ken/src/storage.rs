//! The storage seam: every byte `ken` writes to, or validates from, the heap file goes through
//! a [`Storage`]. Tests put a fault-injecting layer here (dropped, torn or garbage writes at a
//! simulated power cut; EIO and ENOSPC on demand) under a real heap.
//!
//! The heap *reads* its pages through a private memory mapping of [`Storage::file`], so a
//! layer must pass writes through to that file (buffering only its own record of what is not
//! yet durable).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

pub trait Storage: Send {
    /// Reads exactly `buf.len()` bytes at `offset`; a short file is an `UnexpectedEof` error.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()>;
    /// Writes all of `buf` at `offset`. Not durable until [`Storage::sync`] returns.
    fn write_at(&mut self, buf: &[u8], offset: u64) -> io::Result<()>;
    /// Makes every earlier write durable (`fdatasync`).
    fn sync(&mut self) -> io::Result<()>;
    fn len(&self) -> io::Result<u64>;
    fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }
    /// Grows (or shrinks) the file; new bytes read as zero.
    fn set_len(&mut self, len: u64) -> io::Result<()>;
    /// The underlying file, which the heap maps privately to read pages.
    fn file(&self) -> &File;
}

/// The plain implementation: a file, `pread`/`pwrite`, `fdatasync`.
pub struct FileStorage {
    file: File,
}

impl FileStorage {
    pub fn new(file: File) -> FileStorage {
        FileStorage { file }
    }
}

impl Storage for FileStorage {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.file.read_exact_at(buf, offset)
    }
    fn write_at(&mut self, buf: &[u8], offset: u64) -> io::Result<()> {
        self.file.write_all_at(buf, offset)
    }
    fn sync(&mut self) -> io::Result<()> {
        crate::sys::fdatasync(&self.file)
    }
    fn len(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.len())
    }
    fn set_len(&mut self, len: u64) -> io::Result<()> {
        self.file.set_len(len)
    }
    fn file(&self) -> &File {
        &self.file
    }
}
