//! The on-disk records: the header page, the two root slots and the commit record.
//! `docs/file-format.md` describes the same layout in prose; keep the two in step.

use crate::sys::PAGE;

pub const MAGIC: &[u8; 8] = b"KENHEAP\0";
pub const ROOT_MAGIC: &[u8; 8] = b"KENROOT\0";
/// Bump this whenever the file layout or the layout of anything `ken` keeps in the heap
/// changes; a heap of another version fails to open with `Error::Version`.
pub const FORMAT_VERSION: u32 = 1;

pub const HEADER_PAGE: u64 = 0;
pub const SLOT_PAGES: [u64; 2] = [1, 2];
/// The allocator's metadata page: the first page of the heap proper.
pub const META_PAGE: u64 = 3;
/// The first overflow extent is created with the heap, right after the meta page.
pub const FIRST_OVERFLOW: u64 = 4;
pub const FIRST_OVERFLOW_PAGES: u64 = 256;

pub const MAX_EXTENTS: usize = 40;
const SLOT_FIXED: usize = 64 + MAX_EXTENTS * 16;
/// Bytes of commit record that fit in the root slot itself.
pub const INLINE_RECORD: usize = PAGE - SLOT_FIXED - 8;
/// Payload bytes of one chained record page (the first 8 bytes link to the next page).
pub const RECORD_PAGE_PAYLOAD: usize = PAGE - 8;
pub const ENTRY_BYTES: usize = 24;

/// A 64-bit checksum (multiply-rotate over 64-bit words, then a strong final mix). Not
/// cryptographic: it detects torn, stale and garbage pages.
pub fn checksum(data: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = K ^ (data.len() as u64).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap());
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 29)
}

fn put(buf: &mut [u8], at: usize, v: u64) {
    buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
}
fn get(buf: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(buf[at..at + 8].try_into().unwrap())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    pub page_size: u32,
    pub heap_id: u64,
}

pub enum HeaderError {
    Foreign,
    Checksum,
    Version(u32),
    PageSize(u32),
}

impl Header {
    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0u8; PAGE];
        b[..8].copy_from_slice(MAGIC);
        put(&mut b, 8, self.version as u64 | (self.page_size as u64) << 32);
        put(&mut b, 16, self.heap_id);
        let c = checksum(&b[..24]);
        put(&mut b, 24, c);
        b
    }

    pub fn decode(b: &[u8]) -> Result<Header, HeaderError> {
        if &b[..8] != MAGIC {
            return Err(HeaderError::Foreign);
        }
        if checksum(&b[..24]) != get(b, 24) {
            return Err(HeaderError::Checksum);
        }
        let vp = get(b, 8);
        let h = Header { version: vp as u32, page_size: (vp >> 32) as u32, heap_id: get(b, 16) };
        if h.version != FORMAT_VERSION {
            return Err(HeaderError::Version(h.version));
        }
        if h.page_size as usize != PAGE {
            return Err(HeaderError::PageSize(h.page_size));
        }
        Ok(h)
    }
}

/// One overflow extent: `pages` consecutive file pages starting at `start`, used only as
/// shadow locations for pages whose home is being rewritten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extent {
    pub start: u64,
    pub pages: u64,
}

/// The content of a root slot: everything needed to find the committed state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub seq: u64,
    pub heap_id: u64,
    /// Pages in use by the file (heap pages and overflow extents), i.e. the file's logical end.
    pub top: u64,
    pub extents: Vec<Extent>,
    pub record_len: u64,
    pub record_checksum: u64,
    /// 0 when the commit record is inline in the slot, else the first chained record page.
    pub record_first: u64,
    pub inline_record: Vec<u8>,
}

pub enum SlotError {
    Magic,
    Checksum,
    Structure(&'static str),
}

impl Root {
    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0u8; PAGE];
        b[..8].copy_from_slice(ROOT_MAGIC);
        put(&mut b, 8, self.seq);
        put(&mut b, 16, self.heap_id);
        put(&mut b, 24, self.top);
        put(&mut b, 32, self.extents.len() as u64);
        put(&mut b, 40, self.record_len);
        put(&mut b, 48, self.record_checksum);
        put(&mut b, 56, self.record_first);
        for (i, e) in self.extents.iter().enumerate() {
            put(&mut b, 64 + i * 16, e.start);
            put(&mut b, 72 + i * 16, e.pages);
        }
        b[SLOT_FIXED..SLOT_FIXED + self.inline_record.len()].copy_from_slice(&self.inline_record);
        let c = checksum(&b[..PAGE - 8]);
        put(&mut b, PAGE - 8, c);
        b
    }

    pub fn decode(b: &[u8]) -> Result<Root, SlotError> {
        if &b[..8] != ROOT_MAGIC {
            return Err(SlotError::Magic);
        }
        if checksum(&b[..PAGE - 8]) != get(b, PAGE - 8) {
            return Err(SlotError::Checksum);
        }
        let n = get(b, 32) as usize;
        if n > MAX_EXTENTS {
            return Err(SlotError::Structure("too many overflow extents"));
        }
        let extents = (0..n).map(|i| Extent { start: get(b, 64 + i * 16), pages: get(b, 72 + i * 16) }).collect();
        let record_len = get(b, 40);
        let record_first = get(b, 56);
        if record_len % ENTRY_BYTES as u64 != 0 {
            return Err(SlotError::Structure("commit record length is not a whole number of entries"));
        }
        let inline_record = if record_first == 0 {
            if record_len as usize > INLINE_RECORD {
                return Err(SlotError::Structure("inline commit record longer than the slot"));
            }
            b[SLOT_FIXED..SLOT_FIXED + record_len as usize].to_vec()
        } else {
            Vec::new()
        };
        Ok(Root {
            seq: get(b, 8),
            heap_id: get(b, 16),
            top: get(b, 24),
            extents,
            record_len,
            record_checksum: get(b, 48),
            record_first,
            inline_record,
        })
    }
}

