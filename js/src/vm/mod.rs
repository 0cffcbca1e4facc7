//! The machine: the ken heap, the cell allocator, the realm (intrinsics, atoms) and the
//! volatile caches. Everything a program can reach is a cell in the heap; `Vm` holds only
//! caches and the roots of the running turn (value stack, environment stack).

pub mod bigint;
pub mod cells;
pub mod object;
pub mod shape;
pub mod string;
pub mod value;

use crate::interp::CodeInfo;
use bytemuck::{Pod, Zeroable};
use cells::{header, kind, Cells, Gen};
use hashbrown::HashMap;
use ken::{Heap, PPtr};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
pub use value::Value;

/// Why evaluation stopped abnormally. The thrown value of `Exception` is in `Vm::exception`.
/// One byte, so that `JsResult<Value>` is two words and comes back in registers: every
/// evaluation step returns one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throw {
    Exception,
    /// Stopped by the interrupt handle; not catchable by the program.
    Interrupted,
    /// An optional chain (`a?.b`) short-circuited; caught by the enclosing chain.
    ShortCircuit,
    /// The heap failed (full, I/O); the turn cannot continue. The message is kept aside
    /// (`Throw::fatal`, `take_fatal_message`).
    Fatal,
    /// A generator or async body suspends at a `yield`/`await`: unwinds to the resume point,
    /// each node on the way saving its state (see `interp::generator`).
    Suspend,
    /// `generator.return(v)` resumed at a `yield`: a return completion travelling through
    /// expressions (runs `finally` blocks, closes iterators); the value is in `Vm::ret`.
    GenReturn,
}

pub type JsResult<T> = std::result::Result<T, Throw>;
pub type VmResult<T> = JsResult<T>;

thread_local! {
    static FATAL_MESSAGE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

impl Throw {
    /// A fatal stop with its message (read back by `take_fatal_message`).
    #[cold]
    pub fn fatal(message: impl Into<String>) -> Throw {
        let m = message.into();
        FATAL_MESSAGE.with(|f| *f.borrow_mut() = m);
        Throw::Fatal
    }
}

/// The message of the last `Throw::Fatal` raised on this thread.
pub fn take_fatal_message() -> String {
    FATAL_MESSAGE.with(|f| std::mem::take(&mut *f.borrow_mut()))
}

impl From<ken::Error> for Throw {
    #[cold]
    fn from(e: ken::Error) -> Throw {
        Throw::fatal(e.to_string())
    }
}

/// Bumped whenever the layout of any cell, the intrinsics list or the native table changes:
/// a heap from another layout refuses to open.
pub const LAYOUT_VERSION: u64 = 4;

/// Bytes allocated since the last collection that make the end of a turn collect.
const NURSERY: u64 = 8 << 20;
/// The same inside a turn (at a safe point): a turn that allocates a lot collects as it goes.
const IN_TURN_NURSERY: u64 = 32 << 20;
/// Full collections of a bigger old generation are incremental.
const INCREMENTAL_ABOVE: u64 = 32 << 20;
/// Cells an incremental slice traces at least (a few milliseconds)...
const SLICE: usize = 100_000;
/// ... and at least this many per cell allocated since the last slice.
const PACE: u64 = 4;
const REALM_MAGIC: u64 = 0x6B65_6E2D_6A73_726D; // "ken-jsrm"
pub const REALM_ROOT: &str = "js.realm";

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
pub struct RealmMeta {
    pub magic: u64,
    pub layout: u64,
    pub natives_hash: u64,
    pub gc_meta: u64,
    pub atoms: u64,
    pub atoms_cap: u64,
    pub atoms_count: u64,
    pub atoms_tombs: u64,
    /// LIST cell of the intrinsics (see `I`).
    pub intrinsics: Value,
    /// LIST cell of the common atoms (see `A`).
    pub common_atoms: Value,
    /// The global environment cell.
    pub global_env: Value,
    /// Symbol.for registry: a plain object keyed by description.
    pub symbol_registry: Value,
    pub turns: u64,
    pub next_symbol_id: u64,
}

macro_rules! common_atoms {
    ($($id:ident = $s:expr),* $(,)?) => {
        /// Atoms the engine uses by name (kept alive by the realm).
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug)]
        #[repr(usize)]
        pub enum A { $($id),* }
        pub const ATOM_NAMES: &[&str] = &[$($s),*];
    };
}

