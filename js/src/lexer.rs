//! The tokenizer. Division vs. regular expression and template continuations are
//! decided by the parser, which asks for a re-scan (`rescan_regex`,
//! `rescan_template`) when its grammar context requires it.

use crate::error::SyntaxError;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum T {
    Eof,
    Name,
    Num,
    /// BigInt literal (`123n`); the digits are in `Lexer::bigint` (radix prefix kept).
    BigInt,
    Str,
    /// A template part: `...` (no substitution), `...${, }...${ or }...`.
    /// `Token::tail` tells whether it ends the template.
    Template,
    Regex,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    Ellipsis,
    Semi,
    Comma,
    Lt,
    Gt,
    Le,
    Ge,
    EqEq,
    NotEq,
    EqEqEq,
    NotEqEq,
    Plus,
    Minus,
    Star,
    StarStar,
    Percent,
    PlusPlus,
    MinusMinus,
    Shl,
    Shr,
    UShr,
    Amp,
    Pipe,
    Caret,
    Bang,
    Tilde,
    AndAnd,
    OrOr,
    Question,
    QuestionDot,
    QQ,
    Colon,
    Assign,
    PlusEq,
    MinusEq,
    StarEq,
    StarStarEq,
    PercentEq,
    ShlEq,
    ShrEq,
    UShrEq,
    AmpEq,
    PipeEq,
    CaretEq,
    AndAndEq,
    OrOrEq,
    QQEq,
    Arrow,
    Slash,
    SlashEq,
    Hash,
}

/// Keywords and the contextual words the parser cares about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kw {
    None,
    // reserved words
    Break,
    Case,
    Catch,
    Class,
    Const,
    Continue,
    Debugger,
    Default,
    Delete,
    Do,
    Else,
    Enum,
    Export,
    Extends,
    False,
    Finally,
    For,
    Function,
    If,
    Import,
    In,
    Instanceof,
    New,
    Null,
    Return,
    Super,
    Switch,
    This,
    Throw,
    True,
    Try,
    Typeof,
    Var,
    Void,
    While,
    With,
    // strict-mode reserved words
    Implements,
    Interface,
    Let,
    Package,
    Private,
    Protected,
    Public,
    Static,
    Yield,
    // contextual
    Await,
    Async,
    Of,
    Get,
    Set,
    Eval,
    Arguments,
}

impl Kw {
    pub fn is_reserved(self) -> bool {
        (self as u8) >= (Kw::Break as u8) && (self as u8) <= (Kw::With as u8)
    }
    pub fn is_strict_reserved(self) -> bool {
        (self as u8) >= (Kw::Implements as u8) && (self as u8) <= (Kw::Yield as u8)
    }
}

pub fn keyword(s: &str) -> Kw {
    match s {
        "break" => Kw::Break,
        "case" => Kw::Case,
        "catch" => Kw::Catch,
        "class" => Kw::Class,
        "const" => Kw::Const,
        "continue" => Kw::Continue,
        "debugger" => Kw::Debugger,
        "default" => Kw::Default,
        "delete" => Kw::Delete,
        "do" => Kw::Do,
        "else" => Kw::Else,
        "enum" => Kw::Enum,
        "export" => Kw::Export,
        "extends" => Kw::Extends,
        "false" => Kw::False,
        "finally" => Kw::Finally,
        "for" => Kw::For,
        "function" => Kw::Function,
        "if" => Kw::If,
        "import" => Kw::Import,
        "in" => Kw::In,
        "instanceof" => Kw::Instanceof,
        "new" => Kw::New,
        "null" => Kw::Null,
        "return" => Kw::Return,
        "super" => Kw::Super,
        "switch" => Kw::Switch,
        "this" => Kw::This,
        "throw" => Kw::Throw,
        "true" => Kw::True,
        "try" => Kw::Try,
        "typeof" => Kw::Typeof,
        "var" => Kw::Var,
        "void" => Kw::Void,
        "while" => Kw::While,
        "with" => Kw::With,
        "implements" => Kw::Implements,
        "interface" => Kw::Interface,
        "let" => Kw::Let,
        "package" => Kw::Package,
        "private" => Kw::Private,
        "protected" => Kw::Protected,
        "public" => Kw::Public,
        "static" => Kw::Static,
        "yield" => Kw::Yield,
        "await" => Kw::Await,
        "async" => Kw::Async,
        "of" => Kw::Of,
        "get" => Kw::Get,
        "set" => Kw::Set,
        "eval" => Kw::Eval,
        "arguments" => Kw::Arguments,
        _ => Kw::None,
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Token {
    pub kind: T,
    pub start: u32,
    pub end: u32,
    /// A line terminator occurred between the previous token and this one.
    pub nl_before: bool,
    pub kw: Kw,
    /// Identifier contains unicode escapes / string contains escapes.
    pub escaped: bool,
    /// Legacy octal literal or octal / \8 \9 escape (forbidden in strict mode).
    pub octal: bool,
    /// For templates: this part ends the template.
    pub tail: bool,
}

impl Token {
    fn new(kind: T, start: usize) -> Token {
        Token {
            kind,
            start: start as u32,
            end: start as u32,
            nl_before: false,
            kw: Kw::None,
            escaped: false,
            octal: false,
            tail: false,
        }
    }
}

pub struct Lexer<'a> {
    pub src: &'a str,
    b: &'a [u8],
    pub pos: usize,
    /// Payloads of the most recent token.
    pub num: f64,
    pub bigint: String,
    pub str_buf: Vec<u16>,
    /// Template cooked value is valid (no invalid escapes).
    pub cooked_ok: bool,
    pub raw_buf: Vec<u16>,
    pub ident_buf: String,
    /// For regex tokens: byte offset where the flags start.
    pub regex_flags_at: usize,
    /// Error message for an invalid escape in a template (reported if untagged).
    pub template_err: Option<(usize, &'static str)>,
}

pub fn is_id_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '$' || c == '_'
    } else {
        crate::unicode_tables::is_id_start_cp(c)
    }
}

