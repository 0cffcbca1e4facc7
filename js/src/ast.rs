//! The syntax tree. Every node carries a `Span` of byte offsets into the source.
//! Function nodes carry the span of their exact source text (for
//! `Function.prototype.toString`) plus scope facts the interpreter needs.

use std::rc::Rc;

/// Identifier names (interned per parse: equal names share one allocation). Each carries the
/// heap atom it was last interned to, tagged with the engine's cache epoch (volatile).
#[derive(Clone)]
pub struct Atom(Rc<AtomInner>);

pub struct AtomInner {
    text: Box<str>,
    /// (epoch, atom value bits); epoch 0 never matches.
    pub cache: std::cell::Cell<(u64, u64)>,
}

impl Atom {
    pub fn new(s: &str) -> Atom {
        Atom(Rc::new(AtomInner { text: s.into(), cache: std::cell::Cell::new((0, 0)) }))
    }
    #[inline]
    pub fn cache(&self) -> &std::cell::Cell<(u64, u64)> {
        &self.0.cache
    }
    /// Identity of the interned name (one per parse).
    pub fn as_ptr(&self) -> *const u8 {
        self.0.text.as_ptr()
    }
}

impl std::ops::Deref for Atom {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        &self.0.text
    }
}
impl std::borrow::Borrow<str> for Atom {
    fn borrow(&self) -> &str {
        &self.0.text
    }
}
impl AsRef<str> for Atom {
    fn as_ref(&self) -> &str {
        &self.0.text
    }
}
impl PartialEq for Atom {
    fn eq(&self, o: &Atom) -> bool {
        Rc::ptr_eq(&self.0, &o.0) || self.0.text == o.0.text
    }
}
impl Eq for Atom {}
impl std::hash::Hash for Atom {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.text.hash(h)
    }
}
impl std::fmt::Debug for Atom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0.text, f)
    }
}
impl std::fmt::Display for Atom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0.text, f)
    }
}
/// String literal values, as UTF-16 code units (JavaScript strings may hold lone surrogates).
pub type JsStr = Rc<[u16]>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }
    /// The source text of this span.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start as usize..self.end as usize]
    }
}

#[derive(Debug)]
pub struct Program {
    pub body: Vec<Stmt>,
    pub strict: bool,
    pub span: Span,
    pub scope: ScopeInfo,
}

/// Declarations of a function body or script (not including nested functions).
#[derive(Debug, Default)]
pub struct ScopeInfo {
    /// VarDeclaredNames: `var` names anywhere in the body (outside nested functions),
    /// plus the names of top-level function declarations. Deduplicated, in source order.
    pub var_names: Vec<Atom>,
    /// Top-level lexically declared names (`let`, `const`, `class`) of the body.
    pub lexical_names: Vec<(Atom, DeclKind)>,
    /// The identifier `arguments` is referenced (in this body or nested arrows).
    pub uses_arguments: bool,
    /// A direct `eval(...)` call occurs (in this body or nested arrows).
    pub has_direct_eval: bool,
    /// `this` occurs (in this body or nested arrows); for arrows: captures outer `this`.
    pub uses_this: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Var,
    Let,
    Const,
    Class,
    /// A function declaration in a block (lexically scoped).
    Function,
}

#[derive(Debug)]
pub struct Stmt {
    pub span: Span,
    pub kind: StmtKind,
}

/// Whether a block of these statements declares anything in its own scope (`let`, `const`,
/// a class or a function declaration among its direct statements).
pub fn block_declares(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| matches!(&s.kind, StmtKind::Var(d) if d.kind != VarKind::Var) || matches!(s.kind, StmtKind::Class(_) | StmtKind::Function(_)))
}