common_atoms! {
    empty = "", length = "length", prototype = "prototype", constructor = "constructor", name = "name",
    message = "message", toString = "toString", valueOf = "valueOf", value = "value", done = "done",
    next = "next", get = "get", set = "set", writable = "writable", enumerable = "enumerable",
    configurable = "configurable", __proto__ = "__proto__", callee = "callee", caller = "caller",
    arguments = "arguments", stack = "stack", undefined = "undefined", null = "null", true_ = "true",
    false_ = "false", object = "object", function = "function", number = "number", string = "string",
    boolean = "boolean", symbol = "symbol", bigint = "bigint", default = "default", cause = "cause",
    lastIndex = "lastIndex", index = "index", input = "input", groups = "groups", join = "join",
    raw = "raw", return_ = "return", throw_ = "throw", eval = "eval", this_ = "this", anonymous = "anonymous",
    NaN = "NaN", Infinity = "Infinity", errors = "errors", size = "size", add = "add", has = "has",
    flags = "flags", source = "source", global = "global", exec = "exec", toJSON = "toJSON",
    toISOString = "toISOString", then = "then",
}

macro_rules! intrinsics {
    ($($id:ident),* $(,)?) => {
        /// Objects the engine needs by identity (kept alive by the realm).
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(usize)]
        pub enum I { $($id),* , COUNT }
    };
}

intrinsics! {
    Global, ObjectProto, FunctionProto, ArrayProto, StringProto, NumberProto, BooleanProto,
    SymbolProto, BigIntProto, ErrorProto, TypeErrorProto, RangeErrorProto, SyntaxErrorProto,
    ReferenceErrorProto, EvalErrorProto, URIErrorProto, AggregateErrorProto, IteratorProto,
    ArrayIteratorProto, StringIteratorProto, MapProto, SetProto, WeakMapProto, WeakSetProto,
    MapIteratorProto, SetIteratorProto, RegExpProto, RegExpStringIteratorProto, DateProto,
    PromiseProto, GeneratorProto, ThrowTypeError, Object, Function, Array, Eval, ArrayProtoValues,
    SymIterator, SymAsyncIterator, SymHasInstance, SymToPrimitive, SymToStringTag, SymSpecies,
    SymIsConcatSpreadable, SymUnscopables, SymMatch, SymMatchAll, SymReplace, SymSearch, SymSplit,
    RegExp, RegExpProtoExec, GeneratorFunctionProto, GeneratorFunction, AsyncFunctionProto, AsyncFunction,
    AsyncGeneratorFunctionProto, AsyncGeneratorFunction, AsyncGeneratorProto, AsyncIteratorProto,
    Host, Promise, JobQueue,
    ArrayBuffer, ArrayBufferProto, DataViewProto, TypedArray, TypedArrayProto,
    // the typed array constructors and prototypes in `builtins::typedarray::Kind` order
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array, Int8ArrayProto, Uint8ArrayProto,
    Uint8ClampedArrayProto, Int16ArrayProto, Uint16ArrayProto, Int32ArrayProto, Uint32ArrayProto,
    Float32ArrayProto, Float64ArrayProto, BigInt64ArrayProto, BigUint64ArrayProto,
    // the root of the shape tree (see `vm::shape`) and how many shapes exist (an integer)
    RootShape, ShapeCount,
}

/// How `print` and `console.log` output leaves the process.
pub enum Output {
    /// Written at once (ephemeral runs).
    Immediate,
    /// Kept until the turn commits (output commit), then released by the runtime.
    Buffered(Vec<String>),
}

