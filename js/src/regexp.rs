//! Early errors for regular expression literals: a syntax check of the pattern
//! (ES2024 Pattern grammar with the Annex B extensions when the `u` flag is absent).
//! Also usable by a `RegExp` constructor to validate patterns.

use crate::lexer::{is_id_part, is_id_start};

struct V<'a> {
    s: Vec<char>,
    i: usize,
    u: bool,
    named: bool,
    ngroups: u32,
    names: Vec<String>,
    _p: std::marker::PhantomData<&'a ()>,
}

type R<T> = Result<T, (usize, String)>;

/// Checks `pattern` for the given `flags`; returns (char offset, message) on error.
pub fn validate(pattern: &str, flags: &str) -> Result<(), (usize, String)> {
    let u = flags.contains('u') || flags.contains('v');
    let s: Vec<char> = pattern.chars().collect();
    // pre-scan: capture group count and group names
    let mut ngroups = 0;
    let mut has_named = false;
    {
        let mut i = 0;
        let mut in_class = false;
        while i < s.len() {
            match s[i] {
                '\\' => i += 1,
                '[' => in_class = true,
                ']' => in_class = false,
                '(' if !in_class => {
                    if s.get(i + 1) != Some(&'?') {
                        ngroups += 1;
                    } else if s.get(i + 2) == Some(&'<') && !matches!(s.get(i + 3), Some('=') | Some('!')) {
                        ngroups += 1;
                        has_named = true;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    let mut v = V { s, i: 0, u, named: u || has_named, ngroups, names: Vec::new(), _p: std::marker::PhantomData };
    v.disjunction(0)?;
    if v.i < v.s.len() {
        return Err((v.i, if v.s[v.i] == ')' { "unmatched ')'".into() } else { "unexpected character".into() }));
    }
    // \k references must name existing groups
    if v.named {
        let mut i = 0;
        let mut in_class = false;
        while i < v.s.len() {
            match v.s[i] {
                '\\' if v.s.get(i + 1) == Some(&'k') && !in_class => {
                    let start = i;
                    i += 2;
                    let mut j = i + 1;
                    while j < v.s.len() && v.s[j] != '>' {
                        j += 1;
                    }
                    let name: String = v.s[(i + 1).min(v.s.len())..j.min(v.s.len())].iter().collect();
                    let name = decode_name(&name).unwrap_or(name);
                    if !v.names.contains(&name) {
                        return Err((start, "invalid named reference".into()));
                    }
                    i = j;
                }
                '\\' => i += 1,
                '[' => in_class = true,
                ']' => in_class = false,
                _ => {}
            }
            i += 1;
        }
    }
    Ok(())
}

fn decode_name(s: &str) -> Option<String> {
    if !s.contains('\\') {
        return Some(s.to_string());
    }
    let c: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] == '\\' && c.get(i + 1) == Some(&'u') {
            i += 2;
            let (v, n) = read_u(&c[i..], true)?;
            out.push(char::from_u32(v)?);
            i += n;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Reads hex4 (with surrogate pair joining) or {hex}; returns (value, chars consumed).
fn read_u(c: &[char], braces: bool) -> Option<(u32, usize)> {
    if braces && c.first() == Some(&'{') {
        let mut v: u32 = 0;
        let mut n = 1;
        while n < c.len() && c[n].is_ascii_hexdigit() {
            v = v.saturating_mul(16).saturating_add(c[n].to_digit(16).unwrap());
            if v > 0x10FFFF {
                return None;
            }
            n += 1;
        }
        if n == 1 || c.get(n) != Some(&'}') {
            return None;
        }
        return Some((v, n + 1));
    }
    if c.len() < 4 || !c[..4].iter().all(|d| d.is_ascii_hexdigit()) {
        return None;
    }
    let v = c[..4].iter().fold(0, |a, d| a * 16 + d.to_digit(16).unwrap());
    if (0xD800..0xDC00).contains(&v) && c.len() >= 10 && c[4] == '\\' && c[5] == 'u' && c[6..10].iter().all(|d| d.is_ascii_hexdigit()) {
        let lo = c[6..10].iter().fold(0, |a, d| a * 16 + d.to_digit(16).unwrap());
        if (0xDC00..0xE000).contains(&lo) {
            return Some((0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00), 10));
        }
    }
    Some((v, 4))
}

#[derive(PartialEq)]
enum ClassAtom {
    Char(u32),
    Set,
}

impl<'a> V<'a> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn err<T>(&self, m: &str) -> R<T> {
        Err((self.i, m.to_string()))
    }

    fn disjunction(&mut self, depth: u32) -> R<()> {
        if depth > 500 {
            return self.err("regular expression too deeply nested");
        }
        loop {
            self.alternative(depth)?;
            if self.peek() == Some('|') {
                self.i += 1;
                continue;
            }
            return Ok(());
        }
    }

    fn alternative(&mut self, depth: u32) -> R<()> {
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                return Ok(());
            }
            self.term(depth)?;
        }
        Ok(())
    }

    /// Tries to read a braced quantifier at self.i; returns Some(end) if it is one.
    fn braced_quantifier(&self) -> R<Option<usize>> {
        let mut j = self.i + 1;
        let d0 = j;
        while j < self.s.len() && self.s[j].is_ascii_digit() {
            j += 1;
        }
        if j == d0 {
            return Ok(None);
        }
        let lo: f64 = self.s[d0..j].iter().collect::<String>().parse().unwrap_or(f64::INFINITY);
        let mut hi = lo;
        if self.s.get(j) == Some(&',') {
            j += 1;
            let d1 = j;
            while j < self.s.len() && self.s[j].is_ascii_digit() {
                j += 1;
            }
            hi = if j == d1 { f64::INFINITY } else { self.s[d1..j].iter().collect::<String>().parse().unwrap_or(f64::INFINITY) };
        }
        if self.s.get(j) != Some(&'}') {
            return Ok(None);
        }
        if hi < lo {
            return Err((self.i, "numbers out of order in {} quantifier".into()));
        }
        Ok(Some(j + 1))
    }

    fn quantifier(&mut self, quantifiable: bool) -> R<()> {
        let q = match self.peek() {
            Some('*') | Some('+') | Some('?') => Some(self.i + 1),
            Some('{') => self.braced_quantifier()?,
            _ => None,
        };
        if let Some(end) = q {
            if !quantifiable {
                return self.err("nothing to repeat");
            }
            self.i = end;
            if self.peek() == Some('?') {
                self.i += 1;
            }
        }
        Ok(())
    }

    fn term(&mut self, depth: u32) -> R<()> {
        let c = self.peek().unwrap();
        match c {
            '^' | '$' => {
                self.i += 1;
                self.quantifier(false)
            }
            '\\' if matches!(self.s.get(self.i + 1), Some('b') | Some('B')) => {
                self.i += 2;
                self.quantifier(false)
            }
            '(' => {
                self.i += 1;
                let mut quantifiable = true;
                if self.peek() == Some('?') {
                    self.i += 1;
                    match self.peek() {
                        Some(':') => self.i += 1,
                        Some('=') | Some('!') => {
                            self.i += 1;
                            quantifiable = !self.u;
                        }
                        Some('<') if matches!(self.s.get(self.i + 1), Some('=') | Some('!')) => {
                            self.i += 2;
                            quantifiable = false;
                        }
                        Some('<') => {
                            self.i += 1;
                            let name = self.group_name()?;
                            if self.names.contains(&name) {
                                return self.err("duplicate capture group name");
                            }
                            self.names.push(name);
                        }
                        _ => return self.err("invalid group"),
                    }
                }
                self.disjunction(depth + 1)?;
                if self.peek() != Some(')') {
                    return self.err("unterminated group");
                }
                self.i += 1;
                self.quantifier(quantifiable)
            }
            ')' => self.err("unmatched ')'"),
            '*' | '+' | '?' => self.err("nothing to repeat"),
            '{' => {
                if self.u {
                    return self.err("lone quantifier brackets");
                }
                if self.braced_quantifier()?.is_some() {
                    return self.err("nothing to repeat");
                }
                self.i += 1;
                self.quantifier(true)
            }
            '}' | ']' if self.u => self.err("lone quantifier brackets"),
            '[' => {
                self.class()?;
                self.quantifier(true)
            }
            '\\' => {
                self.i += 1;
                self.atom_escape()?;
                self.quantifier(true)
            }
            _ => {
                self.i += 1;
                self.quantifier(true)
            }
        }
    }

    fn group_name(&mut self) -> R<String> {
        // after '<'
        let mut name = String::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else { return self.err("invalid capture group name") };
            if c == '>' {
                self.i += 1;
                break;
            }
            let ch = if c == '\\' {
                if self.s.get(self.i + 1) != Some(&'u') {
                    return self.err("invalid capture group name");
                }
                self.i += 2;
                let Some((v, n)) = read_u(&self.s[self.i..], true) else { return self.err("invalid Unicode escape") };
                self.i += n;
                match char::from_u32(v) {
                    Some(ch) => ch,
                    None => return self.err("invalid capture group name"),
                }
            } else {
                self.i += 1;
                // join a surrogate pair written literally is impossible in UTF-8 input
                c
            };
            let ok = if first { is_id_start(ch) } else { is_id_part(ch) };
            if !ok {
                return self.err("invalid capture group name");
            }
            name.push(ch);
            first = false;
        }
        if name.is_empty() {
            return self.err("invalid capture group name");
        }
        Ok(name)
    }

    /// After a backslash outside a class.
    fn atom_escape(&mut self) -> R<()> {
        let Some(c) = self.peek() else { return self.err("\\ at end of pattern") };
        match c {
            '1'..='9' => {
                let st = self.i;
                while self.peek().map(|d| d.is_ascii_digit()).unwrap_or(false) {
                    self.i += 1;
                }
                let n: f64 = self.s[st..self.i].iter().collect::<String>().parse().unwrap_or(f64::INFINITY);
                if n > self.ngroups as f64 {
                    if self.u {
                        return Err((st, "invalid escape".into()));
                    }
                    // Annex B: legacy octal escape / identity escape
                }
                Ok(())
            }
            'k' => {
                self.i += 1;
                if self.named {
                    if self.peek() != Some('<') {
                        return self.err("invalid named reference");
                    }
                    self.i += 1;
                    self.group_name()?;
                }
                Ok(())
            }
            _ => {
                self.char_escape(false)?;
                Ok(())
            }
        }
    }

    /// Character escape (after `\`), shared by classes; returns the atom.
    fn char_escape(&mut self, in_class: bool) -> R<ClassAtom> {
        let Some(c) = self.peek() else { return self.err("\\ at end of pattern") };
        self.i += 1;
        Ok(match c {
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => ClassAtom::Set,
            'p' | 'P' if self.u => {
                if self.peek() != Some('{') {
                    return self.err("invalid property name");
                }
                let st = self.i + 1;
                while self.peek().is_some() && self.peek() != Some('}') {
                    self.i += 1;
                }
                if self.peek() != Some('}') || self.i == st {
                    return self.err("invalid property name");
                }
                let body: String = self.s[st..self.i].iter().collect();
                if !body.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '=') {
                    return self.err("invalid property name");
                }
                self.i += 1;
                ClassAtom::Set
            }
            'f' => ClassAtom::Char(12),
            'n' => ClassAtom::Char(10),
            'r' => ClassAtom::Char(13),
            't' => ClassAtom::Char(9),
            'v' => ClassAtom::Char(11),
            'b' if in_class => ClassAtom::Char(8),
            '-' if in_class && self.u => ClassAtom::Char('-' as u32),
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.i += 1;
                    ClassAtom::Char(l as u32 % 32)
                }
                Some(l) if in_class && !self.u && (l.is_ascii_digit() || l == '_') => {
                    self.i += 1;
                    ClassAtom::Char(l as u32 % 32)
                }
                _ => {
                    if self.u {
                        return self.err("invalid unicode escape");
                    }
                    self.i -= 1; // `\` is literal, `c` is read next
                    ClassAtom::Char('\\' as u32)
                }
            },
            '0' if !self.peek().map(|d| d.is_ascii_digit()).unwrap_or(false) => ClassAtom::Char(0),
            '0'..='9' => {
                if self.u {
                    return Err((self.i - 1, "invalid decimal escape".into()));
                }
                // legacy octal
                let mut v = c.to_digit(10).unwrap();
                if c <= '7' {
                    let mut n = 1;
                    while n < 3 && self.peek().map(|d| ('0'..='7').contains(&d)).unwrap_or(false) && v * 8 + self.peek().unwrap().to_digit(8).unwrap() <= 255 {
                        v = v * 8 + self.peek().unwrap().to_digit(8).unwrap();
                        self.i += 1;
                        n += 1;
                    }
                }
                ClassAtom::Char(v)
            }
            'x' => {
                let a = self.s.get(self.i).copied();
                let b = self.s.get(self.i + 1).copied();
                if a.map(|d| d.is_ascii_hexdigit()).unwrap_or(false) && b.map(|d| d.is_ascii_hexdigit()).unwrap_or(false) {
                    self.i += 2;
                    ClassAtom::Char(a.unwrap().to_digit(16).unwrap() * 16 + b.unwrap().to_digit(16).unwrap())
                } else if self.u {
                    return self.err("invalid escape");
                } else {
                    ClassAtom::Char('x' as u32)
                }
            }
            'u' => match read_u(&self.s[self.i..], self.u) {
                Some((v, n)) => {
                    self.i += n;
                    ClassAtom::Char(v)
                }
                None => {
                    if self.u {
                        return self.err("invalid Unicode escape");
                    }
                    ClassAtom::Char('u' as u32)
                }
            },
            _ => {
                if self.u {
                    if !"^$\\.*+?()[]{}|/".contains(c) {
                        return Err((self.i - 1, "invalid escape".into()));
                    }
                } else if c == 'k' && self.named {
                    return self.err("invalid escape");
                }
                ClassAtom::Char(c as u32)
            }
        })
    }

    fn class_atom(&mut self) -> R<ClassAtom> {
        let c = self.peek().unwrap();
        self.i += 1;
        if c == '\\' {
            return self.char_escape(true);
        }
        Ok(ClassAtom::Char(c as u32))
    }

    fn class(&mut self) -> R<()> {
        let start = self.i;
        self.i += 1;
        if self.peek() == Some('^') {
            self.i += 1;
        }
        loop {
            match self.peek() {
                None => return Err((start, "unterminated character class".into())),
                Some(']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => {}
            }
            let a = self.class_atom()?;
            if self.peek() == Some('-') && self.s.get(self.i + 1).map(|&c| c != ']').unwrap_or(false) {
                self.i += 1;
                let b = self.class_atom()?;
                match (a, b) {
                    (ClassAtom::Char(x), ClassAtom::Char(y)) => {
                        if x > y {
                            return self.err("range out of order in character class");
                        }
                    }
                    _ => {
                        if self.u {
                            return self.err("invalid character class range");
                        }
                    }
                }
            }
        }
    }
}