/// One page written by a commit: logical page `page` now lives at file page `loc`
/// (`loc == page` for its home location), and its content has checksum `sum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub page: u64,
    pub loc: u64,
    pub sum: u64,
}

pub fn encode_entries(entries: &[Entry]) -> Vec<u8> {
    let mut b = vec![0u8; entries.len() * ENTRY_BYTES];
    for (i, e) in entries.iter().enumerate() {
        put(&mut b, i * 24, e.page);
        put(&mut b, i * 24 + 8, e.loc);
        put(&mut b, i * 24 + 16, e.sum);
    }
    b
}

pub fn decode_entries(b: &[u8]) -> Vec<Entry> {
    b.chunks_exact(ENTRY_BYTES)
        .map(|c| Entry { page: get(c, 0), loc: get(c, 8), sum: get(c, 16) })
        .collect()
}

/// Number of chained record pages a record of `len` bytes needs (0 if it fits inline).
pub fn record_pages(len: usize) -> usize {
    if len <= INLINE_RECORD {
        0
    } else {
        len.div_ceil(RECORD_PAGE_PAYLOAD)
    }
}

/// Lays `record` out over the chained pages `locs`: each page starts with the next page's
/// number (0 at the end).
pub fn encode_record_pages(record: &[u8], locs: &[u64]) -> Vec<Vec<u8>> {
    record
        .chunks(RECORD_PAGE_PAYLOAD)
        .enumerate()
        .map(|(i, chunk)| {
            let mut p = vec![0u8; PAGE];
            put(&mut p, 0, locs.get(i + 1).copied().unwrap_or(0));
            p[8..8 + chunk.len()].copy_from_slice(chunk);
            p
        })
        .collect()
}

pub fn next_record_page(page: &[u8]) -> u64 {
    get(page, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_round_trips_and_detects_flips() {
        let r = Root {
            seq: 7,
            heap_id: 42,
            top: 300,
            extents: vec![Extent { start: 4, pages: 256 }],
            record_len: 48,
            record_checksum: 5,
            record_first: 0,
            inline_record: encode_entries(&[Entry { page: 3, loc: 3, sum: 1 }, Entry { page: 9, loc: 5, sum: 2 }]),
        };
        let mut b = r.encode();
        assert_eq!(Root::decode(&b).ok(), Some(r));
        b[100] ^= 1;
        assert!(matches!(Root::decode(&b), Err(SlotError::Checksum)));
    }

    #[test]
    fn checksum_sees_every_byte() {
        let a = vec![0u8; PAGE];
        let base = checksum(&a);
        for i in [0, 1, 7, 8, 511, 512, 4095] {
            let mut b = a.clone();
            b[i] = 1;
            assert_ne!(checksum(&b), base, "byte {i}");
        }
        assert_ne!(checksum(&a[..PAGE - 1]), base, "length matters");
    }

    #[test]
    fn record_pages_chain() {
        let entries: Vec<Entry> = (0..1000).map(|i| Entry { page: i, loc: i + 1, sum: i * 3 }).collect();
        let rec = encode_entries(&entries);
        let n = record_pages(rec.len());
        assert!(n >= 2);
        let locs: Vec<u64> = (100..100 + n as u64).collect();
        let pages = encode_record_pages(&rec, &locs);
        assert_eq!(pages.len(), n);
        let mut back = Vec::new();
        for (i, p) in pages.iter().enumerate() {
            assert_eq!(next_record_page(p), locs.get(i + 1).copied().unwrap_or(0));
            let take = (rec.len() - back.len()).min(RECORD_PAGE_PAYLOAD);
            back.extend_from_slice(&p[8..8 + take]);
        }
        assert_eq!(decode_entries(&back), entries);
    }
}