/// A cache epoch no engine in this process has used: caches in syntax trees (atoms,
/// identifier resolutions) are tagged with it, so a tree evaluated by two engines, or by one
/// engine before and after a collection, never trusts a stale entry.
pub fn next_epoch() -> u64 {
    static EPOCH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    EPOCH.fetch_add(1, Ordering::Relaxed) + 1
}

pub const FN_CACHE_SIZE: usize = 512;

#[derive(Clone)]
pub struct FnCacheEntry {
    pub code: u64,
    pub id: u32,
    pub ci: Rc<CodeInfo>,
    pub func: Option<Rc<crate::ast::Function>>,
    pub class: Option<Rc<crate::ast::Class>>,
}

pub struct Vm {
    /// Generation of the identifier resolution caches (`ast::IdCache`): bumped whenever a
    /// cell they may name can have been freed (collection, rollback). Starts at 1, so a
    /// fresh (zeroed) cache never matches.
    pub ic_epoch: u64,
    /// Generation of the prototype-chain hits of the property inline caches
    /// (`vm::shape::PropIc`): bumped when an object that is a prototype changes its keys or
    /// its own prototype.
    pub proto_epoch: u64,
    pub heap: Heap,
    pub cells: Cells,
    realm: PPtr<RealmMeta>,
    pub intr: Vec<Value>,
    pub atom_list: Vec<Value>,
    /// Values the running turn holds (arguments, temporaries): a precise root set.
    pub stack: Vec<Value>,
    /// The current lexical environment and the saved ones of the callers (roots).
    pub env: Value,
    pub env_stack: Vec<Value>,
    pub exception: Value,
    /// The value of a `return` being unwound, and the completion value of statements.
    pub ret: Value,
    pub cv: Value,
    /// Parsed scripts by code cell (volatile, rebuilt from the source text on a miss).
    pub code_cache: HashMap<u64, Rc<CodeInfo>>,
    /// Direct-mapped cache of closure code: (CODE cell offset, function id) -> the parsed
    /// code, function and class. Cleared with `code_cache`.
    pub fn_cache: Vec<Option<FnCacheEntry>>,
    /// The running calls, innermost last, for `Error` stacks: (the closure, or undefined for
    /// a script or eval code; its CODE cell; the offset in that code of the call or `new`
    /// being evaluated).
    pub frames: Vec<(Value, Value, u32)>,
    /// (an environment, its nearest function environment or undefined, the `ic_epoch`): the
    /// last answer of `Vm::this_env` (volatile; see there).
    pub this_hint: (Value, Value, u64),
    /// Key -> entry index for big property tables (volatile).
    pub prop_index: HashMap<u64, HashMap<u64, u32>>,
    /// Shape -> its transitions by (key, attributes), for shapes with many (volatile).
    pub transition_index: HashMap<u64, HashMap<(u64, u64), u64>>,
    /// Prototype -> how many named properties objects constructed with it got (volatile: a
    /// size hint for their inline slots).
    pub ctor_slots: HashMap<u64, u8>,
    pub interrupt: Arc<AtomicBool>,
    pub depth: u32,
    pub max_depth: u32,
    /// Collect at every safe point (tests: catches a value held across a call without a root).
    pub gc_stress: bool,
    pub output: Output,
    /// Collections run by this process (minor and full), and the minor ones among them.
    pub gc_count: u64,
    pub gc_minor_count: u64,
    /// Incremental full collections finished (counted in `gc_count` too).
    pub gc_incremental_count: u64,
    /// Time spent collecting, in total and in the last collection (volatile statistics).
    pub gc_time: std::time::Duration,
    pub gc_last_pause: std::time::Duration,
    /// `cells.allocs` at the last incremental slice (slices trace in proportion to what was
    /// allocated since).
    allocs_at_slice: u64,
    /// Safe points seen under `gc_stress` (every eighth stress collection is a full one).
    stress_n: u64,
    /// Generator resumption state (see `interp::generator`): the saved frames still to be
    /// re-entered (outermost last), the frames saved while a suspension unwinds (innermost
    /// first), the value a suspension yields, and how the generator is resumed.
    pub g_resume: Vec<Value>,
    pub g_saved: Vec<Value>,
    pub g_yielded: Value,
    pub g_sent: Option<(u8, Value)>,
    /// The yielded value is an iterator result to pass on as it is (`yield*`).
    pub g_raw: bool,
    /// The suspension is an `await` (not a `yield`).
    pub g_await: bool,
    /// Promises rejected in the running turn that no handler has taken yet (roots; reported
    /// by the runtime when the turn's jobs are done).
    pub unhandled_rejections: Vec<Value>,
}

