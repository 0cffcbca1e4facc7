//! The only module of `ken` with `unsafe` code: the memory mapping of the heap file, page
//! protection for the verification mode, and the advisory lock. Everything here is a thin,
//! checked wrapper over one libc call.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;

pub const PAGE: usize = 4096;

/// A reserved range of address space into which the heap file is mapped privately
/// (copy-on-write). The base address never moves while the `Mapping` lives, so references
/// handed out by the heap stay valid until the heap is dropped.
pub struct Mapping {
    base: *mut u8,
    reserved: usize,
    mapped: usize,
    read_only_new: bool,
}

// SAFETY: the mapping is plain memory owned by one `Mapping`; moving it to another thread
// moves the ownership with it. Shared access goes through `&Mapping`, which only reads.
unsafe impl Send for Mapping {}

impl Mapping {
    /// Reserves `reserve` bytes of address space (no memory is committed).
    pub fn reserve(mut reserve: usize) -> io::Result<Mapping> {
        loop {
            // SAFETY: an anonymous PROT_NONE reservation at an address of the kernel's choice
            // touches no existing mapping.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    reserve,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                    -1,
                    0,
                )
            };
            if p != libc::MAP_FAILED {
                return Ok(Mapping { base: p as *mut u8, reserved: reserve, mapped: 0, read_only_new: false });
            }
            // Address-space limits (ulimit -v) may refuse a large reservation: try smaller.
            if reserve <= 64 << 20 {
                return Err(io::Error::last_os_error());
            }
            reserve /= 2;
        }
    }

    pub fn base(&self) -> *mut u8 {
        self.base
    }
    pub fn mapped(&self) -> usize {
        self.mapped
    }
    pub fn reserved(&self) -> usize {
        self.reserved
    }

    /// In verification mode newly mapped pages start read-only, like committed ones.
    pub fn set_read_only_new(&mut self, yes: bool) {
        self.read_only_new = yes;
    }

    /// Maps file bytes `[self.mapped, len)` privately at the same offsets of the reservation.
    /// The file must already be at least `len` bytes long.
    pub fn extend(&mut self, file: &File, len: usize) -> io::Result<()> {
        if len <= self.mapped {
            return Ok(());
        }
        if len > self.reserved {
            return Err(io::Error::new(
                io::ErrorKind::OutOfMemory,
                format!("heap would exceed the reserved address space of {} bytes", self.reserved),
            ));
        }
        let prot = if self.read_only_new { libc::PROT_READ } else { libc::PROT_READ | libc::PROT_WRITE };
        // SAFETY: the target range lies inside our own reservation (checked above), so
        // MAP_FIXED replaces only pages this Mapping owns; nothing references them yet.
        let p = unsafe {
            libc::mmap(
                self.base.add(self.mapped) as *mut libc::c_void,
                len - self.mapped,
                prot,
                libc::MAP_PRIVATE | libc::MAP_FIXED,
                file.as_raw_fd(),
                self.mapped as libc::off_t,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        self.mapped = len;
        Ok(())
    }

    #[inline]
    pub fn bytes(&self, off: usize, len: usize) -> &[u8] {
        assert!(off.checked_add(len).is_some_and(|e| e <= self.mapped), "heap access out of bounds");
        // SAFETY: the range is inside the mapped part (checked above) and the mapping lives
        // as long as `self`.
        unsafe { std::slice::from_raw_parts(self.base.add(off), len) }
    }

    /// The word at `off` (any alignment): the hot read of the heap, one comparison.
    #[inline(always)]
    pub fn read_u64(&self, off: usize) -> u64 {
        // `mapped` is 0 or at least a page, so `mapped - 8` does not wrap when it matters
        assert!(self.mapped >= 8 && off <= self.mapped - 8, "heap access out of bounds");
        // SAFETY: `[off, off + 8)` is inside the mapped part (checked above), which lives as
        // long as `self`; the read is unaligned-safe.
        unsafe { std::ptr::read_unaligned(self.base.add(off) as *const u64) }
    }

    #[inline]
    pub fn bytes_mut(&mut self, off: usize, len: usize) -> &mut [u8] {
        assert!(off.checked_add(len).is_some_and(|e| e <= self.mapped), "heap access out of bounds");
        // SAFETY: as in `bytes`; `&mut self` guarantees exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.base.add(off), len) }
    }

    /// Throws away the private copy of one page, so it shows the file's content again.
    pub fn discard_page(&mut self, page: u64) -> io::Result<()> {
        let off = page as usize * PAGE;
        assert!(off + PAGE <= self.mapped);
        // SAFETY: the page is inside our mapping; MADV_DONTNEED on a private file mapping
        // only drops our copy-on-write copy. No reference to it survives: callers hold
        // `&mut self` of the heap.
        let r = unsafe { libc::madvise(self.base.add(off) as *mut libc::c_void, PAGE, libc::MADV_DONTNEED) };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Changes the protection of `[off, off+len)` (page aligned) to read-only or read-write.
    pub fn protect(&mut self, off: usize, len: usize, writable: bool) -> io::Result<()> {
        assert!(off % PAGE == 0 && off + len <= self.mapped);
        if len == 0 {
            return Ok(());
        }
        let prot = if writable { libc::PROT_READ | libc::PROT_WRITE } else { libc::PROT_READ };
        // SAFETY: the range is page aligned and inside our mapping.
        let r = unsafe { libc::mprotect(self.base.add(off) as *mut libc::c_void, len, prot) };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: we unmap exactly the reservation we created; no references outlive `self`.
        unsafe {
            libc::munmap(self.base as *mut libc::c_void, self.reserved);
        }
    }
}

/// Takes an exclusive, non-blocking advisory lock on `file`. Returns `Ok(false)` when another
/// process holds it. The lock is released when the file is closed (including on a crash).
pub fn try_lock_exclusive(file: &File) -> io::Result<bool> {
    // SAFETY: flock on a valid, open descriptor owned by `file`.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

/// `fdatasync(2)`: makes written data durable without forcing unrelated metadata.
pub fn fdatasync(file: &File) -> io::Result<()> {
    // SAFETY: fdatasync on a valid descriptor owned by `file`.
    let r = unsafe { libc::fdatasync(file.as_raw_fd()) };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn private_mapping_sees_file_and_discard_reverts() {
        let dir = std::env::temp_dir().join(format!("ken-sys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        let mut f = File::options().read(true).write(true).create(true).truncate(true).open(&path).unwrap();
        f.write_all(&vec![7u8; 2 * PAGE]).unwrap();
        let mut m = Mapping::reserve(1 << 30).unwrap();
        m.extend(&f, 2 * PAGE).unwrap();
        assert_eq!(m.bytes(PAGE, 4), &[7, 7, 7, 7]);
        m.bytes_mut(PAGE, 1)[0] = 9;
        assert_eq!(m.bytes(PAGE, 1), &[9]);
        m.discard_page(1).unwrap();
        assert_eq!(m.bytes(PAGE, 1), &[7], "discard must restore the file's content");
        drop(m);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    #[should_panic(expected = "out of bounds")]
    fn access_beyond_mapping_panics() {
        let m = Mapping::reserve(1 << 24).unwrap();
        let _ = m.bytes(0, 1);
    }
}