#[derive(Debug)]
pub enum StmtKind {
    Expr(Box<Expr>),
    Var(Box<VarDecl>),
    Function(Rc<Function>),
    Class(Rc<Class>),
    /// A block, and whether it declares anything lexically (then it is a scope of its own).
    Block(Vec<Stmt>, bool),
    Empty,
    Debugger,
    If(Box<Expr>, Box<Stmt>, Option<Box<Stmt>>),
    For {
        init: Option<ForInit>,
        test: Option<Box<Expr>>,
        update: Option<Box<Expr>>,
        body: Box<Stmt>,
    },
    /// `for (left in right)`.
    ForIn { left: ForHead, right: Box<Expr>, body: Box<Stmt> },
    /// `for (left of right)`.
    ForOf { left: ForHead, right: Box<Expr>, body: Box<Stmt> },
    /// `for await (left of right)` (async bodies only).
    ForAwait { left: ForHead, right: Box<Expr>, body: Box<Stmt> },
    While(Box<Expr>, Box<Stmt>),
    DoWhile(Box<Stmt>, Box<Expr>),
    Continue(Option<Atom>),
    Break(Option<Atom>),
    Return(Option<Box<Expr>>),
    Throw(Box<Expr>),
    Try {
        block: Vec<Stmt>,
        handler: Option<Box<Catch>>,
        finalizer: Option<Vec<Stmt>>,
    },
    Switch(Box<Expr>, Vec<SwitchCase>),
    Labeled(Atom, Box<Stmt>),
    With(Box<Expr>, Box<Stmt>),
}

#[derive(Debug)]
pub enum ForInit {
    Var(Box<VarDecl>),
    Expr(Box<Expr>),
}

#[derive(Debug)]
pub enum ForHead {
    /// `var x` / `let [a, b]` / `const {c}`: exactly one declarator, no initializer
    /// (except the Annex B `for (var x = 1 in o)` in sloppy mode, kept in `init`).
    Var(Box<VarDecl>),
    /// An assignment target (identifier, member expression or destructuring pattern).
    Pattern(Box<Pattern>),
}

#[derive(Debug)]
pub struct VarDecl {
    pub kind: VarKind,
    pub decls: Vec<Declarator>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Var,
    Let,
    Const,
}

#[derive(Debug)]
pub struct Declarator {
    pub span: Span,
    pub target: Pattern,
    pub init: Option<Expr>,
}

#[derive(Debug)]
pub struct Catch {
    pub param: Option<Pattern>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug)]
pub struct SwitchCase {
    pub span: Span,
    /// None for `default:`.
    pub test: Option<Expr>,
    pub body: Vec<Stmt>,
}

/// Where an identifier resolved last time: (the names LIST of the environment that held the
/// binding, the cache epoch, packed hops / word / flags). Volatile; validated before use.
#[derive(Debug, Default)]
pub struct IdCache(pub std::cell::Cell<(u64, u64, u64)>);

#[derive(Debug)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Debug)]
pub enum ExprKind {
    Num(f64),
    /// A BigInt literal: its digits as written (with any `0x`/`0o`/`0b` prefix,
    /// separators removed, without the `n`).
    BigInt(Rc<str>),
    Str(JsStr),
    Template(Box<Template>),
    TaggedTemplate(Box<Expr>, Box<Template>),
    Regex { pattern: Rc<str>, flags: Rc<str> },
    Null,
    Bool(bool),
    /// An identifier reference and its resolution cache (see `interp::env`).
    Ident(Atom, IdCache),
    This,
    Array(Vec<Option<Expr>>),
    Object(Vec<Property>),
    Function(Rc<Function>),
    Arrow(Rc<Function>),
    Class(Rc<Class>),
    Unary(UnaryOp, Box<Expr>),
    /// `++x`, `x--`: the target is an identifier or member expression.
    Update { op: UpdateOp, prefix: bool, target: Box<Expr> },
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Logical(LogicalOp, Box<Expr>, Box<Expr>),
    Assign { op: AssignOp, target: Box<Pattern>, value: Box<Expr> },
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `optional` is true for `f?.()`.
    Call { callee: Box<Expr>, args: Vec<Expr>, optional: bool },
    New { callee: Box<Expr>, args: Vec<Expr> },
    /// `optional` is true for `a?.b` / `a?.[b]`.
    Member { object: Box<Expr>, prop: MemberProp, optional: bool },
    /// `super.x` / `super[x]`.
    SuperMember(MemberProp),
    /// `super(args)`.
    SuperCall(Vec<Expr>),
    Seq(Vec<Expr>),
    /// `...e` (only inside array literals and argument lists).
    Spread(Box<Expr>),
    /// `yield e` / `yield* e` (generator bodies only).
    Yield { arg: Option<Box<Expr>>, delegate: bool },
    /// `await e` (async function bodies only).
    Await(Box<Expr>),
    NewTarget,
    /// The extent of an optional chain: when a `?.` inside short-circuits, the whole
    /// `OptionalChain` evaluates to `undefined`.
    OptionalChain(Box<Expr>),
    /// A parenthesized expression (kept for `(a?.b).c`, `(0, f)()`, `delete (x)` etc.).
    Paren(Box<Expr>),
}