impl Vm {
    /// Opens (or creates) the realm in `heap`.
    pub fn new(mut heap: Heap) -> Result<(Vm, bool), String> {
        let existing: Option<PPtr<RealmMeta>> = heap.named_root(REALM_ROOT);
        let (realm, created) = match existing {
            Some(r) => (r, false),
            None => {
                let gc = Cells::create(&mut heap).map_err(|e| e.to_string())?;
                let atoms = heap.alloc(64 * 8).map_err(|e| e.to_string())?;
                let m = RealmMeta {
                    magic: REALM_MAGIC,
                    layout: LAYOUT_VERSION,
                    natives_hash: crate::builtins::natives_hash(),
                    gc_meta: gc,
                    atoms,
                    atoms_cap: 64,
                    ..RealmMeta::zeroed()
                };
                let r = heap.alloc_value(m).map_err(|e| e.to_string())?;
                heap.set_named_root(REALM_ROOT, r).map_err(|e| e.to_string())?;
                (r, true)
            }
        };
        let m = *heap.get(realm);
        if m.magic != REALM_MAGIC {
            return Err("the heap's JavaScript realm is damaged (bad magic)".into());
        }
        if m.layout != LAYOUT_VERSION || m.natives_hash != crate::builtins::natives_hash() {
            return Err(format!(
                "the heap was written by an incompatible build of the JavaScript engine (layout {} natives {:x}; this build: layout {} natives {:x})",
                m.layout,
                m.natives_hash,
                LAYOUT_VERSION,
                crate::builtins::natives_hash()
            ));
        }
        let cells = Cells::load(&heap, m.gc_meta)?;
        let mut vm = Vm {
            heap,
            cells,
            realm,
            intr: Vec::new(),
            atom_list: Vec::new(),
            stack: Vec::new(),
            env: Value::UNDEFINED,
            env_stack: Vec::new(),
            exception: Value::UNDEFINED,
            ret: Value::UNDEFINED,
            cv: Value::UNDEFINED,
            code_cache: HashMap::new(),
            fn_cache: vec![None; FN_CACHE_SIZE],
            frames: Vec::new(),
            prop_index: HashMap::new(),
            transition_index: HashMap::new(),
            ctor_slots: HashMap::new(),
            interrupt: Arc::new(AtomicBool::new(false)),
            depth: 0,
            max_depth: 2000,
            gc_stress: false,
            output: Output::Immediate,
            gc_count: 0,
            gc_minor_count: 0,
            gc_incremental_count: 0,
            gc_time: std::time::Duration::ZERO,
            gc_last_pause: std::time::Duration::ZERO,
            stress_n: 0,
            allocs_at_slice: 0,
            this_hint: (Value::UNDEFINED, Value::UNDEFINED, 0),
            g_resume: Vec::new(),
            g_saved: Vec::new(),
            g_yielded: Value::UNDEFINED,
            g_sent: None,
            g_raw: false,
            g_await: false,
            unhandled_rejections: Vec::new(),
            ic_epoch: next_epoch(),
            proto_epoch: next_epoch(),
        };
        if created {
            vm.create_realm().map_err(|e| format!("creating the realm: {e:?}"))?;
        } else {
            vm.load_realm();
        }
        Ok((vm, created))
    }