pub fn is_id_part(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '$' || c == '_'
    } else {
        c == '\u{200C}' || c == '\u{200D}' || crate::unicode_tables::is_id_continue_cp(c)
    }
}

pub fn is_js_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\u{0B}' | '\u{0C}' | ' ' | '\u{A0}' | '\u{FEFF}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

pub fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

fn push_char_utf16(buf: &mut Vec<u16>, c: u32) {
    if c < 0x10000 {
        buf.push(c as u16);
    } else {
        let c = c - 0x10000;
        buf.push(0xD800 + (c >> 10) as u16);
        buf.push(0xDC00 + (c & 0x3FF) as u16);
    }
}

type LResult<T> = Result<T, SyntaxError>;

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            src,
            b: src.as_bytes(),
            pos: 0,
            num: 0.0,
            bigint: String::new(),
            str_buf: Vec::new(),
            cooked_ok: true,
            raw_buf: Vec::new(),
            ident_buf: String::new(),
            regex_flags_at: 0,
            template_err: None,
        }
    }

    /// A cheap copy for lookahead (payload buffers are not copied).
    pub fn fork(&self) -> Lexer<'a> {
        let mut l = Lexer::new(self.src);
        l.pos = self.pos;
        l
    }

    pub fn err(&self, at: usize, msg: impl Into<String>) -> SyntaxError {
        SyntaxError::at(self.src, at as u32, msg)
    }

    #[inline]
    fn peek_byte(&self, off: usize) -> u8 {
        *self.b.get(self.pos + off).unwrap_or(&0)
    }

    fn cur_char(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    /// Skips whitespace and comments; returns whether a line terminator was seen.
    fn skip_trivia(&mut self) -> LResult<bool> {
        let mut nl = false;
        let at_start = self.pos == 0;
        let mut line_start = at_start;
        loop {
            let c = self.peek_byte(0);
            match c {
                b' ' | b'\t' | 0x0B | 0x0C => self.pos += 1,
                b'\n' | b'\r' => {
                    self.pos += 1;
                    nl = true;
                    line_start = true;
                }
                b'/' => match self.peek_byte(1) {
                    b'/' => self.skip_line_comment(),
                    b'*' => {
                        let start = self.pos;
                        self.pos += 2;
                        loop {
                            if self.pos >= self.b.len() {
                                return Err(self.err(start, "unterminated comment"));
                            }
                            let c = self.b[self.pos];
                            if c == b'*' && self.peek_byte(1) == b'/' {
                                self.pos += 2;
                                break;
                            }
                            if c == b'\n' || c == b'\r' {
                                nl = true;
                                line_start = true;
                            } else if c == 0xE2 && self.peek_byte(1) == 0x80 && (self.peek_byte(2) == 0xA8 || self.peek_byte(2) == 0xA9) {
                                nl = true;
                                line_start = true;
                            }
                            self.pos += 1;
                        }
                    }
                    _ => return Ok(nl),
                },
                b'<' if self.b[self.pos..].starts_with(b"<!--") => self.skip_line_comment(),
                b'-' if line_start && self.b[self.pos..].starts_with(b"-->") => self.skip_line_comment(),
                0 if self.pos >= self.b.len() => return Ok(nl),
                c if c >= 0x80 => {
                    let ch = self.cur_char().unwrap();
                    if is_js_whitespace(ch) {
                        self.pos += ch.len_utf8();
                    } else if ch == '\u{2028}' || ch == '\u{2029}' {
                        self.pos += 3;
                        nl = true;
                        line_start = true;
                    } else {
                        return Ok(nl);
                    }
                }
                _ => return Ok(nl),
            }
        }
    }

    fn skip_line_comment(&mut self) {
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if c == b'\n' || c == b'\r' {
                return;
            }
            if c == 0xE2 && self.peek_byte(1) == 0x80 && (self.peek_byte(2) == 0xA8 || self.peek_byte(2) == 0xA9) {
                return;
            }
            self.pos += 1;
        }
    }

    /// Skips a `#!` hashbang line at the very start (only for scripts that start there).
    pub fn skip_hashbang(&mut self) {
        if self.pos == 0 && self.b.starts_with(b"#!") {
            self.skip_line_comment();
        }
    }

    pub fn next_token(&mut self) -> LResult<Token> {
        let nl = self.skip_trivia()?;
        let start = self.pos;
        let mut tok = self.scan(start)?;
        tok.nl_before = nl;
        tok.start = start as u32;
        tok.end = self.pos as u32;
        Ok(tok)
    }

    fn punct(&mut self, kind: T, len: usize, start: usize) -> LResult<Token> {
        self.pos += len;
        Ok(Token::new(kind, start))
    }

    fn scan(&mut self, start: usize) -> LResult<Token> {
        if self.pos >= self.b.len() {
            return Ok(Token::new(T::Eof, start));
        }
        let c = self.b[self.pos];
        let c1 = self.peek_byte(1);
        let c2 = self.peek_byte(2);
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'$' | b'_' | b'\\' => self.scan_ident(start),
            b'0'..=b'9' => self.scan_number(start),
            b'"' | b'\'' => self.scan_string(start, c),
            b'`' => {
                self.pos += 1;
                self.scan_template_part(start)
            }
            b'{' => self.punct(T::LBrace, 1, start),
            b'}' => self.punct(T::RBrace, 1, start),
            b'(' => self.punct(T::LParen, 1, start),
            b')' => self.punct(T::RParen, 1, start),
            b'[' => self.punct(T::LBracket, 1, start),
            b']' => self.punct(T::RBracket, 1, start),
            b';' => self.punct(T::Semi, 1, start),
            b',' => self.punct(T::Comma, 1, start),
            b':' => self.punct(T::Colon, 1, start),
            b'~' => self.punct(T::Tilde, 1, start),
            b'#' => self.punct(T::Hash, 1, start),
            b'.' => {
                if c1.is_ascii_digit() {
                    self.scan_number(start)
                } else if c1 == b'.' && c2 == b'.' {
                    self.punct(T::Ellipsis, 3, start)
                } else {
                    self.punct(T::Dot, 1, start)
                }
            }
            b'?' => {
                if c1 == b'?' {
                    if c2 == b'=' {
                        self.punct(T::QQEq, 3, start)
                    } else {
                        self.punct(T::QQ, 2, start)
                    }
                } else if c1 == b'.' && !c2.is_ascii_digit() {
                    self.punct(T::QuestionDot, 2, start)
                } else {
                    self.punct(T::Question, 1, start)
                }
            }
            b'<' => match (c1, c2) {
                (b'<', b'=') => self.punct(T::ShlEq, 3, start),
                (b'<', _) => self.punct(T::Shl, 2, start),
                (b'=', _) => self.punct(T::Le, 2, start),
                _ => self.punct(T::Lt, 1, start),
            },
            b'>' => match (c1, c2, self.peek_byte(3)) {
                (b'>', b'>', b'=') => self.punct(T::UShrEq, 4, start),
                (b'>', b'>', _) => self.punct(T::UShr, 3, start),
                (b'>', b'=', _) => self.punct(T::ShrEq, 3, start),
                (b'>', _, _) => self.punct(T::Shr, 2, start),
                (b'=', _, _) => self.punct(T::Ge, 2, start),
                _ => self.punct(T::Gt, 1, start),
            },
            b'=' => match (c1, c2) {
                (b'=', b'=') => self.punct(T::EqEqEq, 3, start),
                (b'=', _) => self.punct(T::EqEq, 2, start),
                (b'>', _) => self.punct(T::Arrow, 2, start),
                _ => self.punct(T::Assign, 1, start),
            },
            b'!' => match (c1, c2) {
                (b'=', b'=') => self.punct(T::NotEqEq, 3, start),
                (b'=', _) => self.punct(T::NotEq, 2, start),
                _ => self.punct(T::Bang, 1, start),
            },
            b'+' => match c1 {
                b'+' => self.punct(T::PlusPlus, 2, start),
                b'=' => self.punct(T::PlusEq, 2, start),
                _ => self.punct(T::Plus, 1, start),
            },
            b'-' => match c1 {
                b'-' => self.punct(T::MinusMinus, 2, start),
                b'=' => self.punct(T::MinusEq, 2, start),
                _ => self.punct(T::Minus, 1, start),
            },
            b'*' => match (c1, c2) {
                (b'*', b'=') => self.punct(T::StarStarEq, 3, start),
                (b'*', _) => self.punct(T::StarStar, 2, start),
                (b'=', _) => self.punct(T::StarEq, 2, start),
                _ => self.punct(T::Star, 1, start),
            },
            b'%' => match c1 {
                b'=' => self.punct(T::PercentEq, 2, start),
                _ => self.punct(T::Percent, 1, start),
            },
            b'&' => match (c1, c2) {
                (b'&', b'=') => self.punct(T::AndAndEq, 3, start),
                (b'&', _) => self.punct(T::AndAnd, 2, start),
                (b'=', _) => self.punct(T::AmpEq, 2, start),
                _ => self.punct(T::Amp, 1, start),
            },
            b'|' => match (c1, c2) {
                (b'|', b'=') => self.punct(T::OrOrEq, 3, start),
                (b'|', _) => self.punct(T::OrOr, 2, start),
                (b'=', _) => self.punct(T::PipeEq, 2, start),
                _ => self.punct(T::Pipe, 1, start),
            },
            b'^' => match c1 {
                b'=' => self.punct(T::CaretEq, 2, start),
                _ => self.punct(T::Caret, 1, start),
            },
            b'/' => match c1 {
                b'=' => self.punct(T::SlashEq, 2, start),
                _ => self.punct(T::Slash, 1, start),
            },
            _ => {
                let ch = self.cur_char().unwrap();
                if is_id_start(ch) {
                    self.scan_ident(start)
                } else {
                    Err(self.err(start, format!("unexpected character '{}'", ch.escape_default())))
                }
            }
        }
    }

    fn read_unicode_escape(&mut self) -> LResult<u32> {
        // at '\', expects 'u'
        let at = self.pos;
        if self.peek_byte(1) != b'u' {
            return Err(self.err(at, "invalid escape in identifier"));
        }
        self.pos += 2;
        self.read_u_escape_body(at)?.ok_or_else(|| self.err(at, "invalid unicode escape"))
    }

    /// After `\u`: reads `XXXX` or `{X...}`. Returns None if malformed.
    fn read_u_escape_body(&mut self, at: usize) -> LResult<Option<u32>> {
        if self.peek_byte(0) == b'{' {
            self.pos += 1;
            let mut v: u32 = 0;
            let mut n = 0;
            while self.peek_byte(0).is_ascii_hexdigit() {
                v = v.saturating_mul(16).saturating_add((self.peek_byte(0) as char).to_digit(16).unwrap());
                if v > 0x10FFFF {
                    v = 0x110000;
                }
                self.pos += 1;
                n += 1;
            }
            if n == 0 || self.peek_byte(0) != b'}' || v > 0x10FFFF {
                let _ = at;
                return Ok(None);
            }
            self.pos += 1;
            Ok(Some(v))
        } else {
            let mut v = 0u32;
            for _ in 0..4 {
                let d = self.peek_byte(0);
                if !d.is_ascii_hexdigit() {
                    return Ok(None);
                }
                v = v * 16 + (d as char).to_digit(16).unwrap();
                self.pos += 1;
            }
            Ok(Some(v))
        }
    }

    fn scan_ident(&mut self, start: usize) -> LResult<Token> {
        let mut escaped = false;
        // fast path: ASCII
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if c.is_ascii_alphanumeric() || c == b'$' || c == b'_' {
                self.pos += 1;
            } else if c == b'\\' || c >= 0x80 {
                escaped = c == b'\\';
                break;
            } else {
                break;
            }
        }
        let mut first = self.pos == start;
        if self.pos < self.b.len() && (self.b[self.pos] == b'\\' || self.b[self.pos] >= 0x80) {
            // slow path
            self.ident_buf.clear();
            self.ident_buf.push_str(&self.src[start..self.pos]);
            loop {
                if self.pos >= self.b.len() {
                    break;
                }
                let c = self.b[self.pos];
                if c == b'\\' {
                    let at = self.pos;
                    let v = self.read_unicode_escape()?;
                    let ch = char::from_u32(v).ok_or_else(|| self.err(at, "invalid identifier escape"))?;
                    let ok = if first { is_id_start(ch) } else { is_id_part(ch) };
                    if !ok {
                        return Err(self.err(at, "invalid identifier escape"));
                    }
                    self.ident_buf.push(ch);
                    escaped = true;
                } else {
                    let ch = self.cur_char().unwrap();
                    let ok = if first { is_id_start(ch) } else { is_id_part(ch) };
                    if !ok {
                        break;
                    }
                    self.ident_buf.push(ch);
                    self.pos += ch.len_utf8();
                }
                first = false;
            }
        }
        let mut t = Token::new(T::Name, start);
        t.escaped = escaped;
        t.kw = if escaped { keyword(&self.ident_buf) } else { keyword(&self.src[start..self.pos]) };
        Ok(t)
    }

    /// The cooked name of an identifier token just scanned.
    pub fn ident_name<'s>(&'s self, t: &Token) -> &'s str {
        if t.escaped {
            &self.ident_buf
        } else {
            &self.src[t.start as usize..t.end as usize]
        }
    }

    fn digits(&mut self, radix: u32, allow_sep: bool) -> LResult<usize> {
        let mut n = 0;
        let mut last_sep = false;
        loop {
            let c = self.peek_byte(0);
            if c == b'_' && allow_sep {
                if n == 0 || last_sep {
                    return Err(self.err(self.pos, "invalid numeric separator"));
                }
                last_sep = true;
                self.pos += 1;
                continue;
            }
            if (c as char).is_digit(radix) {
                n += 1;
                last_sep = false;
                self.pos += 1;
            } else {
                break;
            }
        }
        if last_sep {
            return Err(self.err(self.pos - 1, "invalid numeric separator"));
        }
        Ok(n)
    }

    fn scan_number(&mut self, start: usize) -> LResult<Token> {
        let mut t = Token::new(T::Num, start);
        let c = self.b[self.pos];
        let c1 = self.peek_byte(1);
        if c == b'0' && matches!(c1, b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
            let radix = match c1 {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                _ => 2,
            };
            self.pos += 2;
            let ds = self.pos;
            if self.digits(radix, true)? == 0 {
                return Err(self.err(start, "missing digits after radix prefix"));
            }
            let mut v = 0f64;
            for &d in &self.b[ds..self.pos] {
                if d != b'_' {
                    v = v * radix as f64 + (d as char).to_digit(radix).unwrap() as f64;
                }
            }
            if radix == 16 && self.pos - ds > 13 {
                // exact conversion for big hex literals
                let s: String = self.src[ds..self.pos].chars().filter(|&c| c != '_').collect();
                v = big_radix_to_f64(&s, 16);
            } else if radix == 2 && self.pos - ds > 53 {
                let s: String = self.src[ds..self.pos].chars().filter(|&c| c != '_').collect();
                v = big_radix_to_f64(&s, 2);
            } else if radix == 8 && self.pos - ds > 17 {
                let s: String = self.src[ds..self.pos].chars().filter(|&c| c != '_').collect();
                v = big_radix_to_f64(&s, 8);
            }
            self.num = v;
        } else if c == b'0' && c1.is_ascii_digit() {
            // legacy octal (or decimal with leading zero, e.g. 08, 09)
            self.pos += 1;
            let ds = self.pos;
            while self.peek_byte(0).is_ascii_digit() {
                self.pos += 1;
            }
            t.octal = true;
            let digits = &self.src[ds..self.pos];
            if digits.bytes().all(|d| d < b'8') {
                let mut v = 0f64;
                for d in digits.bytes() {
                    v = v * 8.0 + (d - b'0') as f64;
                }
                self.num = v;
            } else {
                // NonOctalDecimalIntegerLiteral: may have a fraction/exponent
                if self.peek_byte(0) == b'.' {
                    self.pos += 1;
                    while self.peek_byte(0).is_ascii_digit() {
                        self.pos += 1;
                    }
                }
                self.scan_exponent()?;
                self.num = self.src[start..self.pos].parse::<f64>().unwrap_or(f64::NAN);
            }
            if self.peek_byte(0) == b'_' {
                return Err(self.err(self.pos, "numeric separator not allowed here"));
            }
        } else {
            let mut has_sep = false;
            if c != b'.' {
                if c == b'0' && c1 == b'_' {
                    return Err(self.err(start + 1, "numeric separator not allowed after leading 0"));
                }
                self.digits(10, true)?;
            }
            if self.peek_byte(0) == b'.' {
                self.pos += 1;
                if self.peek_byte(0) == b'_' {
                    return Err(self.err(self.pos, "invalid numeric separator"));
                }
                self.digits(10, true)?;
            }
            self.scan_exponent()?;
            let text = &self.src[start..self.pos];
            if text.contains('_') {
                has_sep = true;
            }
            self.num = if has_sep {
                text.replace('_', "").parse::<f64>().unwrap_or(f64::NAN)
            } else {
                text.parse::<f64>().unwrap_or(f64::NAN)
            };
        }
        if self.peek_byte(0) == b'n' {
            let text = &self.src[start..self.pos];
            let prefixed = text.len() > 1 && text.as_bytes()[0] == b'0' && matches!(text.as_bytes()[1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B');
            if t.octal || (!prefixed && (text.contains('.') || text.contains(['e', 'E']))) {
                return Err(self.err(self.pos, "Invalid BigInt literal"));
            }
            self.bigint = text.replace('_', "");
            self.pos += 1;
            t.kind = T::BigInt;
        }
        // The source character immediately following a NumericLiteral must not be an IdentifierStart or DecimalDigit.
        if self.pos < self.b.len() {
            let ch = self.cur_char().unwrap();
            if ch.is_ascii_digit() || is_id_start(ch) || ch == '\\' {
                return Err(self.err(self.pos, "identifier starts immediately after numeric literal"));
            }
        }
        Ok(t)
    }

    fn scan_exponent(&mut self) -> LResult<()> {
        if matches!(self.peek_byte(0), b'e' | b'E') {
            let at = self.pos;
            self.pos += 1;
            if matches!(self.peek_byte(0), b'+' | b'-') {
                self.pos += 1;
            }
            if self.peek_byte(0) == b'_' || self.digits(10, true)? == 0 {
                return Err(self.err(at, "missing exponent digits"));
            }
        }
        Ok(())
    }

    /// Reads one escape sequence after the backslash (self.pos at the char after `\`).
    /// Pushes the cooked value. Returns Ok(Err(msg)) on a malformed escape,
    /// and sets `*octal` for legacy octal / \8 \9 escapes.
    fn read_escape(&mut self, buf: &mut Vec<u16>, octal: &mut bool, in_template: bool) -> Result<(), &'static str> {
        let c = self.peek_byte(0);
        match c {
            b'n' => { buf.push(10); self.pos += 1; }
            b't' => { buf.push(9); self.pos += 1; }
            b'r' => { buf.push(13); self.pos += 1; }
            b'b' => { buf.push(8); self.pos += 1; }
            b'f' => { buf.push(12); self.pos += 1; }
            b'v' => { buf.push(11); self.pos += 1; }
            b'\r' => {
                self.pos += 1;
                if self.peek_byte(0) == b'\n' {
                    self.pos += 1;
                }
            }
            b'\n' => self.pos += 1,
            b'x' => {
                self.pos += 1;
                let h1 = self.peek_byte(0);
                let h2 = self.peek_byte(1);
                if h1.is_ascii_hexdigit() && h2.is_ascii_hexdigit() {
                    let v = (h1 as char).to_digit(16).unwrap() * 16 + (h2 as char).to_digit(16).unwrap();
                    buf.push(v as u16);
                    self.pos += 2;
                } else {
                    return Err("invalid hexadecimal escape sequence");
                }
            }
            b'u' => {
                self.pos += 1;
                match self.read_u_escape_body(self.pos) {
                    Ok(Some(v)) => push_char_utf16(buf, v),
                    _ => return Err("invalid Unicode escape sequence"),
                }
            }
            b'0'..=b'7' => {
                if c == b'0' && !self.peek_byte(1).is_ascii_digit() {
                    buf.push(0);
                    self.pos += 1;
                } else {
                    if in_template {
                        return Err("octal escape sequences are not allowed in templates");
                    }
                    *octal = true;
                    // up to 3 digits, value <= 255
                    let mut v = (c - b'0') as u32;
                    self.pos += 1;
                    let max_len = if c <= b'3' { 3 } else { 2 };
                    let mut len = 1;
                    while len < max_len && (b'0'..=b'7').contains(&self.peek_byte(0)) {
                        v = v * 8 + (self.peek_byte(0) - b'0') as u32;
                        self.pos += 1;
                        len += 1;
                    }
                    buf.push(v as u16);
                }
            }
            b'8' | b'9' => {
                if in_template {
                    return Err("\\8 and \\9 are not allowed in templates");
                }
                *octal = true;
                buf.push(c as u16);
                self.pos += 1;
            }
            _ => {
                if self.pos >= self.b.len() {
                    return Err("unterminated escape");
                }
                let ch = self.cur_char().unwrap();
                self.pos += ch.len_utf8();
                if ch == '\u{2028}' || ch == '\u{2029}' {
                    // line continuation
                } else {
                    push_char_utf16(buf, ch as u32);
                }
            }
        }
        Ok(())
    }

    fn scan_string(&mut self, start: usize, quote: u8) -> LResult<Token> {
        let mut t = Token::new(T::Str, start);
        self.pos += 1;
        let mut buf = std::mem::take(&mut self.str_buf);
        buf.clear();
        let mut octal = false;
        loop {
            // fast ASCII run
            let run_start = self.pos;
            while self.pos < self.b.len() {
                let c = self.b[self.pos];
                if c == quote || c == b'\\' || c == b'\n' || c == b'\r' || c >= 0x80 {
                    break;
                }
                self.pos += 1;
            }
            buf.extend(self.b[run_start..self.pos].iter().map(|&c| c as u16));
            if self.pos >= self.b.len() {
                self.str_buf = buf;
                return Err(self.err(start, "unterminated string literal"));
            }
            let c = self.b[self.pos];
            if c == quote {
                self.pos += 1;
                break;
            } else if c == b'\\' {
                t.escaped = true;
                self.pos += 1;
                let at = self.pos;
                if let Err(m) = self.read_escape(&mut buf, &mut octal, false) {
                    self.str_buf = buf;
                    return Err(self.err(at - 1, m));
                }
            } else if c == b'\n' || c == b'\r' {
                self.str_buf = buf;
                return Err(self.err(start, "unterminated string literal"));
            } else {
                // non-ASCII run
                let s = &self.src[self.pos..];
                let mut n = 0;
                for ch in s.chars() {
                    if ch.is_ascii() {
                        break;
                    }
                    push_char_utf16(&mut buf, ch as u32);
                    n += ch.len_utf8();
                }
                self.pos += n;
            }
        }
        self.str_buf = buf;
        t.octal = octal;
        Ok(t)
    }

    /// Scans a template part starting after "`" or "}". Sets str_buf (cooked),
    /// raw_buf, cooked_ok, template_err.
    fn scan_template_part(&mut self, start: usize) -> LResult<Token> {
        let mut t = Token::new(T::Template, start);
        let mut cooked = std::mem::take(&mut self.str_buf);
        cooked.clear();
        self.raw_buf.clear();
        self.cooked_ok = true;
        self.template_err = None;
        loop {
            if self.pos >= self.b.len() {
                self.str_buf = cooked;
                return Err(self.err(start, "unterminated template literal"));
            }
            let c = self.b[self.pos];
            match c {
                b'`' => {
                    self.pos += 1;
                    t.tail = true;
                    break;
                }
                b'$' if self.peek_byte(1) == b'{' => {
                    self.pos += 2;
                    t.tail = false;
                    break;
                }
                b'\\' => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    let mut oct = false;
                    let mut tmp = Vec::new();
                    match self.read_escape(&mut tmp, &mut oct, true) {
                        Ok(()) => cooked.extend_from_slice(&tmp),
                        Err(m) => {
                            self.cooked_ok = false;
                            if self.template_err.is_none() {
                                self.template_err = Some((esc_start, m));
                            }
                            // skip: the raw text continues normally from here
                            // (a malformed escape consumed at least the escape letter)
                            if self.pos == esc_start + 1 && self.pos < self.src.len() {
                                // step over one whole character (never into the middle of one)
                                self.pos += 1;
                                while self.pos < self.src.len() && !self.src.is_char_boundary(self.pos) {
                                    self.pos += 1;
                                }
                            }
                        }
                    }
                    // raw: normalize CR/CRLF to LF
                    let raw = &self.src[esc_start..self.pos];
                    push_raw(&mut self.raw_buf, raw);
                }
                b'\r' => {
                    self.pos += 1;
                    if self.peek_byte(0) == b'\n' {
                        self.pos += 1;
                    }
                    cooked.push(10);
                    self.raw_buf.push(10);
                }
                _ => {
                    let ch = self.cur_char().unwrap();
                    self.pos += ch.len_utf8();
                    push_char_utf16(&mut cooked, ch as u32);
                    push_char_utf16(&mut self.raw_buf, ch as u32);
                }
            }
        }
        self.str_buf = cooked;
        Ok(t)
    }

    /// Re-scans from `start` (a `/` or `/=` token) as a regular expression literal.
    pub fn rescan_regex(&mut self, start: usize, nl_before: bool) -> LResult<Token> {
        self.pos = start + 1;
        let mut in_class = false;
        loop {
            if self.pos >= self.b.len() {
                return Err(self.err(start, "unterminated regular expression literal"));
            }
            let c = self.b[self.pos];
            match c {
                b'\n' | b'\r' => return Err(self.err(start, "unterminated regular expression literal")),
                b'\\' => {
                    self.pos += 1;
                    if self.pos >= self.b.len() {
                        return Err(self.err(start, "unterminated regular expression literal"));
                    }
                    let ch = self.cur_char().unwrap();
                    if is_line_terminator(ch) {
                        return Err(self.err(start, "unterminated regular expression literal"));
                    }
                    self.pos += ch.len_utf8();
                }
                b'[' => {
                    in_class = true;
                    self.pos += 1;
                }
                b']' => {
                    in_class = false;
                    self.pos += 1;
                }
                b'/' if !in_class => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    let ch = self.cur_char().unwrap();
                    if ch == '\u{2028}' || ch == '\u{2029}' {
                        return Err(self.err(start, "unterminated regular expression literal"));
                    }
                    self.pos += ch.len_utf8();
                }
            }
        }
        self.regex_flags_at = self.pos;
        while self.pos < self.b.len() {
            let ch = self.cur_char().unwrap();
            if ch == '\\' {
                return Err(self.err(self.pos, "invalid regular expression flags"));
            }
            if is_id_part(ch) {
                self.pos += ch.len_utf8();
            } else {
                break;
            }
        }
        let mut t = Token::new(T::Regex, start);
        t.end = self.pos as u32;
        t.nl_before = nl_before;
        Ok(t)
    }

    /// Re-scans from `start` (a `}` token) as a template middle/tail.
    pub fn rescan_template(&mut self, start: usize, nl_before: bool) -> LResult<Token> {
        self.pos = start + 1;
        let mut t = self.scan_template_part(start)?;
        t.start = start as u32;
        t.end = self.pos as u32;
        t.nl_before = nl_before;
        Ok(t)
    }
}

