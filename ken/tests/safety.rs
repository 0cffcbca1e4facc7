//! Safety at the door: damaged files give typed errors and are never written; a full disk
//! fails the turn and keeps the committed state; heaps are relocatable; the verification
//! mode turns a forgotten dirty mark into a crash.

mod common;
use common::TempDir;
use ken::storage::{FileStorage, Storage};
use ken::{Error, Heap, Opened, Options, PPtr, PAGE};
use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A heap with a committed linked list 1..=n reachable from the root (plus a second commit,
/// so both root slots are in use).
fn make_heap(d: &TempDir, n: u64) {
    let (mut h, _) = Heap::open(d.path(), Options::default()).unwrap();
    let mut head: PPtr<[u64; 2]> = PPtr::NULL;
    for v in (1..=n).rev() {
        head = h.alloc_value([v, head.offset()]).unwrap();
    }
    h.set_root(head);
    h.commit().unwrap();
    h.alloc(5000).unwrap();
    h.commit().unwrap();
}

fn list_values(h: &Heap) -> Vec<u64> {
    let mut out = Vec::new();
    let mut p: PPtr<[u64; 2]> = h.root();
    while !p.is_null() {
        let [v, next] = *h.get(p);
        out.push(v);
        p = PPtr::from_offset(next);
    }
    out
}

fn heap_file(d: &TempDir) -> std::path::PathBuf {
    d.path().join(ken::HEAP_FILE)
}

/// Opens a damaged heap and checks the error, and that the file was not written.
fn open_damaged(d: &TempDir) -> Error {
    let before = fs::read(heap_file(d)).unwrap();
    let err = match Heap::open(d.path(), Options::default()) {
        Ok(_) => panic!("a damaged heap opened"),
        Err(e) => e,
    };
    assert_eq!(fs::read(heap_file(d)).unwrap(), before, "a file that did not validate was written");
    assert!(!err.to_string().is_empty());
    err
}

fn flip(d: &TempDir, offset: usize) {
    let mut b = fs::read(heap_file(d)).unwrap();
    b[offset] ^= 0x40;
    fs::write(heap_file(d), b).unwrap();
}

#[test]
fn truncated_file() {
    for len in [0u64, 100, 3 * PAGE as u64, 10 * PAGE as u64] {
        let d = TempDir::new("trunc");
        make_heap(&d, 10);
        fs::OpenOptions::new().write(true).open(heap_file(&d)).unwrap().set_len(len).unwrap();
        match open_damaged(&d) {
            Error::Truncated { actual, .. } => assert_eq!(actual, len),
            e => panic!("len {len}: expected Truncated, got {e}"),
        }
    }
}

#[test]
fn foreign_file() {
    let d = TempDir::new("foreign");
    fs::write(heap_file(&d), vec![b'x'; 64 * 1024]).unwrap();
    assert!(matches!(open_damaged(&d), Error::Foreign { .. }));
}

#[test]
fn header_flip() {
    let d = TempDir::new("hdr");
    make_heap(&d, 10);
    flip(&d, 20);
    match open_damaged(&d) {
        Error::Corrupt { what, offset, .. } => {
            assert!(what.contains("header"), "{what}");
            assert_eq!(offset, 0);
        }
        e => panic!("expected Corrupt, got {e}"),
    }
}

#[test]
fn wrong_version() {
    let d = TempDir::new("ver");
    make_heap(&d, 10);
    let mut b = fs::read(heap_file(&d)).unwrap();
    let h = ken::format::Header { version: 99, page_size: PAGE as u32, heap_id: 1 };
    b[..PAGE].copy_from_slice(&h.encode());
    fs::write(heap_file(&d), b).unwrap();
    match open_damaged(&d) {
        Error::Version { found, expected, .. } => {
            assert_eq!(found, 99);
            assert_eq!(expected, ken::format::FORMAT_VERSION);
        }
        e => panic!("expected Version, got {e}"),
    }
}

#[test]
fn both_root_slots_flipped() {
    let d = TempDir::new("roots");
    make_heap(&d, 10);
    flip(&d, PAGE + 100);
    flip(&d, 2 * PAGE + 100);
    match open_damaged(&d) {
        Error::Corrupt { what, .. } => assert!(what.contains("no valid root") && what.contains("checksum"), "{what}"),
        e => panic!("expected Corrupt, got {e}"),
    }
}

#[test]
fn newest_slot_damaged_falls_back_to_previous_commit() {
    let d = TempDir::new("fallback");
    let (mut h, _) = Heap::open(d.path(), Options::default()).unwrap();
    let p = h.alloc_value(1u64).unwrap();
    h.set_root(p);
    h.commit().unwrap();
    *h.get_mut(p) = 2;
    h.commit().unwrap();
    let seq = h.stats().turns_committed;
    drop(h);
    flip(&d, ken::format::SLOT_PAGES[(seq % 2) as usize] as usize * PAGE + 50);
    let (h, o) = Heap::open(d.path(), Options::default()).unwrap();
    assert_eq!(o, Opened::Recovered { fell_back: true });
    assert_eq!(*h.get(h.root::<u64>()), 1, "the state of the previous commit");
}

#[test]
fn torn_page_of_last_commit_falls_back() {
    let d = TempDir::new("tornpage");
    let (mut h, _) = Heap::open(d.path(), Options::default()).unwrap();
    let p = h.alloc_value(7u64).unwrap();
    h.set_root(p);
    h.commit().unwrap();
    *h.get_mut(p) = 8;
    h.commit().unwrap();
    let seq = h.stats().turns_committed;
    drop(h);
    // Tear the page the last commit wrote for p (its location is in the commit record).
    let file = fs::read(heap_file(&d)).unwrap();
    let slot = ken::format::SLOT_PAGES[(seq % 2) as usize] as usize * PAGE;
    let root = ken::format::Root::decode(&file[slot..slot + PAGE]).ok().unwrap();
    let entries = ken::format::decode_entries(&root.inline_record);
    let e = entries.iter().find(|e| e.page == p.offset() / PAGE as u64).expect("p's page is in the record");
    flip(&d, e.loc as usize * PAGE + (p.offset() as usize % PAGE));
    let (h, o) = Heap::open(d.path(), Options::default()).unwrap();
    assert_eq!(o, Opened::Recovered { fell_back: true });
    assert_eq!(*h.get(h.root::<u64>()), 7);
}

/// A storage that fails writes with ENOSPC (or EIO) while armed.
struct Failing {
    inner: FileStorage,
    armed: Arc<AtomicBool>,
    errno: i32,
}

impl Storage for Failing {
    fn read_at(&self, b: &mut [u8], o: u64) -> std::io::Result<()> {
        self.inner.read_at(b, o)
    }
    fn write_at(&mut self, b: &[u8], o: u64) -> std::io::Result<()> {
        if self.armed.load(Ordering::SeqCst) {
            return Err(std::io::Error::from_raw_os_error(self.errno));
        }
        self.inner.write_at(b, o)
    }
    fn sync(&mut self) -> std::io::Result<()> {
        if self.armed.load(Ordering::SeqCst) {
            return Err(std::io::Error::from_raw_os_error(self.errno));
        }
        self.inner.sync()
    }
    fn len(&self) -> std::io::Result<u64> {
        self.inner.len()
    }
    fn set_len(&mut self, l: u64) -> std::io::Result<()> {
        self.inner.set_len(l)
    }
    fn file(&self) -> &fs::File {
        self.inner.file()
    }
}

fn failing_opts(armed: &Arc<AtomicBool>, errno: i32) -> Options {
    let armed = armed.clone();
    Options {
        wrap_storage: Some(Box::new(move |fs| Box::new(Failing { inner: fs, armed, errno }) as Box<dyn Storage>)),
        ..Options::default()
    }
}

#[test]
fn disk_full_fails_the_turn_and_keeps_the_committed_state() {
    for errno in [libc::ENOSPC, libc::EIO] {
        let d = TempDir::new("full");
        make_heap(&d, 50);
        let armed = Arc::new(AtomicBool::new(false));
        let (mut h, _) = Heap::open(d.path(), failing_opts(&armed, errno)).unwrap();
        armed.store(true, Ordering::SeqCst);
        let r = h.turn(|h| -> ken::Result<()> {
            let mut p: PPtr<[u64; 2]> = h.root();
            while !p.is_null() {
                h.get_mut(p)[0] *= 100;
                p = PPtr::from_offset(h.get(p)[1]);
            }
            for _ in 0..100 {
                h.alloc(3000)?;
            }
            Ok(())
        });
        match (errno, r) {
            (libc::ENOSPC, Err(Error::DiskFull { .. })) => {}
            (libc::EIO, Err(Error::Io { .. })) => {}
            (_, r) => panic!("errno {errno}: expected a typed error, got {:?}", r.map(|_| ())),
        }
        assert_eq!(list_values(&h), (1..=50).collect::<Vec<_>>(), "memory shows the committed state");
        armed.store(false, Ordering::SeqCst);
        // The process continues: the next turn commits.
        h.turn(|h| -> ken::Result<()> {
            let p: PPtr<[u64; 2]> = h.root();
            h.get_mut(p)[0] = 1000;
            Ok(())
        })
        .unwrap();
        drop(h);
        let (h, _) = Heap::open(d.path(), Options::default()).unwrap();
        let mut want: Vec<u64> = (1..=50).collect();
        want[0] = 1000;
        assert_eq!(list_values(&h), want);
    }
}

#[test]
fn relocation_same_heap_at_two_addresses() {
    let a = TempDir::new("reloc-a");
    let b = TempDir::new("reloc-b");
    make_heap(&a, 100);
    fs::copy(heap_file(&a), heap_file(&b)).unwrap();
    let (ha, _) = Heap::open(a.path(), Options::default()).unwrap();
    let (hb, _) = Heap::open(b.path(), Options::default()).unwrap();
    assert_ne!(ha.base_address(), hb.base_address(), "two mappings live at different addresses");
    let want: Vec<u64> = (1..=100).collect();
    assert_eq!(list_values(&ha), want);
    assert_eq!(list_values(&hb), want);
}

#[test]
fn panicking_turn_rolls_back() {
    let d = TempDir::new("panic");
    make_heap(&d, 5);
    let (mut h, _) = Heap::open(d.path(), Options::default()).unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = h.turn(|h| -> ken::Result<()> {
            let p: PPtr<[u64; 2]> = h.root();
            h.get_mut(p)[0] = 99;
            panic!("boom");
        });
    }));
    assert!(r.is_err());
    assert_eq!(list_values(&h), vec![1, 2, 3, 4, 5]);
    let e = h.turn(|h| -> Result<(), Error> {
        let p: PPtr<[u64; 2]> = h.root();
        h.get_mut(p)[0] = 42;
        Err(Error::Invalid("no".into()))
    });
    assert!(e.is_err());
    assert_eq!(list_values(&h), vec![1, 2, 3, 4, 5]);
}

