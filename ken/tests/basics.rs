mod common;
use common::TempDir;
use ken::{Error, Heap, Opened, Options, PPtr};

#[test]
fn create_commit_reopen() {
    let d = TempDir::new("basic");
    let (mut h, o) = Heap::open(d.path(), Options::default()).unwrap();
    assert_eq!(o, Opened::Created);
    let p = h.alloc_value([1u64, 2, 3]).unwrap();
    h.set_root(p);
    h.commit().unwrap();
    h.get_mut(p)[1] = 20;
    h.rollback().unwrap();
    assert_eq!(*h.get(p), [1, 2, 3]);
    h.get_mut(p)[2] = 30;
    h.commit().unwrap();
    drop(h);
    let (h, o) = Heap::open(d.path(), Options::default()).unwrap();
    assert_eq!(o, Opened::Recovered { fell_back: false });
    let p: PPtr<[u64; 3]> = h.root();
    assert_eq!(*h.get(p), [1, 2, 30]);
}

#[test]
fn second_opener_is_refused_with_pid() {
    let d = TempDir::new("lock");
    let (_h, _) = Heap::open(d.path(), Options::default()).unwrap();
    match Heap::open(d.path(), Options::default()) {
        Err(Error::Locked { holder_pid, .. }) => assert_eq!(holder_pid, Some(std::process::id())),
        other => panic!("expected Locked, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn written_pages_cover_every_write_since_the_last_take() {
    let d = TempDir::new("written");
    let (mut heap, _) = Heap::open(d.path(), Options::default()).unwrap();
    let a = heap.alloc(3 * 4096).unwrap();
    heap.commit().unwrap();
    let page = |off: u64| off / 4096;
    let _ = heap.take_written_pages();
    // a write in a turn, taken in the same turn
    heap.write(PPtr::<u64>::from_offset(a), 1);
    assert_eq!(heap.take_written_pages(), vec![page(a)]);
    // the same page written again in the same turn (already dirty): still recorded
    heap.write(PPtr::<u64>::from_offset(a), 2);
    heap.commit().unwrap();
    assert_eq!(heap.take_written_pages(), vec![page(a)]);
    // nothing written: nothing taken
    assert!(heap.take_written_pages().is_empty());
    // writes over two committed turns and a rolled-back one are all reported, once each
    heap.write(PPtr::<u64>::from_offset(a + 4096), 3);
    heap.commit().unwrap();
    heap.write(PPtr::<u64>::from_offset(a + 4096), 4);
    heap.write(PPtr::<u64>::from_offset(a + 8192), 5);
    heap.rollback().unwrap();
    let mut got = heap.take_written_pages();
    got.sort();
    assert_eq!(got, vec![page(a + 4096), page(a + 8192)]);
    assert_eq!(heap.read(PPtr::<u64>::from_offset(a + 4096)), 3);
}