#[derive(Debug)]
pub enum MemberProp {
    /// `.name`, with the inline cache of the reads and writes through it.
    Name(Atom, crate::vm::shape::PropIc),
    Computed(Box<Expr>),
}

#[derive(Debug)]
pub struct Template {
    pub quasis: Vec<TemplateElem>,
    pub exprs: Vec<Expr>,
}

#[derive(Debug)]
pub struct TemplateElem {
    /// None when the part holds an invalid escape (only possible in tagged templates).
    pub cooked: Option<JsStr>,
    pub raw: JsStr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
    BitNot,
    TypeOf,
    Void,
    Delete,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateOp {
    Inc,
    Dec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Exp,
    Shl,
    Shr,
    UShr,
    BitAnd,
    BitOr,
    BitXor,
    Eq,
    NotEq,
    StrictEq,
    StrictNotEq,
    Lt,
    Gt,
    Le,
    Ge,
    In,
    InstanceOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicalOp {
    And,
    Or,
    Coalesce,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    Assign,
    Bin(BinOp),
    Logical(LogicalOp),
}

#[derive(Debug)]
pub enum PropKey {
    Ident(Atom),
    Str(JsStr),
    Num(f64),
    Computed(Box<Expr>),
}

#[derive(Debug)]
pub enum Property {
    /// `key: value` and shorthand `x` (key Ident(x), value Ident(x)).
    Init(PropKey, Expr),
    /// `__proto__: value` (sets the prototype).
    Proto(Expr),
    Method(PropKey, Rc<Function>),
    Getter(PropKey, Rc<Function>),
    Setter(PropKey, Rc<Function>),
    Spread(Expr),
    /// `x = 1` in an object literal: only valid when reinterpreted as a pattern;
    /// never present in a successfully parsed expression.
    CoverInit(Atom, Span, Box<Expr>),
}

/// Binding and assignment patterns.
#[derive(Debug)]
pub enum Pattern {
    /// An identifier target and its resolution cache (assignments, `var x = init`).
    Ident(Atom, Span, IdCache),
    /// Assignment patterns only: a member expression target.
    Expr(Box<Expr>),
    Object { props: Vec<PatProp>, rest: Option<Box<Pattern>>, span: Span },
    Array { elems: Vec<Option<PatElem>>, rest: Option<Box<Pattern>>, span: Span },
}

impl Pattern {
    pub fn ident(name: Atom, span: Span) -> Pattern {
        Pattern::Ident(name, span, IdCache::default())
    }
    pub fn span(&self) -> Span {
        match self {
            Pattern::Ident(_, s, _) => *s,
            Pattern::Expr(e) => e.span,
            Pattern::Object { span, .. } | Pattern::Array { span, .. } => *span,
        }
    }
    /// BoundNames: the identifiers a binding pattern declares, in order.
    pub fn bound_names(&self, out: &mut Vec<Atom>) {
        match self {
            Pattern::Ident(a, ..) => out.push(a.clone()),
            Pattern::Expr(_) => {}
            Pattern::Object { props, rest, .. } => {
                for p in props {
                    p.value.target.bound_names(out);
                }
                if let Some(r) = rest {
                    r.bound_names(out);
                }
            }
            Pattern::Array { elems, rest, .. } => {
                for e in elems.iter().flatten() {
                    e.target.bound_names(out);
                }
                if let Some(r) = rest {
                    r.bound_names(out);
                }
            }
        }
    }
}

#[derive(Debug)]
pub struct PatProp {
    pub key: PropKey,
    pub value: PatElem,
}

/// A pattern element with an optional default (`target = init`).
#[derive(Debug)]
pub struct PatElem {
    pub target: Pattern,
    pub init: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// `function f() {}` as a statement.
    Declaration,
    /// `function () {}` in expression position.
    Expression,
    Arrow,
    /// Object literal or class method.
    Method,
    Getter,
    Setter,
    /// A class constructor (explicit or not); `derived` when the class has `extends`.
    ClassConstructor { derived: bool },
}

#[derive(Debug)]
pub enum FunctionBody {
    Block(Vec<Stmt>),
    /// Arrow function concise body.
    Expr(Box<Expr>),
}

#[derive(Debug)]
pub struct Function {
    pub name: Option<Atom>,
    pub kind: FunctionKind,
    pub params: Vec<PatElem>,
    pub rest: Option<Box<Pattern>>,
    pub body: FunctionBody,
    /// The exact source text of the function (for `Function.prototype.toString`):
    /// for methods/getters/setters it starts at the property name (or `static`/`get`/`set`).
    pub span: Span,
    pub strict: bool,
    /// No defaults, no rest, no destructuring in the parameters.
    pub simple_params: bool,
    /// BoundNames of the parameters, in order.
    pub param_names: Vec<Atom>,
    /// For methods: the function is allowed to use `super.x` (has a [[HomeObject]]).
    pub has_home_object: bool,
    /// `super.x` / `super[x]` occurs in the body (or nested arrows).
    pub uses_super_property: bool,
    /// `function*` / `*m()`.
    pub is_generator: bool,
    /// `async function` / `async m()` / `async () => {}`.
    pub is_async: bool,
    /// Span starts of the `yield` and `await` expressions of this body (not of nested
    /// functions), ascending: a subtree contains one iff one of these lies in its span.
    pub suspends: Vec<u32>,
    pub scope: ScopeInfo,
    /// The names LIST of the function's top scope, the cache epoch and the entry facts
    /// (`Vm::function_scope`), so a call finds them without a table lookup. Volatile.
    pub entry: IdCache,
}

#[derive(Debug)]
pub struct Class {
    pub name: Option<Atom>,
    pub heritage: Option<Box<Expr>>,
    /// The explicit constructor, if any.
    pub constructor: Option<Rc<Function>>,
    pub members: Vec<ClassMember>,
    /// The source text of the whole class (for `toString` of the constructor).
    pub span: Span,
}

#[derive(Debug)]
pub struct ClassMember {
    pub is_static: bool,
    pub key: PropKey,
    pub kind: ClassMemberKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum ClassMemberKind {
    Method(Rc<Function>),
    Getter(Rc<Function>),
    Setter(Rc<Function>),
    /// A public field; the initializer is evaluated with `this` = the instance (or the
    /// class for static fields), as if it were the body of a method.
    Field(Option<Box<Expr>>),
}

/// The lexical declarations directly in a statement list (a block, a switch's cases,
/// or a function/script top level), with their kinds. At function/script top level,
/// function declarations are var-scoped and not returned here.
pub fn lexically_scoped_decls(stmts: &[Stmt], top_level: bool, out: &mut Vec<(Atom, DeclKind)>) {
    for s in stmts {
        match &s.kind {
            StmtKind::Var(v) if v.kind != VarKind::Var => {
                let k = if v.kind == VarKind::Let { DeclKind::Let } else { DeclKind::Const };
                let mut names = Vec::new();
                for d in &v.decls {
                    d.target.bound_names(&mut names);
                }
                out.extend(names.into_iter().map(|n| (n, k)));
            }
            StmtKind::Class(c) => {
                if let Some(n) = &c.name {
                    out.push((n.clone(), DeclKind::Class));
                }
            }
            StmtKind::Function(f) if !top_level => {
                if let Some(n) = &f.name {
                    out.push((n.clone(), DeclKind::Function));
                }
            }
            _ => {}
        }
    }
}