#[test]
fn named_roots() {
    let d = TempDir::new("named");
    {
        let (mut h, _) = Heap::open(d.path(), Options::default()).unwrap();
        let p = h.alloc_value(5u64).unwrap();
        h.set_named_root("users", p).unwrap();
        assert!(h.set_named_root("", p).is_err());
        assert!(h.set_named_root(&"x".repeat(57), p).is_err());
        for i in 0..ken::NAMED_ROOTS - 1 {
            h.set_named_root(&format!("r{i}"), p).unwrap();
        }
        assert!(matches!(h.set_named_root("one-too-many", p), Err(Error::Invalid(_))));
        h.set_named_root("r0", PPtr::<u64>::NULL).unwrap();
        h.commit().unwrap();
    }
    let (h, _) = Heap::open(d.path(), Options::default()).unwrap();
    let p: PPtr<u64> = h.named_root("users").unwrap();
    assert_eq!(*h.get(p), 5);
    assert!(h.named_root::<u64>("r0").is_none());
    assert!(h.named_root::<u64>("nope").is_none());
}

/// In verification mode, writing to a page without marking it dirty must fault at once.
#[test]
fn verify_mode_catches_a_forgotten_mark() {
    if std::env::var("KEN_FORGET_MARK_CHILD").is_ok() {
        let d = TempDir::new("forget");
        let (mut h, _) = Heap::open(d.path(), Options { verify: true, ..Options::default() }).unwrap();
        let p = h.alloc_value(1u64).unwrap();
        h.commit().unwrap();
        let ptr = (h.base_address() + p.offset() as usize) as *mut u64;
        // SAFETY: deliberately wrong (a raw write into the heap without a dirty mark) to
        // show that the verification mode stops it: the page is read-only, so this faults.
        unsafe { std::ptr::write_volatile(ptr, 2) };
        println!("WRITE WAS NOT CAUGHT");
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["verify_mode_catches_a_forgotten_mark", "--exact", "--nocapture", "--test-threads=1"])
        .env("KEN_FORGET_MARK_CHILD", "1")
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(libc::SIGSEGV), "expected a SIGSEGV, got {:?}", out.status);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("WRITE WAS NOT CAUGHT"));
}

