//! The datagram format of Ken messages (see docs/messaging.md). One UDP datagram carries one
//! message or one acknowledgement; every field is checked before anything acts on it, and a
//! datagram that fails a check is dropped.
//!
//! ```text
//! offset size
//!  0     4    magic "KENM"
//!  4     1    version (1)
//!  5     1    kind: 1 data, 2 ack
//!  6     2    length of the sender's ADDR (u16, at most 64)
//!  8     8    session: data: the sender's; ack: the session of the sender being acknowledged
//! 16     8    seq: data: the message's sequence number (from 1); ack: the last one delivered
//! 24     4    payload length (u32; 0 for an ack, at most MAX_PAYLOAD)
//! 28     n    the sender's ADDR, "IP:PORT" in UTF-8 (must equal the datagram's source address)
//! 28+n   m    payload: the message's JSON text in UTF-8 (empty for undefined)
//! end-8  8    checksum: FNV-1a 64 of every byte before it
//! ```
//! All integers are little-endian.

use std::net::SocketAddr;

pub const MAGIC: &[u8; 4] = b"KENM";
pub const VERSION: u8 = 1;
pub const HEADER: usize = 28;
pub const MAX_ADDR: usize = 64;
pub use js::builtins::host::MAX_PAYLOAD;
/// The largest datagram this format produces (well under UDP's 65,507).
pub const MAX_DATAGRAM: usize = HEADER + MAX_ADDR + MAX_PAYLOAD + 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Data,
    Ack,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub kind: Kind,
    pub sender: SocketAddr,
    pub session: u64,
    pub seq: u64,
    pub payload: Vec<u8>,
}

pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x1000_0000_01b3);
    }
    h
}

pub fn encode(f: &Frame) -> Vec<u8> {
    let addr = f.sender.to_string();
    let mut out = Vec::with_capacity(HEADER + addr.len() + f.payload.len() + 8);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.push(match f.kind {
        Kind::Data => 1,
        Kind::Ack => 2,
    });
    out.extend_from_slice(&(addr.len() as u16).to_le_bytes());
    out.extend_from_slice(&f.session.to_le_bytes());
    out.extend_from_slice(&f.seq.to_le_bytes());
    out.extend_from_slice(&(f.payload.len() as u32).to_le_bytes());
    out.extend_from_slice(addr.as_bytes());
    out.extend_from_slice(&f.payload);
    let c = checksum(&out);
    out.extend_from_slice(&c.to_le_bytes());
    out
}

/// Why a datagram was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Short,
    Magic,
    Version,
    Kind,
    Length,
    Checksum,
    Address,
    Seq,
}

pub fn decode(d: &[u8]) -> Result<Frame, Refused> {
    if d.len() < HEADER + 8 {
        return Err(Refused::Short);
    }
    if &d[0..4] != MAGIC {
        return Err(Refused::Magic);
    }
    if d[4] != VERSION {
        return Err(Refused::Version);
    }
    let kind = match d[5] {
        1 => Kind::Data,
        2 => Kind::Ack,
        _ => return Err(Refused::Kind),
    };
    let u64_at = |i: usize| u64::from_le_bytes(d[i..i + 8].try_into().unwrap());
    let addr_len = u16::from_le_bytes([d[6], d[7]]) as usize;
    let payload_len = u32::from_le_bytes(d[24..28].try_into().unwrap()) as usize;
    if addr_len > MAX_ADDR || payload_len > MAX_PAYLOAD || (kind == Kind::Ack && payload_len != 0) {
        return Err(Refused::Length);
    }
    if d.len() != HEADER + addr_len + payload_len + 8 {
        return Err(Refused::Length);
    }
    let body = d.len() - 8;
    if checksum(&d[..body]) != u64_at(body) {
        return Err(Refused::Checksum);
    }
    let sender = std::str::from_utf8(&d[HEADER..HEADER + addr_len]).ok().and_then(|s| s.parse::<SocketAddr>().ok()).ok_or(Refused::Address)?;
    let seq = u64_at(16);
    if seq == 0 || seq >= u32::MAX as u64 {
        return Err(Refused::Seq);
    }
    Ok(Frame { kind, sender, session: u64_at(8), seq, payload: d[HEADER + addr_len..body].to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Frame {
        Frame { kind: Kind::Data, sender: "127.0.0.1:7000".parse().unwrap(), session: 0xfeed, seq: 3, payload: b"[1,2]".to_vec() }
    }

    #[test]
    fn round_trip_and_every_truncation_refused() {
        let f = sample();
        let d = encode(&f);
        assert_eq!(decode(&d), Ok(f));
        for n in 0..d.len() {
            assert!(decode(&d[..n]).is_err(), "a datagram cut to {n} bytes was accepted");
        }
        for i in 0..d.len() {
            let mut m = d.clone();
            m[i] ^= 0x40;
            assert!(decode(&m).is_err(), "a flipped byte at {i} was accepted");
        }
    }
}
