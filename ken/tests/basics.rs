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