    fn create_realm(&mut self) -> JsResult<()> {
        let mut atoms = Vec::new();
        for s in ATOM_NAMES {
            atoms.push(self.intern_str(s)?);
        }
        let al = self.new_list(&atoms)?;
        self.realm_mut().common_atoms = al;
        self.atom_list = atoms;
        self.intr = vec![Value::UNDEFINED; I::COUNT as usize];
        let il = self.new_list(&self.intr.clone())?;
        self.realm_mut().intrinsics = il;
        self.create_root_shape()?;
        crate::builtins::init_realm(self)?;
        let intr = self.intr.clone();
        for (i, v) in intr.iter().enumerate() {
            self.list_set(il, i, *v);
        }
        Ok(())
    }

    fn load_realm(&mut self) {
        let m = self.realm();
        self.atom_list = self.list_items(m.common_atoms);
        self.intr = self.list_items(m.intrinsics);
    }

    /// After a rollback: the heap is back at the last commit; drop every volatile cache that
    /// may name a cell of the rolled-back turn.
    pub fn after_rollback(&mut self) {
        self.cells.reload(&self.heap).expect("allocator metadata valid after rollback");
        self.code_cache.clear();
        self.fn_cache.iter_mut().for_each(|e| *e = None);
        self.prop_index.clear();
        self.transition_index.clear();
        self.ctor_slots.clear();
        self.ic_epoch = next_epoch();
        self.proto_epoch = next_epoch();
        self.load_realm();
        self.stack.clear();
        self.env_stack.clear();
        self.frames.clear();
        self.env = Value::UNDEFINED;
        self.exception = Value::UNDEFINED;
        self.depth = 0;
        self.unhandled_rejections.clear();
    }

    #[inline]
    pub fn realm(&self) -> RealmMeta {
        *self.heap.get(self.realm)
    }
    /// The realm record in place (no copy).
    #[inline]
    pub fn realm_ref(&self) -> &RealmMeta {
        self.heap.get(self.realm)
    }
    #[inline]
    pub fn realm_mut(&mut self) -> &mut RealmMeta {
        self.heap.get_mut(self.realm)
    }
    #[inline]
    pub fn i(&self, i: I) -> Value {
        self.intr[i as usize]
    }
    pub fn set_intrinsic(&mut self, i: I, v: Value) {
        self.intr[i as usize] = v;
    }
    #[inline]
    pub fn a(&self, a: A) -> Value {
        self.atom_list[a as usize]
    }
    pub fn global(&self) -> Value {
        self.i(I::Global)
    }

    // ----- raw cell access ------------------------------------------------------------------

    pub fn alloc_cell(&mut self, size: u64, hdr: u64) -> VmResult<u64> {
        Ok(self.cells.alloc(&mut self.heap, size, hdr)?)
    }

    /// A cell of `1 + body.len()` words with `body` written after the header, in one heap
    /// write (no zeroing first).
    #[inline]
    pub fn alloc_cell_with(&mut self, hdr: u64, body: impl ExactSizeIterator<Item = Value>) -> VmResult<u64> {
        let n = body.len();
        let off = self.cells.alloc_unzeroed(&mut self.heap, 8 + 8 * n as u64, hdr)?;
        let s = self.heap.slice_mut(PPtr::<u64>::from_offset(off + 8), n);
        for (d, v) in s.iter_mut().zip(body) {
            *d = v.0;
        }
        Ok(off)
    }
    #[inline]
    pub fn hdr(&self, off: u64) -> u64 {
        self.heap.read(PPtr::<u64>::from_offset(off))
    }
    #[inline]
    pub fn cell_kind(&self, v: Value) -> u8 {
        self.hdr(v.off()) as u8
    }
    /// Word `i` (1-based after the header) of a cell.
    #[inline]
    pub fn word(&self, off: u64, i: usize) -> Value {
        Value(self.heap.read_u64(off + 8 * i as u64))
    }
    #[inline]
    pub fn set_word(&mut self, off: u64, i: usize, v: Value) {
        self.heap.write(PPtr::<u64>::from_offset(off + 8 * i as u64), v.0)
    }
    #[inline]
    pub fn cell_len(&self, off: u64) -> usize {
        (self.hdr(off) >> 32) as usize
    }