fn push_raw(buf: &mut Vec<u16>, raw: &str) {
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\r' {
            if it.peek() == Some(&'\n') {
                it.next();
            }
            buf.push(10);
        } else {
            push_char_utf16(buf, c as u32);
        }
    }
}

fn big_radix_to_f64(digits: &str, radix: u32) -> f64 {
    // Correctly rounded conversion for power-of-two radixes.
    let bits_per = match radix {
        16 => 4,
        8 => 3,
        _ => 1,
    };
    let mut bits: Vec<u8> = Vec::new();
    for c in digits.chars() {
        let d = c.to_digit(radix).unwrap();
        for i in (0..bits_per).rev() {
            bits.push(((d >> i) & 1) as u8);
        }
    }
    while bits.first() == Some(&0) {
        bits.remove(0);
    }
    if bits.is_empty() {
        return 0.0;
    }
    let n = bits.len();
    if n <= 53 {
        let mut v = 0u64;
        for &b in &bits {
            v = v * 2 + b as u64;
        }
        return v as f64;
    }
    let mut mant = 0u64;
    for &b in &bits[..53] {
        mant = mant * 2 + b as u64;
    }
    let round_bit = bits[53];
    let sticky = bits[54..].iter().any(|&b| b == 1);
    if round_bit == 1 && (sticky || mant & 1 == 1) {
        mant += 1;
    }
    let exp = (n - 53) as i32;
    (mant as f64) * 2f64.powi(exp)
}
