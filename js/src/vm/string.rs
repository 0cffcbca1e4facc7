//! String cells and the atom table.
//!
//! A string cell holds UTF-16 code units (JavaScript strings may hold lone surrogates) after a
//! two-word header: `[header: kind STRING, flags, len][hash]`. Property keys are *atoms*: one
//! string cell per distinct content, found through a persistent open-addressing table, so key
//! comparison is offset comparison. The table holds its atoms weakly: the collector drops
//! atoms nothing else references.

use super::cells::{header, kind};
use super::value::Value;
use super::{Vm, VmResult};
use ken::PPtr;

pub const FLAG_ATOM: u8 = 1;
/// Longest string (in UTF-16 units), as in V8.
pub const MAX_STRING_LEN: usize = (1 << 29) - 24;

pub fn hash_units(u: &[u16]) -> u64 {
    // FNV-1a over the code units; stored in the cell so the table never rehashes contents.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in u {
        h ^= c as u64;
        h = h.wrapping_mul(0x1000_0000_01b3);
    }
    h & 0xFFFF_FFFF_FFFF
}

impl Vm {
    /// A new (non-atom) string cell with these code units.
    pub fn new_string(&mut self, units: &[u16]) -> VmResult<Value> {
        let off = self.alloc_string(units, 0)?;
        Ok(Value::string(off))
    }

    pub fn str_from(&mut self, s: &str) -> VmResult<Value> {
        let u: Vec<u16> = s.encode_utf16().collect();
        self.new_string(&u)
    }

    fn alloc_string(&mut self, units: &[u16], flags: u8) -> VmResult<u64> {
        if units.len() > MAX_STRING_LEN {
            return Err(self.throw_range("Invalid string length"));
        }
        let hdr = header(kind::STRING, flags, 0, units.len() as u32);
        let off = self.alloc_cell(16 + 2 * units.len() as u64, hdr)?;
        self.heap.write(PPtr::<u64>::from_offset(off + 8), hash_units(units));
        self.heap.slice_mut(PPtr::<u16>::from_offset(off + 16), units.len()).copy_from_slice(units);
        Ok(off)
    }

    /// Code units of the string `v`.
    #[inline]
    pub fn units(&self, v: Value) -> &[u16] {
        let off = v.off();
        let len = (self.heap.read(PPtr::<u64>::from_offset(off)) >> 32) as usize;
        self.heap.slice(PPtr::<u16>::from_offset(off + 16), len)
    }

    pub fn str_len(&self, v: Value) -> usize {
        (self.heap.read(PPtr::<u64>::from_offset(v.off())) >> 32) as usize
    }

    pub fn string_lossy(&self, v: Value) -> String {
        String::from_utf16_lossy(self.units(v))
    }

    fn str_hash(&self, v: Value) -> u64 {
        self.heap.read(PPtr::<u64>::from_offset(v.off() + 8))
    }

    pub fn is_atom(&self, v: Value) -> bool {
        v.is_str() && (self.heap.read(PPtr::<u64>::from_offset(v.off())) >> 8) as u8 & FLAG_ATOM != 0
    }

    pub fn str_eq(&self, a: Value, b: Value) -> bool {
        a == b || (self.str_len(a) == self.str_len(b) && self.str_hash(a) == self.str_hash(b) && self.units(a) == self.units(b))
    }

    // ----- atoms --------------------------------------------------------------------------

    fn atom_slot(&self, units: &[u16], h: u64) -> (usize, Option<u64>) {
        let m = self.realm();
        let cap = m.atoms_cap as usize;
        let table = self.heap.slice(PPtr::<u64>::from_offset(m.atoms), cap);
        let mut i = h as usize & (cap - 1);
        let mut first_tomb = None;
        loop {
            let e = table[i];
            if e == 0 {
                return (first_tomb.unwrap_or(i), None);
            }
            if e == 1 {
                first_tomb.get_or_insert(i);
            } else {
                let s = Value::string(e);
                if self.str_hash(s) == h && self.units(s) == units {
                    return (i, Some(e));
                }
            }
            i = (i + 1) & (cap - 1);
        }
    }

    /// The atom with these contents, if one exists (no allocation).
    pub fn find_atom(&self, units: &[u16]) -> Option<Value> {
        self.atom_slot(units, hash_units(units)).1.map(Value::string)
    }