    /// A LIST cell holding `items`.
    pub fn new_list(&mut self, items: &[Value]) -> VmResult<Value> {
        let n = items.len();
        let off = self.alloc_cell(8 + 8 * n as u64, header(kind::LIST, 0, 0, n as u32))?;
        let s = self.heap.slice_mut(PPtr::<u64>::from_offset(off + 8), n);
        for (d, v) in s.iter_mut().zip(items) {
            *d = v.0;
        }
        Ok(Value::cell(off))
    }
    pub fn list_items(&self, l: Value) -> Vec<Value> {
        let n = self.cell_len(l.off());
        self.heap.slice::<u64>(PPtr::from_offset(l.off() + 8), n).iter().map(|&w| Value(w)).collect()
    }
    pub fn list_get(&self, l: Value, i: usize) -> Value {
        self.word(l.off(), 1 + i)
    }
    pub fn list_set(&mut self, l: Value, i: usize, v: Value) {
        self.set_word(l.off(), 1 + i, v)
    }

    // ----- roots and collection ---------------------------------------------------------------

    /// Every value the collector must treat as live right now.
    fn roots(&self) -> Vec<Value> {
        let m = self.realm();
        let mut r = vec![m.intrinsics, m.common_atoms, m.global_env, m.symbol_registry, self.env, self.exception, self.ret, self.cv];
        r.extend_from_slice(&self.intr);
        r.extend_from_slice(&self.atom_list);
        r.extend_from_slice(&self.stack);
        r.extend_from_slice(&self.env_stack);
        r.extend_from_slice(&self.g_resume);
        r.extend_from_slice(&self.g_saved);
        r.push(self.g_yielded);
        if let Some((_, v)) = self.g_sent {
            r.push(v);
        }
        r.extend_from_slice(&self.unhandled_rejections);
        for &(f, code, _) in &self.frames {
            r.push(f);
            r.push(code);
        }
        r
    }

    /// A full collection. Safe only at a safe point (every live value is in `roots`).
    pub fn collect(&mut self) -> (u64, u64) {
        self.cells.abandon_incremental();
        self.collect_gen(Gen::Major)
    }

    /// A minor collection: frees the unreachable cells among those allocated since the last
    /// collection, at a cost that follows them and the pages written since, not the heap.
    pub fn collect_minor(&mut self) -> (u64, u64) {
        self.collect_gen(Gen::Minor)
    }

    /// The collection the heap needs now: minor, or full once the bytes promoted since the
    /// last full collection exceed what it found live (and 64 MiB). A full collection of an
    /// old generation above `INCREMENTAL_ABOVE` is incremental: it begins here and advances
    /// a slice at each later collection and at the end of each turn.
    pub fn collect_auto(&mut self) -> (u64, u64) {
        if self.cells.incremental_active() {
            let r = self.collect_gen(Gen::Minor);
            self.incremental_slice(SLICE);
            return r;
        }
        let (promoted, old) = self.cells.old_growth(&self.heap);
        if promoted > (64 << 20).max(old) {
            if old < INCREMENTAL_ABOVE {
                return self.collect_gen(Gen::Major);
            }
            let r = self.collect_gen(Gen::Minor);
            self.start_incremental();
            return r;
        }
        self.collect_gen(Gen::Minor)
    }

    /// Begins an incremental full collection (marks the roots).
    pub fn start_incremental(&mut self) {
        let started = std::time::Instant::now();
        self.allocs_at_slice = self.cells.allocs;
        let roots = self.roots();
        self.cells.start_incremental(roots);
        self.gc_time += started.elapsed();
    }