/// Every commit writes the slot of the commit before the last, never the last committed root:
/// from creation on (the creation root, sequence 1, lives in the slot sequence 2 leaves alone).
#[test]
fn each_commit_leaves_the_previous_root_intact() {
    let d = TempDir::new("slots");
    let (mut h, _) = Heap::open(d.path(), Options::default()).unwrap();
    for _ in 0..4 {
        let seq = h.stats().turns_committed;
        let file = fs::read(heap_file(&d)).unwrap();
        let mut seqs: Vec<u64> = ken::format::SLOT_PAGES
            .iter()
            .filter_map(|&s| ken::format::Root::decode(&file[s as usize * PAGE..(s as usize + 1) * PAGE]).ok())
            .map(|r| r.seq)
            .collect();
        seqs.sort();
        assert_eq!(seqs, vec![seq - 1, seq], "both the last root and the one before are on disk");
        h.alloc(100).unwrap();
        h.commit().unwrap();
    }
}

/// The state directory is private to its owner (0700) and so are its files (0600), whatever
/// the umask allows: the heap holds everything the program ever stored.
#[test]
fn state_directory_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = TempDir::new("modes");
    let state = d.path().join("nested").join("state");
    let (mut h, _) = Heap::open(&state, Options::default()).unwrap();
    h.alloc(64).unwrap();
    h.commit().unwrap();
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&state), 0o700, "state directory");
    assert_eq!(mode(&d.path().join("nested")), 0o700, "created parent directory");
    let files: Vec<_> = fs::read_dir(&state).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(files.iter().any(|p| p.ends_with(ken::HEAP_FILE)), "{files:?}");
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
}