    /// The atom with these contents (created if needed).
    pub fn intern(&mut self, units: &[u16]) -> VmResult<Value> {
        let h = hash_units(units);
        let (slot, found) = self.atom_slot(units, h);
        if let Some(e) = found {
            return Ok(Value::string(e));
        }
        let off = self.alloc_string(units, FLAG_ATOM)?;
        let m = self.realm();
        let was_tomb = self.heap.read(PPtr::<u64>::from_offset(m.atoms + slot as u64 * 8)) == 1;
        self.heap.write(PPtr::<u64>::from_offset(m.atoms + slot as u64 * 8), off);
        let rm = self.realm_mut();
        rm.atoms_count += 1;
        if was_tomb {
            rm.atoms_tombs -= 1;
        }
        if (rm.atoms_count + rm.atoms_tombs) * 4 > rm.atoms_cap * 3 {
            self.rehash_atoms()?;
        }
        Ok(Value::string(off))
    }

    pub fn intern_str(&mut self, s: &str) -> VmResult<Value> {
        let u: Vec<u16> = s.encode_utf16().collect();
        self.intern(&u)
    }

    /// The atom equal to the string `v` (which may already be one).
    pub fn intern_value(&mut self, v: Value) -> VmResult<Value> {
        if self.is_atom(v) {
            return Ok(v);
        }
        let u = self.units(v).to_vec();
        self.intern(&u)
    }

    fn rehash_atoms(&mut self) -> VmResult<()> {
        let m = self.realm();
        let old: Vec<u64> = self.heap.slice(PPtr::<u64>::from_offset(m.atoms), m.atoms_cap as usize).to_vec();
        let live = old.iter().filter(|&&e| e > 1).count() as u64;
        let mut cap = 64u64;
        while live * 2 >= cap {
            cap *= 2;
        }
        let table = self.heap.alloc(cap * 8)?;
        for &e in old.iter().filter(|&&e| e > 1) {
            let mut i = self.str_hash(Value::string(e)) as usize & (cap as usize - 1);
            loop {
                let p = PPtr::<u64>::from_offset(table + i as u64 * 8);
                if self.heap.read(p) == 0 {
                    self.heap.write(p, e);
                    break;
                }
                i = (i + 1) & (cap as usize - 1);
            }
        }
        self.heap.free(m.atoms, m.atoms_cap * 8);
        let rm = self.realm_mut();
        rm.atoms = table;
        rm.atoms_cap = cap;
        rm.atoms_count = live;
        rm.atoms_tombs = 0;
        Ok(())
    }

    /// Drops atoms the last marking did not reach (called between mark and sweep).
    pub(crate) fn sweep_atoms(&mut self) {
        let m = self.realm();
        let table: Vec<u64> = self.heap.slice(PPtr::<u64>::from_offset(m.atoms), m.atoms_cap as usize).to_vec();
        let mut dropped = 0;
        for (i, &e) in table.iter().enumerate() {
            if e > 1 && !self.cells.is_marked(e) {
                self.heap.write(PPtr::<u64>::from_offset(m.atoms + i as u64 * 8), 1);
                dropped += 1;
            }
        }
        if dropped > 0 {
            let rm = self.realm_mut();
            rm.atoms_count -= dropped;
            rm.atoms_tombs += dropped;
        }
    }

    /// Concatenation of two strings.
    pub fn concat(&mut self, a: Value, b: Value) -> VmResult<Value> {
        let (la, lb) = (self.str_len(a), self.str_len(b));
        if la == 0 {
            return Ok(b);
        }
        if lb == 0 {
            return Ok(a);
        }
        let mut u = Vec::with_capacity(la + lb);
        u.extend_from_slice(self.units(a));
        u.extend_from_slice(self.units(b));
        self.new_string(&u)
    }
}

/// Is `u` a canonical array index ("0", "17", not "017", below 2^32 - 1)?
pub fn array_index(u: &[u16]) -> Option<u32> {
    if u.is_empty() || u.len() > 10 || (u.len() > 1 && u[0] == b'0' as u16) {
        return None;
    }
    let mut n: u64 = 0;
    for &c in u {
        if !(b'0' as u16..=b'9' as u16).contains(&c) {
            return None;
        }
        n = n * 10 + (c - b'0' as u16) as u64;
    }
    if n < u32::MAX as u64 {
        Some(n as u32)
    } else {
        None
    }
}