    /// Traces up to `budget` cells of the incremental full collection under way, and
    /// finishes it (re-tracing what was written meanwhile, then sweeping) when none are left.
    pub fn incremental_slice(&mut self, budget: usize) {
        if !self.cells.incremental_active() {
            return;
        }
        let started = std::time::Instant::now();
        // mark faster than the program allocates, so a cycle ends before the heap grows much
        let allocated = self.cells.allocs - self.allocs_at_slice;
        self.allocs_at_slice = self.cells.allocs;
        let budget = budget.max(allocated.saturating_mul(PACE) as usize);
        let done = self.cells.incremental_step(&self.heap, budget);
        self.gc_time += started.elapsed();
        if done {
            let started = std::time::Instant::now();
            let written = self.heap.take_written_pages();
            let roots = self.roots();
            self.cells.finish_incremental(&self.heap, roots, written);
            self.gc_incremental_count += 1;
            self.after_mark(Gen::Major, started);
        }
    }

    fn collect_gen(&mut self, gen: Gen) -> (u64, u64) {
        let started = std::time::Instant::now();
        // the remembered set of a minor collection; a full one starts the next period too
        let written = self.heap.take_written_pages();
        let roots = self.roots();
        self.cells.mark(&self.heap, roots, gen, written);
        self.after_mark(gen, started)
    }

    /// The rest of a collection once its mark is complete: weak tables, atoms, the sweep, and
    /// the volatile caches that may name freed cells.
    fn after_mark(&mut self, gen: Gen, started: std::time::Instant) -> (u64, u64) {
        // weak tables forget the entries whose keys die in this collection (before the sweep
        // frees those keys)
        for t in self.cells.take_ephemerons(&self.heap) {
            crate::builtins::collections::clear_dead_weak_entries(self, t);
        }
        self.sweep_atoms();
        let r = match gen {
            Gen::Major => self.cells.sweep(&mut self.heap),
            Gen::Minor => self.cells.sweep_minor(&mut self.heap),
        };
        // caches may name freed cells
        self.prop_index.clear();
        self.transition_index.clear();
        self.ctor_slots.clear();
        let heap = &self.heap;
        self.code_cache.retain(|&off, _| heap.read(PPtr::<u64>::from_offset(off)) as u8 != kind::FREE);
        self.fn_cache.iter_mut().for_each(|e| *e = None);
        self.clear_atom_caches();
        self.gc_count += 1;
        self.gc_minor_count += (gen == Gen::Minor) as u64;
        self.gc_last_pause = started.elapsed();
        self.gc_time += self.gc_last_pause;
        r
    }

    /// Polls the interrupt flag (long native loops call this).
    #[inline]
    pub fn check_interrupt(&mut self) -> JsResult<()> {
        if self.interrupt.load(Ordering::Relaxed) {
            self.interrupt.store(false, Ordering::Relaxed);
            return Err(Throw::Interrupted);
        }
        Ok(())
    }

    /// A safe point: collects when the allocation debt is high (or always under stress), and
    /// polls the interrupt flag.
    #[inline]
    pub fn safepoint(&mut self) -> JsResult<()> {
        if self.interrupt.load(Ordering::Relaxed) {
            self.interrupt.store(false, Ordering::Relaxed);
            return Err(Throw::Interrupted);
        }
        if self.gc_stress {
            // minor collections, with full ones in between: stop-the-world, or incremental in
            // small slices (finishing a few safe points later)
            self.stress_n += 1;
            let active = self.cells.incremental_active();
            match self.stress_n % 8 {
                0 if !active => {
                    self.collect();
                }
                4 if !active => {
                    self.collect_minor();
                    self.start_incremental();
                }
                _ => {
                    self.collect_minor();
                    self.incremental_slice(64);
                }
            }
        } else if self.cells.allocated > IN_TURN_NURSERY {
            self.collect_auto();
        }
        Ok(())
    }

    /// Between turns: collect when the turns since the last collection allocated a nursery's
    /// worth.
    pub fn maybe_collect_between_turns(&mut self) {
        if self.cells.allocated > NURSERY {
            self.collect_auto();
        } else {
            self.incremental_slice(SLICE);
        }
    }
}
