//! The bytecode compiler: AST (ruff's) + symbol tables → [`CodeObject`]s, following
//! Python/compile.c's code shapes (CPython 3.12): names resolve through the symbol
//! table to fast locals, cells, globals or the locals mapping; calls push
//! `callable, self_or_null, args`; comprehensions and lambdas are nested code objects;
//! jumps are assembled relative with `EXTENDED_ARG` as needed, and the maximum stack
//! depth is computed by flow analysis.
//!
//! `try`/`except`/`else`/`finally` compile to CPython 3.11's zero-cost layout: handler
//! regions become exception-table entries (with the stack depth to restore), and
//! `return`/`break`/`continue` unwind the enclosing blocks (running `finally` bodies,
//! restoring the handled exception, deleting `except ... as name`).
//!
//! The asynchronous constructs (PEP 492, PEP 525, PEP 530) follow CPython 3.11's
//! shapes: `async for` awaits `__anext__()` inside a handler whose END_ASYNC_FOR ends
//! the loop on `StopAsyncIteration`; `async with` awaits `__aenter__()` and
//! `__aexit__()`; an async generator wraps what it yields (ASYNC_GEN_WRAP); an
//! asynchronous list, set or dict comprehension is a coroutine that its caller
//! awaits, an asynchronous generator expression an async generator.
//!
//! Not compiled (a [`CompileError`] of kind `NotImplemented` names the construct):
//! syntax newer than 3.11 that the parser accepts (`type` aliases, template strings).

use std::collections::{HashMap, HashSet};

use num_bigint::BigInt;
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::bytecode::{BinaryOpArg, Location, Op, BINARY_OP_INPLACE};
use crate::code::{flags, CodeObject, ConstKey, Constant};
use crate::error::{CompileError, ErrorKind};
use crate::parse::{nests_deeper_than, parse_expression_311, parse_module_311, ParseFailure, Tree};
use crate::symtable::{self, BlockKind, Scope, SymbolTable};

mod assemble;
mod borrow;
mod noline;
mod patterns;
mod superinstr;
mod warnings;

use assemble::assemble;
pub(crate) use assemble::verify_depths;
pub use assemble::{stack_effect, verify};

/// What source text is compiled as (the `mode` of the `compile()` builtin).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A module: statements (`exec`).
    Exec,
    /// A single expression whose value the code returns (`eval`).
    Eval,
    /// Interactive input: statements whose expression values are passed to
    /// `sys.displayhook` (`single`).
    Single,
}

/// Parses and compiles a module.
///
/// # Errors
/// Syntax errors from the parser or the symbol table, compile-time `SyntaxError`s
/// (`'return' outside function`, ...), and constructs not supported yet.
pub fn compile_module(source: &str, filename: &str) -> Result<CodeObject, CompileError> {
    compile(source, filename, Mode::Exec)
}

/// Parses and compiles `source` in `mode`.
///
/// # Errors
/// As [`compile_module`]; in [`Mode::Eval`], anything but one expression is a
/// `SyntaxError`.
pub fn compile(source: &str, filename: &str, mode: Mode) -> Result<CodeObject, CompileError> {
    let optimize = crate::OPTIMIZE.load(std::sync::atomic::Ordering::Relaxed);
    compile_optimized(source, filename, mode, optimize)
}

/// [`compile`] at optimization level `optimize` instead of the process's
/// ([`crate::OPTIMIZE`]): 0 keeps everything; from 1, `assert` statements are left
/// out and `__debug__` is false; from 2, docstrings too (`compile(...,
/// optimize=N)`).
///
/// # Errors
/// As [`compile`].
pub fn compile_optimized(
    source: &str,
    filename: &str,
    mode: Mode,
    optimize: u8,
) -> Result<CodeObject, CompileError> {
    compile_with_future(source, filename, mode, optimize, 0)
}

/// [`compile_optimized`] with `future` features on from the start, as `compile()`'s
/// `flags` and the code calling it give them (the `__future__` bits of
/// [`crate::code::flags`], e.g. [`crate::code::flags::FUTURE_ANNOTATIONS`]); the
/// source's own future statements add to them.
///
/// # Errors
/// As [`compile`].
pub fn compile_with_future(
    source: &str,
    filename: &str,
    mode: Mode,
    optimize: u8,
    future: u32,
) -> Result<CodeObject, CompileError> {
    let code = generate(source, filename, mode, optimize, future)?;
    // The interpreter trusts stack depths and jump targets; debug builds check them.
    #[cfg(debug_assertions)]
    if let Err(e) = verify(&code) {
        panic!("the compiler emitted inconsistent code for {filename}: {e}");
    }
    Ok(code)
}

/// What every compile checks before parsing: source offsets are 32-bit throughout
/// the parser, and CPython rejects NUL bytes in source strings.
pub(crate) fn check_source(source: &str) -> Result<(), CompileError> {
    if u32::try_from(source.len()).is_err() {
        return Err(CompileError::unplaced(
            ErrorKind::Overflow,
            "source code too long to compile (over 4 GiB)",
        ));
    }
    if source.contains('\0') {
        return Err(CompileError::unplaced(
            ErrorKind::Syntax,
            "source code string cannot contain null bytes",
        ));
    }
    Ok(())
}

/// `single` mode's rule: one logical line of simple statements (`a = 1; b = 2`) or
/// one compound statement.
pub(crate) fn check_single_statement(
    body: &[ast::Stmt],
    source: &str,
    index: &LineIndex,
) -> Result<(), CompileError> {
    let split = body
        .windows(2)
        .find(|w| index.line_index(w[0].end()) != index.line_index(w[1].start()));
    match split {
        Some(w) => Err(CompileError::new(
            ErrorKind::Syntax,
            "multiple statements found while compiling a single statement",
            source,
            index,
            TextRange::empty(w[0].end()),
        )),
        None => Ok(()),
    }
}

fn generate(
    source: &str,
    filename: &str,
    mode: Mode,
    optimize: u8,
    future: u32,
) -> Result<CodeObject, CompileError> {
    check_source(source)?;
    let index = LineIndex::from_source_text(source);
    let too_deep = || {
        CompileError::unplaced(
            ErrorKind::Recursion,
            "maximum recursion depth exceeded during compilation",
        )
    };
    let symtable_error = |e: symtable::SymtableError| {
        let at = TextRange::empty(e.offset);
        CompileError::new(ErrorKind::Syntax, e.message, source, &index, at)
    };
    let mut c = Compiler {
        units: Vec::new(),
        source,
        index: &index,
        filename: filename.to_string(),
        interactive: mode == Mode::Single,
        warned: Vec::new(),
        set_literals: Vec::new(),
        optimize,
        future: crate::future::Features {
            annotations: future & flags::FUTURE_ANNOTATIONS != 0,
            ..crate::future::Features::default()
        },
    };
    if mode == Mode::Eval {
        let parsed = parse_expression_311(source).map_err(|e| parse_failure(e, source, &index))?;
        for (message, at) in crate::parse::number_warnings(source, parsed.tokens()) {
            c.warn(message, TextRange::empty(at));
        }
        let ast::Mod::Expression(expression) = parsed.syntax() else {
            return Err(CompileError::unplaced(ErrorKind::Syntax, "invalid syntax"));
        };
        let body = &*expression.body;
        if nests_deeper_than(Tree::Expr(body), max_nesting()) {
            std::mem::forget(parsed);
            return Err(too_deep());
        }
        let table = symtable::build_expression(body).map_err(symtable_error)?;
        c.enter(&table, "<module>".into(), "<module>".into(), 1);
        c.expr(body)?;
        c.emit(Op::RETURN_VALUE, 0);
        return Ok(c.leave());
    }
    let parsed = parse_module_311(source).map_err(|e| parse_failure(e, source, &index))?;
    for (message, at) in crate::parse::number_warnings(source, parsed.tokens()) {
        c.warn(message, TextRange::empty(at));
    }
    if nests_deeper_than(Tree::Body(&parsed.syntax().body), max_nesting()) {
        std::mem::forget(parsed);
        return Err(too_deep());
    }
    let module = parsed.syntax();
    if mode == Mode::Single {
        check_single_statement(&module.body, source, &index)?;
    }
    let own = crate::future::features(&module.body)
        .map_err(|(m, at)| CompileError::new(ErrorKind::Syntax, m, source, &index, at))?;
    c.future = crate::future::Features {
        annotations: own.annotations || c.future.annotations,
        end: own.end,
    };
    let table = symtable::build(module).map_err(symtable_error)?;
    c.enter(&table, "<module>".into(), "<module>".into(), 1);
    if let Some(first) = module.body.first() {
        // SETUP_ANNOTATIONS takes the first statement's line, as in CPython.
        c.set_loc(first);
    }
    if has_annotations(&module.body) {
        c.emit(Op::SETUP_ANNOTATIONS, 0);
    }
    // A module's docstring (not in interactive mode, nor under -OO) is stored as
    // `__doc__` and its statement consumed (CPython's compiler_body).
    let mut body = &module.body[..];
    if mode != Mode::Single && c.optimize < 2 {
        if let Some(Stmt::Expr(e)) = body.first() {
            if let Expr::StringLiteral(sl) = &*e.value {
                c.set_loc(&body[0]);
                let doc = c.str_value(sl);
                c.load_const(Constant::Str(doc));
                c.name_op("__doc__", ExprContext::Store);
                body = &body[1..];
            }
        }
    }
    c.body(body)?;
    let none = c.add_const(Constant::None);
    c.emit(Op::RETURN_CONST, none);
    Ok(c.leave())
}

/// Native stack the compiler wants left before it recurses into a statement or an
/// expression; with less, it continues on a new [`STACK_GROWTH`]-byte segment.
const STACK_RED_ZONE: usize = 256 << 10;
/// The size of a stack segment the compiler grows onto.
const STACK_GROWTH: usize = 4 << 20;

/// The most items a display or call pushes on the value stack before the compiler
/// builds it incrementally instead (CPython's `STACK_USE_GUIDELINE`).
const STACK_USE_GUIDELINE: usize = 30;

/// How deeply the AST may nest (expressions, statements, patterns) for the compiler
/// to accept it: three levels per level of `sys.getrecursionlimit()`, as CPython's
/// AST passes allow, with a ceiling. Deeper source is a `RecursionError`, which keeps
/// the compiler's own recursion bounded.
pub fn max_nesting() -> usize {
    let limit = crate::RECURSION_LIMIT.load(std::sync::atomic::Ordering::Relaxed);
    limit.saturating_mul(3).min(100_000)
}

/// A parse failure as the compile error CPython reports.
pub(crate) fn parse_failure(e: ParseFailure, source: &str, index: &LineIndex) -> CompileError {
    match e {
        ParseFailure::Parse(e) => crate::syntax_errors::from_parse_error(&e, source, index),
        ParseFailure::Newer(message, at) => {
            CompileError::new(ErrorKind::Syntax, message, source, index, at)
        }
        ParseFailure::Other(kind, message, at) => {
            let mut e = CompileError::new(kind, message, source, index, at);
            if matches!(kind, ErrorKind::Indentation | ErrorKind::Tab) {
                // CPython's tokenizer reports the line, with no end column.
                e.column = 1;
                e.end_column = 0;
            }
            e
        }
    }
}

/// A pending instruction: its argument may be a label.
#[derive(Clone, Copy, Debug)]
struct Pending {
    op: Op,
    arg: Arg,
    loc: Location,
    /// The innermost exception handler covering the instruction.
    handler: Option<Handler>,
}

/// An exception handler being compiled: on an exception, the stack is cut to `depth`
/// items, the raising offset is pushed if `lasti`, then the exception; control goes to
/// `label`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Handler {
    label: usize,
    depth: u32,
    lasti: bool,
}

#[derive(Clone, Copy, Debug)]
enum Arg {
    Value(u32),
    Label(usize),
}

/// A block the compiler is inside of, which an early exit (`return`, `break`,
/// `continue`) must unwind (CPython's fblock stack). `handlers_len` is the length of
/// the handler stack outside the block: the block's exit code runs with only those
/// handlers active.
enum FBlock {
    /// A loop.
    Loop {
        /// Where `continue` jumps.
        start: usize,
        /// Where `break` jumps.
        end: usize,
        /// The loop keeps its iterator on the stack (`for`).
        has_iter: bool,
        handlers_len: usize,
    },
    /// The body of `try ... finally`: leaving runs the `finally` statements, at
    /// `depth` (the value stack outside the `try`; one more for a `return` value).
    FinallyTry {
        body: Vec<Stmt>,
        handlers_len: usize,
        depth: u32,
    },
    /// A `return` value kept on the stack while a `finally` body runs on the way
    /// out: a `return`, `break` or `continue` in that body drops it.
    PopValue { handlers_len: usize },
    /// The exception path of a `finally` block: `prev_exc, exc` are on the stack.
    FinallyEnd { handlers_len: usize },
    /// An `except` clause body: the previous exception is on the stack; a named
    /// handler's name is deleted on the way out.
    HandlerCleanup {
        name: Option<String>,
        handlers_len: usize,
    },
    /// A `with` (or `async with`) body: the bound `__exit__` (`__aexit__`) is on the
    /// stack, to be called with `None, None, None` (and awaited) on the way out, at
    /// the statement's location `loc`.
    With {
        handlers_len: usize,
        is_async: bool,
        loc: Location,
    },
    /// An `except*` clause body: `return`, `break` and `continue` may not leave it.
    ExceptStar { handlers_len: usize },
}

impl FBlock {
    fn handlers_len(&self) -> usize {
        match self {
            FBlock::Loop { handlers_len, .. }
            | FBlock::FinallyTry { handlers_len, .. }
            | FBlock::FinallyEnd { handlers_len }
            | FBlock::HandlerCleanup { handlers_len, .. }
            | FBlock::With { handlers_len, .. }
            | FBlock::PopValue { handlers_len }
            | FBlock::ExceptStar { handlers_len } => *handlers_len,
        }
    }
}

struct Unit<'t> {
    table: &'t SymbolTable,
    code: CodeObject,
    pending: Vec<Pending>,
    /// Label → index into `pending` where it is bound.
    labels: Vec<Option<usize>>,
    fblocks: Vec<FBlock>,
    handlers: Vec<Handler>,
    /// Value-stack items held by enclosing blocks at statement level (iterators of
    /// `for` loops, saved exceptions of handlers): the depth handlers restore.
    depth: u32,
    /// The source span the next instructions are compiled from (CPython's
    /// `SET_LOC`): a statement's, narrowed to each expression while it compiles.
    loc: Location,
    /// The class name, for private-name mangling.
    class_name: Option<String>,
    /// Indexes into `code.consts`, `code.names` and `code.varnames`, and the
    /// locals-plus index of each cell and free variable: every lookup is a hash
    /// lookup, so compiling stays linear in the number of names and constants.
    const_index: HashMap<ConstKey, u32>,
    name_index: HashMap<String, u32>,
    fast_index: HashMap<String, u32>,
    deref_index: HashMap<String, u32>,
}

struct Compiler<'s, 't> {
    units: Vec<Unit<'t>>,
    source: &'s str,
    index: &'s LineIndex,
    filename: String,
    /// [`Mode::Single`]: module-level expression statements print their values.
    interactive: bool,
    /// The `SyntaxWarning`s printed so far, by line and message (each once).
    warned: Vec<(u32, String)>,
    /// The folded set displays met so far (items in source order). CPython merges
    /// equal frozenset constants across a compilation into the first one, whose
    /// construction order decides the iteration order of all of them.
    set_literals: Vec<Vec<Constant>>,
    /// The optimization level (see [`compile_optimized`]).
    optimize: u8,
    /// What the module's future statements turn on.
    future: crate::future::Features,
}

type CResult<T> = Result<T, CompileError>;

impl<'s, 't> Compiler<'s, 't> {
    fn unit(&mut self) -> &mut Unit<'t> {
        self.units.last_mut().expect("a compilation unit")
    }

    fn line_of(&self, offset: TextSize) -> u32 {
        self.index.line_index(offset).get() as u32
    }

    /// An annotation's value: its source text under `from __future__ import
    /// annotations` (PEP 563, as CPython's `ast_unparse.c` writes it), else the
    /// expression; a starred annotation (`*args:
    /// *Ts`, PEP 646) is the one item its value unpacks to (CPython's
    /// `compiler_visit_argannotation`).
    fn annotation(&mut self, e: &Expr) -> CResult<()> {
        if self.future.annotations {
            if let Some((message, at)) = crate::future::forbidden_in_annotation(e) {
                return Err(self.error(ErrorKind::Syntax, message, at));
            }
            self.load_const(Constant::Str(crate::future::annotation_source(e)));
            return Ok(());
        }
        if let Expr::Starred(s) = e {
            self.expr(&s.value)?;
            self.emit(Op::UNPACK_SEQUENCE, 1);
            return Ok(());
        }
        self.expr(e)
    }

    fn error(&self, kind: ErrorKind, message: impl Into<String>, at: TextRange) -> CompileError {
        CompileError::new(kind, message, self.source, self.index, at)
    }

    fn unsupported(&self, what: &str, at: TextRange) -> CompileError {
        self.error(
            ErrorKind::NotImplemented,
            format!("{what} are not supported by strand yet"),
            at,
        )
    }

    fn enter(&mut self, table: &'t SymbolTable, name: String, qualname: String, firstlineno: u32) {
        let class_name = if table.kind == BlockKind::Class {
            Some(table.name.clone())
        } else {
            self.units.last().and_then(|u| u.class_name.clone())
        };
        let mut code = CodeObject {
            name,
            qualname,
            filename: self.filename.clone(),
            firstlineno,
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            flags: if self.future.annotations {
                flags::FUTURE_ANNOTATIONS
            } else {
                0
            },
            code: Vec::new(),
            lines: Default::default(),
            exceptions: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            varnames: Vec::new(),
            cellvars: table.names_with_scope(Scope::Cell),
            freevars: table.freevars(),
            max_stack: 0,
        };
        if table.kind == BlockKind::Class && table.needs_class_closure {
            code.cellvars.push("__class__".into());
            code.cellvars.sort();
        }
        if table.kind == BlockKind::Function {
            code.varnames = table.varnames.clone();
            code.flags |= flags::OPTIMIZED | flags::NEWLOCALS;
            if table.has_varargs {
                code.flags |= flags::VARARGS;
            }
            if table.has_varkeywords {
                code.flags |= flags::VARKEYWORDS;
            }
            if table.is_nested {
                code.flags |= flags::NESTED;
            }
            // Every other local gets a slot too, in first-seen order.
            let mut seen: HashSet<&str> = code.varnames.iter().map(String::as_str).collect();
            let mut more = Vec::new();
            for s in &table.symbols {
                if matches!(s.scope, Scope::Local | Scope::Cell) && seen.insert(&s.name) {
                    more.push(s.name.clone());
                }
            }
            code.varnames.extend(more);
        }
        let fast_index: HashMap<String, u32> = code
            .varnames
            .iter()
            .enumerate()
            .rev()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        let deref_index: HashMap<String, u32> = code
            .cellvars
            .iter()
            .chain(&code.freevars)
            .filter_map(|n| code.deref_index(n).map(|i| (n.clone(), i as u32)))
            .collect();
        self.units.push(Unit {
            table,
            code,
            pending: Vec::new(),
            labels: Vec::new(),
            fblocks: Vec::new(),
            handlers: Vec::new(),
            depth: 0,
            loc: Location::line_only(firstlineno),
            class_name,
            const_index: HashMap::new(),
            name_index: HashMap::new(),
            fast_index,
            deref_index,
        });
        // Prologue: cells, free variables, RESUME.
        let n_cells: Vec<String> = self.unit().code.cellvars.clone();
        for c in n_cells {
            let i = self.deref(&c).expect("cell slot") as u32;
            self.emit(Op::MAKE_CELL, i);
        }
        let nfree = self.unit().code.freevars.len() as u32;
        if nfree > 0 {
            self.emit(Op::COPY_FREE_VARS, nfree);
        }
        self.emit(Op::RESUME, 0);
    }

    fn leave(&mut self) -> CodeObject {
        let mut u = self.units.pop().expect("a unit");
        noline::resolve(&mut u.pending, &mut u.labels);
        borrow::borrow_fast_loads(&mut u.pending, &u.labels);
        superinstr::insert_superinstructions(&u.code, &mut u.pending, &mut u.labels);
        assemble(&mut u);
        u.code
    }

    /// The symbol table of the scope nested here whose node spans `range`. The
    /// symbol table keys nested scopes by their node, so the order in which the
    /// compiler meets them (a `finally` body compiled twice, `else` before the
    /// handlers) never matters.
    fn child_table(&mut self, range: TextRange) -> CResult<&'t SymbolTable> {
        let table: &'t SymbolTable = self.unit().table;
        table.child(range).ok_or_else(|| {
            self.error(
                ErrorKind::Syntax,
                "internal compiler error: no symbol table for this scope",
                range,
            )
        })
    }

    fn emit(&mut self, op: Op, arg: u32) {
        let u = self.unit();
        let (loc, handler) = (u.loc, u.handlers.last().copied());
        u.pending.push(Pending {
            op,
            arg: Arg::Value(arg),
            loc,
            handler,
        });
    }

    /// Emits what follows without a position until the next `set_loc` (CPython's
    /// `UNSET_LOC`): artificial instructions, whose lines `noline` fills in.
    fn unset_loc(&mut self) {
        self.unit().loc = Location::default();
    }

    /// Emits an instruction without a position (an artificial one, such as the
    /// implicit `return None`): `noline` gives it the line CPython's compiler would.
    fn emit_noline(&mut self, op: Op, arg: u32) {
        self.emit(op, arg);
        if let Some(p) = self.unit().pending.last_mut() {
            p.loc = Location::default();
        }
    }

    /// A jump without a position (see [`emit_noline`](Self::emit_noline)).
    fn jump_noline(&mut self, op: Op, label: usize) {
        self.jump(op, label);
        if let Some(p) = self.unit().pending.last_mut() {
            p.loc = Location::default();
        }
    }

    fn new_label(&mut self) -> usize {
        let u = self.unit();
        u.labels.push(None);
        u.labels.len() - 1
    }

    fn bind(&mut self, label: usize) {
        let u = self.unit();
        u.labels[label] = Some(u.pending.len());
    }

    fn jump(&mut self, op: Op, label: usize) {
        let u = self.unit();
        let (loc, handler) = (u.loc, u.handlers.last().copied());
        u.pending.push(Pending {
            op,
            arg: Arg::Label(label),
            loc,
            handler,
        });
    }

    /// The position of a source span: lines, and columns in UTF-8 bytes.
    fn location(&self, range: TextRange) -> Location {
        let (start, end) = (range.start(), range.end());
        let line = self.index.line_index(start);
        let end_line = self.index.line_index(end);
        let col = start - self.index.line_start(line, self.source);
        let end_col = end - self.index.line_start(end_line, self.source);
        Location {
            line: line.get() as u32,
            end_line: end_line.get() as u32,
            col: col.to_u32(),
            end_col: end_col.to_u32(),
        }
    }

    /// Makes the following instructions belong to `node`'s span.
    fn set_loc(&mut self, node: &impl Ranged) {
        let loc = self.location(node.range());
        self.unit().loc = loc;
    }

    /// Compiles with the instructions attributed to `node`'s span, then restores the
    /// enclosing span (CPython's `SET_LOC` around `compiler_visit_expr`).
    fn at<N: Ranged, T>(
        &mut self,
        node: &N,
        f: impl FnOnce(&mut Self) -> CResult<T>,
    ) -> CResult<T> {
        let saved = self.unit().loc;
        self.set_loc(node);
        let r = f(self);
        self.unit().loc = saved;
        r
    }

    fn load_const(&mut self, c: Constant) {
        let i = self.add_const(c);
        self.emit(Op::LOAD_CONST, i);
    }

    fn name_index(&mut self, name: &str) -> u32 {
        let u = self.unit();
        if let Some(&i) = u.name_index.get(name) {
            return i;
        }
        let i = u.code.names.len() as u32;
        u.code.names.push(name.to_string());
        u.name_index.insert(name.to_string(), i);
        i
    }

    /// Adds a constant to the unit (de-duplicated, as [`CodeObject::add_const`]) and
    /// returns its index.
    fn add_const(&mut self, c: Constant) -> u32 {
        let u = self.unit();
        let key = c.key();
        if let Some(i) = key.as_ref().and_then(|k| u.const_index.get(k)) {
            return *i;
        }
        let i = u.code.consts.len() as u32;
        u.code.consts.push(c);
        if let Some(k) = key {
            u.const_index.insert(k, i);
        }
        i
    }

    /// The locals-plus index of cell or free variable `name`.
    fn deref(&mut self, name: &str) -> Option<usize> {
        self.unit().deref_index.get(name).map(|&i| i as usize)
    }

    fn mangle(&mut self, name: &str) -> String {
        match &self.unit().class_name {
            Some(c) if name.starts_with("__") && !name.ends_with("__") && !name.contains('.') => {
                let c = c.trim_start_matches('_');
                if c.is_empty() {
                    name.to_string()
                } else {
                    format!("_{c}{name}")
                }
            }
            _ => name.to_string(),
        }
    }

    /// Loads, stores or deletes a name according to its scope (compiler_nameop).
    fn name_op(&mut self, raw: &str, ctx: ExprContext) {
        let name = self.mangle(raw);
        let (kind, scope) = {
            let u = self.unit();
            (u.table.kind, u.table.scope_of(&name))
        };
        // A class body's own `__class__` is an ordinary name there (CPython): the
        // implicit cell that methods close over is only read by the class's epilogue.
        match scope {
            Scope::Free | Scope::Cell => {
                let i = self.deref(&name).unwrap_or(0) as u32;
                match ctx {
                    // Class bodies look in the namespace first, then in the cell.
                    ExprContext::Load if kind == BlockKind::Class => {
                        self.emit(Op::LOAD_FROM_DICT_OR_DEREF, i)
                    }
                    ExprContext::Load => self.emit(Op::LOAD_DEREF, i),
                    ExprContext::Store => self.emit(Op::STORE_DEREF, i),
                    _ => self.emit(Op::DELETE_DEREF, i),
                }
            }
            Scope::Local if kind == BlockKind::Function => {
                let i = self.unit().fast_index.get(&name).copied().unwrap_or(0);
                match ctx {
                    ExprContext::Load => self.emit(Op::LOAD_FAST, i),
                    ExprContext::Store => self.emit(Op::STORE_FAST, i),
                    _ => self.emit(Op::DELETE_FAST, i),
                }
            }
            Scope::GlobalImplicit if kind == BlockKind::Function => {
                let i = self.name_index(&name);
                match ctx {
                    ExprContext::Load => self.emit(Op::LOAD_GLOBAL, i << 1),
                    ExprContext::Store => self.emit(Op::STORE_GLOBAL, i),
                    _ => self.emit(Op::DELETE_GLOBAL, i),
                }
            }
            Scope::GlobalExplicit => {
                let i = self.name_index(&name);
                match ctx {
                    ExprContext::Load => self.emit(Op::LOAD_GLOBAL, i << 1),
                    ExprContext::Store => self.emit(Op::STORE_GLOBAL, i),
                    _ => self.emit(Op::DELETE_GLOBAL, i),
                }
            }
            _ => {
                let i = self.name_index(&name);
                match ctx {
                    ExprContext::Load => self.emit(Op::LOAD_NAME, i),
                    ExprContext::Store => self.emit(Op::STORE_NAME, i),
                    _ => self.emit(Op::DELETE_NAME, i),
                }
            }
        }
    }

    // -----------------------------------------------------------------------------
    // Statements
    // -----------------------------------------------------------------------------

    fn body(&mut self, stmts: &[Stmt]) -> CResult<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> CResult<()> {
        // Nesting is bounded (`max_nesting`), but each level is a few native frames:
        // a small thread stack grows onto the heap rather than overflowing.
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &Stmt) -> CResult<()> {
        self.set_loc(s);
        match s {
            Stmt::Expr(e) => {
                self.expr(&e.value)?;
                if self.interactive && self.units.len() == 1 {
                    self.emit(Op::PRINT_EXPR, 0);
                } else {
                    self.emit(Op::POP_TOP, 0);
                }
            }
            Stmt::Pass(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => self.emit(Op::NOP, 0),
            Stmt::Assign(a) => {
                self.expr(&a.value)?;
                let n = a.targets.len();
                for (i, t) in a.targets.iter().enumerate() {
                    if i + 1 < n {
                        self.emit(Op::COPY, 1);
                    }
                    self.store(t)?;
                }
            }
            Stmt::AugAssign(a) => self.aug_assign(a)?,
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.expr(v)?;
                    self.store(&a.target)?;
                } else {
                    // `x.a: int` and `x[k]: int` evaluate the target's parts.
                    match &*a.target {
                        Expr::Attribute(at) => {
                            self.expr(&at.value)?;
                            self.emit(Op::POP_TOP, 0);
                        }
                        Expr::Subscript(sub) => {
                            self.expr(&sub.value)?;
                            self.emit(Op::POP_TOP, 0);
                            self.expr(&sub.slice)?;
                            self.emit(Op::POP_TOP, 0);
                        }
                        _ => {}
                    }
                }
                // Module and class bodies keep annotations; functions ignore them
                // (postponed ones are still checked, as CPython's symbol table does).
                let kind = self.unit().table.kind;
                if kind == BlockKind::Function && self.future.annotations {
                    if let Some((message, at)) =
                        crate::future::forbidden_in_annotation(&a.annotation)
                    {
                        return Err(self.error(ErrorKind::Syntax, message, at));
                    }
                }
                if kind != BlockKind::Function {
                    match &*a.target {
                        Expr::Name(n) if a.simple => {
                            self.annotation(&a.annotation)?;
                            self.name_op("__annotations__", ExprContext::Load);
                            let key = self.mangle(&n.id);
                            self.load_const(Constant::Str(key));
                            self.emit(Op::STORE_SUBSCR, 0);
                        }
                        // Complex targets' annotations are evaluated and dropped,
                        // or, postponed (PEP 563), not even that.
                        _ if self.future.annotations => {}
                        _ => {
                            self.expr(&a.annotation)?;
                            self.emit(Op::POP_TOP, 0);
                        }
                    }
                }
            }
            Stmt::If(i) => {
                let end = self.new_label();
                let mut next = self.new_label();
                self.jump_if(&i.test, false, next)?;
                self.body(&i.body)?;
                for clause in &i.elif_else_clauses {
                    self.jump_noline(Op::JUMP_FORWARD, end);
                    self.bind(next);
                    next = self.new_label();
                    if let Some(test) = &clause.test {
                        self.set_loc(clause);
                        self.jump_if(test, false, next)?;
                    }
                    self.body(&clause.body)?;
                }
                self.bind(next);
                self.bind(end);
            }
            Stmt::While(w) => {
                let (start, else_, end) = (self.new_label(), self.new_label(), self.new_label());
                self.bind(start);
                self.jump_if(&w.test, false, else_)?;
                let handlers_len = self.unit().handlers.len();
                self.unit().fblocks.push(FBlock::Loop {
                    start,
                    end,
                    has_iter: false,
                    handlers_len,
                });
                self.body(&w.body)?;
                self.unit().fblocks.pop();
                self.set_loc(w);
                self.jump(Op::JUMP_BACKWARD, start);
                self.bind(else_);
                self.body(&w.orelse)?;
                self.bind(end);
            }
            Stmt::For(f) if f.is_async => self.async_for(f)?,
            Stmt::For(f) => {
                let (start, cleanup, end) = (self.new_label(), self.new_label(), self.new_label());
                self.expr(&f.iter)?;
                self.emit(Op::GET_ITER, 0);
                self.bind(start);
                self.jump(Op::FOR_ITER, cleanup);
                self.store(&f.target)?;
                self.for_body(f, start, end)?;
                self.bind(cleanup);
                self.body(&f.orelse)?;
                self.bind(end);
            }
            Stmt::Break(b) => {
                self.leaves_except_star(true, b.range())?;
                // The statement's line is traced before any `finally` or `with` exit
                // it runs (CPython's `compiler_break`).
                self.emit(Op::NOP, 0);
                if !self.unwind_to_loop(true)? {
                    return Err(self.error(ErrorKind::Syntax, "'break' outside loop", b.range()));
                }
            }
            Stmt::Continue(c) => {
                self.leaves_except_star(true, c.range())?;
                self.emit(Op::NOP, 0);
                if !self.unwind_to_loop(false)? {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        "'continue' not properly in loop",
                        c.range(),
                    ));
                }
            }
            Stmt::Return(r) => {
                if self.unit().table.kind != BlockKind::Function {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        "'return' outside function",
                        r.range(),
                    ));
                }
                if r.value.is_some() && self.unit().code.flags & flags::ASYNC_GENERATOR != 0 {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        "'return' with value in async generator",
                        r.range(),
                    ));
                }
                // CPython reports it after compiling the value, at the value.
                let at = r.value.as_ref().map_or(r.range(), |v| v.range());
                self.leaves_except_star(false, at)?;
                if let Some(v) = &r.value {
                    self.expr(v)?;
                }
                // The statement's line is traced before any `finally` or `with` exit
                // it runs (CPython's `compiler_return`).
                let own_line = self.location(r.range()).line;
                if r.value
                    .as_ref()
                    .is_none_or(|v| self.location(v.range()).line != own_line)
                {
                    self.set_loc(r);
                    self.emit(Op::NOP, 0);
                }
                self.unwind_all(r.value.is_some())?;
                // The return itself runs outside every handler it left.
                let outside = self.unit().fblocks.first().map(FBlock::handlers_len);
                let saved = self.unit().handlers.clone();
                if let Some(n) = outside {
                    self.unit().handlers.truncate(n);
                }
                if r.value.is_some() {
                    self.emit(Op::RETURN_VALUE, 0);
                } else {
                    let i = self.add_const(Constant::None);
                    self.emit(Op::RETURN_CONST, i);
                }
                self.unit().handlers = saved;
            }
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.delete(t)?;
                }
            }
            Stmt::Assert(a) => {
                self.check_assert(a);
                if self.optimize >= 1 {
                    return Ok(());
                }
                let end = self.new_label();
                self.jump_if(&a.test, true, end)?;
                self.emit(Op::LOAD_ASSERTION_ERROR, 0);
                if let Some(m) = &a.msg {
                    self.emit(Op::PUSH_NULL, 0);
                    self.emit(Op::SWAP, 2);
                    self.expr(m)?;
                    self.emit(Op::CALL, 1);
                }
                self.emit(Op::RAISE_VARARGS, 1);
                self.bind(end);
            }
            Stmt::Raise(r) => {
                let mut n = 0;
                if let Some(e) = &r.exc {
                    self.expr(e)?;
                    n = 1;
                    if let Some(c) = &r.cause {
                        self.expr(c)?;
                        n = 2;
                    }
                }
                self.emit(Op::RAISE_VARARGS, n);
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    self.load_const(Constant::Int(BigInt::from(0)));
                    self.load_const(Constant::None);
                    let ni = self.name_index(&a.name.id);
                    self.emit(Op::IMPORT_NAME, ni);
                    match &a.asname {
                        Some(alias) => {
                            for part in a.name.id.split('.').skip(1) {
                                let pi = self.name_index(part);
                                self.emit(Op::IMPORT_FROM, pi);
                                self.emit(Op::SWAP, 2);
                                self.emit(Op::POP_TOP, 0);
                            }
                            self.name_op(&alias.id, ExprContext::Store);
                        }
                        None => {
                            let top = a.name.id.split('.').next().unwrap_or("").to_string();
                            self.name_op(&top, ExprContext::Store);
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                if crate::future::is_future_import(s) && i.start() >= self.future.end {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        "from __future__ imports must occur at the beginning of the file",
                        i.range(),
                    ));
                }
                self.load_const(Constant::Int(BigInt::from(i.level)));
                let names: Vec<Constant> = i
                    .names
                    .iter()
                    .map(|a| Constant::Str(a.name.id.to_string()))
                    .collect();
                self.load_const(Constant::Tuple(names));
                let module = i
                    .module
                    .as_ref()
                    .map(|m| m.id.to_string())
                    .unwrap_or_default();
                let ni = self.name_index(&module);
                self.emit(Op::IMPORT_NAME, ni);
                if i.names.len() == 1 && i.names[0].name.id.as_str() == "*" {
                    self.emit(Op::IMPORT_STAR, 0);
                } else {
                    for a in &i.names {
                        let ni = self.name_index(&a.name.id);
                        self.emit(Op::IMPORT_FROM, ni);
                        let bound = a.asname.as_ref().unwrap_or(&a.name).id.to_string();
                        self.name_op(&bound, ExprContext::Store);
                    }
                    self.emit(Op::POP_TOP, 0);
                }
            }
            Stmt::FunctionDef(f) => self.function_def(f)?,
            Stmt::ClassDef(c) => self.class_def(c)?,
            Stmt::Try(t) => {
                // The `try` line gets an instruction of its own (CPython's
                // SETUP_FINALLY, which becomes a NOP that stays when the body starts
                // on another line), so that tracing sees it as a line.
                let body_line = t.body.first().map(|b| self.line_of(b.range().start()));
                if body_line != Some(self.line_of(t.range().start())) {
                    self.emit(Op::NOP, 0);
                }
                if !t.finalbody.is_empty() {
                    self.try_finally(t)?;
                } else if t.is_star {
                    self.try_star_except(t)?;
                } else {
                    self.try_except(t)?;
                }
            }
            Stmt::With(w) => {
                if w.is_async {
                    self.check_in_async_function("'async with'", w.range())?;
                }
                self.with_items(&w.items, &w.body, w.is_async)?;
            }
            Stmt::Match(m) => self.match_stmt(m)?,
            Stmt::TypeAlias(t) => return Err(self.unsupported("'type' aliases", t.range())),
            Stmt::IpyEscapeCommand(e) => {
                return Err(self.error(ErrorKind::Syntax, "invalid syntax", e.range()))
            }
        }
        Ok(())
    }

    /// Emits the exit code of one fblock (for `return`, `break`, `continue`); with
    /// `preserve_tos` the value on top of the stack is kept above what is popped.
    fn unwind_block(&mut self, block: &FBlock, preserve_tos: bool) -> CResult<()> {
        match block {
            FBlock::Loop { has_iter: true, .. } => {
                if preserve_tos {
                    self.emit(Op::SWAP, 2);
                }
                self.emit(Op::POP_TOP, 0);
            }
            FBlock::Loop { .. } => {}
            FBlock::FinallyTry {
                body,
                depth,
                handlers_len,
            } => {
                // The body runs at the depth of the `try` statement (whatever blocks
                // inside it the exit left), so its own handlers restore the right
                // depth.
                self.unit().depth = depth + u32::from(preserve_tos);
                if preserve_tos {
                    self.unit().fblocks.push(FBlock::PopValue {
                        handlers_len: *handlers_len,
                    });
                }
                let r = self.body(body);
                if preserve_tos {
                    self.unit().fblocks.pop();
                }
                r?;
            }
            FBlock::PopValue { .. } => {
                if preserve_tos {
                    self.emit(Op::SWAP, 2);
                }
                self.emit(Op::POP_TOP, 0);
            }
            FBlock::FinallyEnd { .. } => {
                if preserve_tos {
                    self.emit(Op::SWAP, 2);
                }
                self.emit(Op::POP_TOP, 0);
                if preserve_tos {
                    self.emit(Op::SWAP, 2);
                }
                self.emit(Op::POP_EXCEPT, 0);
            }
            FBlock::With { is_async, loc, .. } => {
                // The exit runs at the `with` statement, as CPython attributes it.
                self.unit().loc = *loc;
                if preserve_tos {
                    self.emit(Op::SWAP, 2);
                }
                self.call_exit_with_nones(*is_async);
            }
            // Rejected before unwinding starts (see `leaves_except_star`).
            FBlock::ExceptStar { .. } => {}
            FBlock::HandlerCleanup { name, .. } => {
                if preserve_tos {
                    self.emit(Op::SWAP, 2);
                }
                self.emit(Op::POP_EXCEPT, 0);
                if let Some(n) = name {
                    self.load_const(Constant::None);
                    self.name_op(n, ExprContext::Store);
                    self.name_op(n, ExprContext::Del);
                }
            }
        }
        Ok(())
    }

    /// Unwinds fblocks `from..` (innermost first), each with only the handlers active
    /// outside it and only the fblocks outside it on the stack (a `break` in a
    /// `finally` body run on the way out leaves the loop around the `try`); the
    /// fblock and handler stacks and the depth are restored afterwards.
    fn unwind_from(&mut self, from: usize, preserve_tos: bool) -> CResult<()> {
        let saved = self.unit().handlers.clone();
        let saved_depth = self.unit().depth;
        let mut popped = Vec::new();
        let mut result = Ok(());
        while self.unit().fblocks.len() > from {
            let b = self.unit().fblocks.pop().expect("more blocks than `from`");
            self.unit().handlers = saved[..b.handlers_len().min(saved.len())].to_vec();
            let r = self.unwind_block(&b, preserve_tos);
            popped.push(b);
            if let Err(e) = r {
                result = Err(e);
                break;
            }
        }
        let u = self.unit();
        u.handlers = saved;
        u.depth = saved_depth;
        while let Some(b) = popped.pop() {
            u.fblocks.push(b);
        }
        result
    }

    /// Unwinds every fblock (for `return`).
    fn unwind_all(&mut self, preserve_tos: bool) -> CResult<()> {
        self.unwind_from(0, preserve_tos)
    }

    /// `break` (`is_break`) or `continue`: unwinds the blocks inside the innermost
    /// loop and jumps; `false` outside loops.
    /// `return` (or, with `to_loop`, `break`/`continue` to the innermost loop) may
    /// not leave an `except*` clause body.
    fn leaves_except_star(&mut self, to_loop: bool, at: TextRange) -> CResult<()> {
        let blocks = &self.unit().fblocks;
        let from = if to_loop {
            blocks
                .iter()
                .rposition(|b| matches!(b, FBlock::Loop { .. }))
                .map_or(blocks.len(), |i| i + 1)
        } else {
            0
        };
        if blocks[from..]
            .iter()
            .any(|b| matches!(b, FBlock::ExceptStar { .. }))
        {
            return Err(self.error(
                ErrorKind::Syntax,
                "'break', 'continue' and 'return' cannot appear in an except* block",
                at,
            ));
        }
        Ok(())
    }

    fn unwind_to_loop(&mut self, is_break: bool) -> CResult<bool> {
        let Some(li) = self
            .unit()
            .fblocks
            .iter()
            .rposition(|b| matches!(b, FBlock::Loop { .. }))
        else {
            return Ok(false);
        };
        self.unwind_from(li + 1, false)?;
        let FBlock::Loop {
            start,
            end,
            has_iter,
            handlers_len,
        } = self.unit().fblocks[li]
        else {
            unreachable!("found a loop")
        };
        // The jump runs outside the handlers of the blocks it leaves.
        let saved = self.unit().handlers.clone();
        self.unit().handlers.truncate(handlers_len);
        if is_break {
            if has_iter {
                self.emit(Op::POP_TOP, 0);
            }
            self.jump(Op::JUMP_FORWARD, end);
        } else {
            self.jump(Op::JUMP_BACKWARD, start);
        }
        self.unit().handlers = saved;
        Ok(true)
    }

    /// `yield` is only allowed in functions, and not in list/set/dict comprehensions.
    fn check_yield_allowed(&self, what: &str, at: TextRange) -> CResult<()> {
        let u = self.units.last().expect("unit");
        if u.table.kind != BlockKind::Function {
            return Err(self.error(ErrorKind::Syntax, format!("'{what}' outside function"), at));
        }
        if u.table.is_comprehension {
            let kind = match u.code.name.as_str() {
                "<listcomp>" => "list comprehension",
                "<setcomp>" => "set comprehension",
                "<dictcomp>" => "dict comprehension",
                _ => "generator expression",
            };
            return Err(self.error(ErrorKind::Syntax, format!("'{what}' inside {kind}"), at));
        }
        Ok(())
    }

    /// `__exit__(None, None, None)` with the bound `__exit__` on top; pops it. For
    /// `async with` the result of `__aexit__` is awaited first.
    fn call_exit_with_nones(&mut self, is_async: bool) {
        self.emit(Op::PUSH_NULL, 0);
        self.emit(Op::SWAP, 2);
        for _ in 0..3 {
            self.load_const(Constant::None);
        }
        self.emit(Op::CALL, 3);
        if is_async {
            self.await_result(2);
        }
        self.emit(Op::POP_TOP, 0);
    }

    /// Awaits the value on top (GET_AWAITABLE `from`, then the SEND loop), leaving the
    /// result in its place.
    fn await_result(&mut self, from: u32) {
        self.emit(Op::GET_AWAITABLE, from);
        self.load_const(Constant::None);
        self.send_loop();
    }

    /// `async for`, `async with` and `await` need an `async def` around them:
    /// `'{what}' outside async function` otherwise.
    fn check_in_async_function(&self, what: &str, at: TextRange) -> CResult<()> {
        let u = self.units.last().expect("unit");
        let is_async = u.table.kind == BlockKind::Function
            && !u.table.is_comprehension
            && u.code.flags & (flags::COROUTINE | flags::ASYNC_GENERATOR) != 0;
        if is_async {
            return Ok(());
        }
        Err(self.error(
            ErrorKind::Syntax,
            format!("{what} outside async function"),
            at,
        ))
    }

    /// The body of a `for` or `async for` loop whose next item is stored: the loop
    /// block (for `break`/`continue`), the body one level deeper, and the jump back to
    /// `start` (attributed to the `for` statement).
    fn for_body(&mut self, f: &ast::StmtFor, start: usize, end: usize) -> CResult<()> {
        let handlers_len = self.unit().handlers.len();
        self.unit().fblocks.push(FBlock::Loop {
            start,
            end,
            has_iter: true,
            handlers_len,
        });
        self.unit().depth += 1;
        self.body(&f.body)?;
        self.unit().depth -= 1;
        self.unit().fblocks.pop();
        self.set_loc(f);
        self.jump(Op::JUMP_BACKWARD, start);
        Ok(())
    }

    /// `async for` (compiler_async_for): each step awaits `__anext__()` inside a
    /// handler whose END_ASYNC_FOR ends the loop on `StopAsyncIteration` (and
    /// re-raises anything else); `break` pops the asynchronous iterator as `for`
    /// pops its iterator.
    fn async_for(&mut self, f: &ast::StmtFor) -> CResult<()> {
        self.check_in_async_function("'async for'", f.range())?;
        let (start, end) = (self.new_label(), self.new_label());
        self.expr(&f.iter)?;
        self.emit(Op::GET_AITER, 0);
        self.bind(start);
        let d = self.unit().depth;
        // Exhaustion arrives as an exception with the iterator still below it.
        let step = self.push_handler(d + 1, false);
        self.emit(Op::GET_ANEXT, 0);
        self.load_const(Constant::None);
        self.send_loop();
        self.pop_handler();
        self.store(&f.target)?;
        self.for_body(f, start, end)?;
        self.bind(step.label);
        // The loop's end belongs to the `for`, not to its body (CPython puts it at
        // the iterable).
        self.set_loc(&*f.iter);
        self.emit(Op::END_ASYNC_FOR, 0);
        self.body(&f.orelse)?;
        self.bind(end);
        Ok(())
    }

    /// `with a as x, b as y: body` (compiler_with) and `async with`
    /// (compiler_async_with): one nested block per item; the asynchronous form awaits
    /// what `__aenter__` and `__aexit__` return.
    fn with_items(
        &mut self,
        items: &[ast::WithItem],
        body: &[Stmt],
        is_async: bool,
    ) -> CResult<()> {
        let Some(item) = items.first() else {
            return self.body(body);
        };
        let loc = self.unit().loc;
        let d = self.unit().depth;
        let outer_len = self.unit().handlers.len();
        let end = self.new_label();
        self.expr(&item.context_expr)?;
        if is_async {
            self.emit(Op::BEFORE_ASYNC_WITH, 0);
            self.await_result(1);
        } else {
            self.emit(Op::BEFORE_WITH, 0);
        }
        // [exit, enter_result]; the body runs with [exit] below.
        let h = self.push_handler(d + 1, true);
        self.unit().fblocks.push(FBlock::With {
            handlers_len: outer_len,
            is_async,
            loc,
        });
        self.unit().depth = d + 1;
        match &item.optional_vars {
            Some(target) => self.store(target)?,
            None => self.emit(Op::POP_TOP, 0),
        }
        self.with_items(&items[1..], body, is_async)?;
        self.unit().depth = d;
        self.unit().fblocks.pop();
        self.unit().handlers.truncate(outer_len);
        // The exit (and the exception path below) runs at the `with` statement.
        self.unit().loc = loc;
        self.call_exit_with_nones(is_async);
        self.jump(Op::JUMP_FORWARD, end);
        // An exception: [exit, lasti, exc] -> [exit, lasti, prev_exc, exc].
        self.bind(h.label);
        let cleanup = self.push_handler(d + 3, true);
        self.emit(Op::PUSH_EXC_INFO, 0);
        self.emit(Op::WITH_EXCEPT_START, 0);
        if is_async {
            self.await_result(2);
        }
        self.emit(Op::TO_BOOL, 0);
        // What follows is artificial (CPython's `compiler_with_except_finish`).
        self.unset_loc();
        let suppress = self.new_label();
        self.jump(Op::POP_JUMP_IF_TRUE, suppress);
        self.emit(Op::RERAISE, 2);
        self.unit().handlers.truncate(outer_len);
        self.bind(cleanup.label);
        self.emit(Op::COPY, 3);
        self.emit(Op::POP_EXCEPT, 0);
        self.emit(Op::RERAISE, 1);
        // __exit__ returned true: drop the exception and carry on.
        self.bind(suppress);
        self.emit(Op::POP_TOP, 0);
        self.emit(Op::POP_EXCEPT, 0);
        self.emit(Op::POP_TOP, 0);
        self.emit(Op::POP_TOP, 0);
        self.bind(end);
        Ok(())
    }

    fn push_handler(&mut self, depth: u32, lasti: bool) -> Handler {
        let label = self.new_label();
        let h = Handler {
            label,
            depth,
            lasti,
        };
        self.unit().handlers.push(h);
        h
    }

    fn pop_handler(&mut self) {
        self.unit().handlers.pop();
    }

    /// `try: ... except ...: ... else: ...` (compiler_try_except).
    fn try_except(&mut self, t: &ast::StmtTry) -> CResult<()> {
        let d = self.unit().depth;
        let outer_len = self.unit().handlers.len();
        let end = self.new_label();
        let body_handler = self.push_handler(d, false);
        self.body(&t.body)?;
        self.pop_handler();
        self.body(&t.orelse)?;
        self.unset_loc();
        self.jump(Op::JUMP_FORWARD, end);
        // Handler entry: [exc] -> [prev_exc, exc].
        self.bind(body_handler.label);
        let cleanup = self.push_handler(d + 1, true);
        self.emit(Op::PUSH_EXC_INFO, 0);
        for h in &t.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_loc(h);
            let next = self.new_label();
            if let Some(ty) = &h.type_ {
                self.expr(ty)?;
                self.emit(Op::CHECK_EXC_MATCH, 0);
                self.jump(Op::POP_JUMP_IF_FALSE, next);
            }
            let name = h.name.as_ref().map(|n| n.id.to_string());
            match &name {
                Some(n) => self.name_op(n, ExprContext::Store),
                None => self.emit(Op::POP_TOP, 0),
            }
            // The clause body runs with [prev_exc] below; a named handler deletes its
            // name however the body is left.
            let name_cleanup = if name.is_some() {
                Some(self.push_handler(d + 1, true))
            } else {
                None
            };
            self.unit().depth = d + 1;
            self.unit().fblocks.push(FBlock::HandlerCleanup {
                name: name.clone(),
                handlers_len: outer_len,
            });
            self.body(&h.body)?;
            self.unit().fblocks.pop();
            self.unit().depth = d;
            self.unit().handlers.truncate(outer_len);
            self.unset_loc();
            self.emit(Op::POP_EXCEPT, 0);
            if let Some(n) = &name {
                self.load_const(Constant::None);
                self.name_op(n, ExprContext::Store);
                self.name_op(n, ExprContext::Del);
            }
            self.jump(Op::JUMP_FORWARD, end);
            self.unit().handlers.push(cleanup);
            if let (Some(nc), Some(n)) = (name_cleanup, &name) {
                // An exception in a named clause body: delete the name, re-raise
                // (into the cleanup handler).
                self.bind(nc.label);
                self.load_const(Constant::None);
                self.name_op(n, ExprContext::Store);
                self.name_op(n, ExprContext::Del);
                self.emit(Op::RERAISE, 1);
            }
            self.bind(next);
        }
        // No clause matched (on the line of the last test, which jumps here).
        self.unset_loc();
        self.emit(Op::RERAISE, 0);
        self.unit().handlers.truncate(outer_len);
        // Cleanup: [prev_exc, lasti, exc2] -> restore prev_exc, re-raise.
        self.bind(cleanup.label);
        self.emit(Op::COPY, 3);
        self.emit(Op::POP_EXCEPT, 0);
        self.emit(Op::RERAISE, 1);
        self.bind(end);
        Ok(())
    }

    /// `try: ... except* ...: ... else: ...` (PEP 654, compiler_try_star_except).
    ///
    /// The handler keeps `[prev_exc, orig, raised, rest]` on the stack: the original
    /// exception, a list of what the clause bodies raised (and, at the end, the part
    /// no clause matched), and the part still to match. Each clause splits `rest`
    /// with CHECK_EG_MATCH; PREP_RERAISE_STAR combines the list into what to raise
    /// when all clauses are done.
    fn try_star_except(&mut self, t: &ast::StmtTry) -> CResult<()> {
        let d = self.unit().depth;
        let outer_len = self.unit().handlers.len();
        let end = self.new_label();
        let body_handler = self.push_handler(d, false);
        self.body(&t.body)?;
        self.pop_handler();
        self.body(&t.orelse)?;
        self.unset_loc();
        self.jump(Op::JUMP_FORWARD, end);
        // Handler entry: [exc] -> [prev_exc, exc] -> [prev_exc, orig, [], exc].
        self.bind(body_handler.label);
        let cleanup = self.push_handler(d + 1, true);
        self.emit(Op::PUSH_EXC_INFO, 0);
        self.emit(Op::COPY, 1);
        self.emit(Op::BUILD_LIST, 0);
        self.emit(Op::SWAP, 2);
        for h in &t.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_loc(h);
            let next = self.new_label();
            let no_match = self.new_label();
            let Some(ty) = &h.type_ else {
                return Err(self.error(
                    ErrorKind::Syntax,
                    "expected one or more exception types",
                    h.range(),
                ));
            };
            self.expr(ty)?;
            // [.., rest, type] -> [.., rest, match]
            self.emit(Op::CHECK_EG_MATCH, 0);
            self.emit(Op::COPY, 1);
            self.jump(Op::POP_JUMP_IF_NONE, no_match);
            let name = h.name.as_ref().map(|n| n.id.to_string());
            match &name {
                Some(n) => self.name_op(n, ExprContext::Store),
                None => self.emit(Op::POP_TOP, 0),
            }
            // The body runs with [prev_exc, orig, raised, rest] below; what it raises
            // joins `raised`.
            let raised_in_body = self.push_handler(d + 4, true);
            self.unit().depth = d + 4;
            self.unit().fblocks.push(FBlock::ExceptStar {
                handlers_len: outer_len,
            });
            self.body(&h.body)?;
            self.unit().fblocks.pop();
            self.unit().depth = d;
            self.unit().handlers.truncate(outer_len);
            self.unit().handlers.push(cleanup);
            self.unset_loc();
            if let Some(n) = &name {
                self.load_const(Constant::None);
                self.name_op(n, ExprContext::Store);
                self.name_op(n, ExprContext::Del);
            }
            self.jump(Op::JUMP_FORWARD, next);
            // [.., rest, lasti, exc]: delete the name, keep the exception.
            self.bind(raised_in_body.label);
            if let Some(n) = &name {
                self.load_const(Constant::None);
                self.name_op(n, ExprContext::Store);
                self.name_op(n, ExprContext::Del);
            }
            self.emit(Op::LIST_APPEND, 3);
            self.emit(Op::POP_TOP, 0);
            self.jump(Op::JUMP_FORWARD, next);
            // No match: drop the None.
            self.bind(no_match);
            self.emit(Op::POP_TOP, 0);
            self.bind(next);
        }
        // [prev_exc, orig, raised, rest] -> [prev_exc, orig, raised + [rest]]
        self.unset_loc();
        self.emit(Op::LIST_APPEND, 1);
        self.emit(Op::PREP_RERAISE_STAR, 0);
        let reraise = self.new_label();
        self.emit(Op::COPY, 1);
        self.jump(Op::POP_JUMP_IF_NOT_NONE, reraise);
        // Everything was handled.
        self.emit(Op::POP_TOP, 0);
        self.unit().handlers.truncate(outer_len);
        self.emit(Op::POP_EXCEPT, 0);
        self.jump(Op::JUMP_FORWARD, end);
        self.bind(reraise);
        self.emit(Op::SWAP, 2);
        self.emit(Op::POP_EXCEPT, 0);
        self.emit(Op::RERAISE, 0);
        // Cleanup: [prev_exc, lasti, exc2] -> restore prev_exc, re-raise.
        self.bind(cleanup.label);
        self.emit(Op::COPY, 3);
        self.emit(Op::POP_EXCEPT, 0);
        self.emit(Op::RERAISE, 1);
        self.bind(end);
        Ok(())
    }

    /// `try: ... [except ...] finally: ...` (compiler_try_finally).
    fn try_finally(&mut self, t: &ast::StmtTry) -> CResult<()> {
        let d = self.unit().depth;
        let outer_len = self.unit().handlers.len();
        let end = self.new_label();
        let fin = self.push_handler(d, false);
        self.unit().fblocks.push(FBlock::FinallyTry {
            body: t.finalbody.to_vec(),
            handlers_len: outer_len,
            depth: d,
        });
        if t.handlers.is_empty() {
            self.body(&t.body)?;
        } else {
            let inner = ast::StmtTry {
                node_index: Default::default(),
                range: t.range,
                body: t.body.clone(),
                handlers: t.handlers.clone(),
                orelse: t.orelse.clone(),
                finalbody: Default::default(),
                is_star: t.is_star,
            };
            if t.is_star {
                self.try_star_except(&inner)?;
            } else {
                self.try_except(&inner)?;
            }
        }
        self.unit().fblocks.pop();
        self.unit().handlers.truncate(outer_len);
        // Normal exit: run the finally statements.
        self.body(&t.finalbody)?;
        self.unset_loc();
        self.jump(Op::JUMP_FORWARD, end);
        // Exception exit: [exc] -> [prev_exc, exc], run them, re-raise.
        self.bind(fin.label);
        let cleanup = self.push_handler(d + 1, true);
        self.emit(Op::PUSH_EXC_INFO, 0);
        self.unit().depth = d + 2;
        self.unit().fblocks.push(FBlock::FinallyEnd {
            handlers_len: outer_len,
        });
        self.body(&t.finalbody)?;
        self.unit().fblocks.pop();
        self.unit().depth = d;
        self.unset_loc();
        self.emit(Op::RERAISE, 0);
        self.unit().handlers.truncate(outer_len);
        self.bind(cleanup.label);
        self.emit(Op::COPY, 3);
        self.emit(Op::POP_EXCEPT, 0);
        self.emit(Op::RERAISE, 1);
        self.bind(end);
        Ok(())
    }

    fn aug_assign(&mut self, a: &ast::StmtAugAssign) -> CResult<()> {
        let op = BINARY_OP_INPLACE + binop_arg(a.op) as u8;
        match &*a.target {
            Expr::Name(n) => {
                self.name_op(&n.id, ExprContext::Load);
                self.expr(&a.value)?;
                self.emit(Op::BINARY_OP, u32::from(op));
                self.name_op(&n.id, ExprContext::Store);
            }
            Expr::Attribute(at) => {
                self.expr(&at.value)?;
                self.emit(Op::COPY, 1);
                let name = self.mangle(&at.attr.id);
                let ni = self.name_index(&name);
                self.emit(Op::LOAD_ATTR, ni << 1);
                self.expr(&a.value)?;
                self.emit(Op::BINARY_OP, u32::from(op));
                self.emit(Op::SWAP, 2);
                self.emit(Op::STORE_ATTR, ni);
            }
            Expr::Subscript(sb) => {
                self.expr(&sb.value)?;
                self.expr(&sb.slice)?;
                self.emit(Op::COPY, 2);
                self.emit(Op::COPY, 2);
                self.emit(Op::BINARY_SUBSCR, 0);
                self.expr(&a.value)?;
                self.emit(Op::BINARY_OP, u32::from(op));
                self.emit(Op::SWAP, 3);
                self.emit(Op::SWAP, 2);
                self.emit(Op::STORE_SUBSCR, 0);
            }
            other => {
                return Err(self.error(
                    ErrorKind::Syntax,
                    "'expression' is an illegal expression for augmented assignment",
                    other.range(),
                ))
            }
        }
        Ok(())
    }

    fn store(&mut self, t: &Expr) -> CResult<()> {
        self.at(t, |c| c.store_inner(t))
    }

    fn store_inner(&mut self, t: &Expr) -> CResult<()> {
        match t {
            Expr::Name(n) => self.name_op(&n.id, ExprContext::Store),
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let name = self.mangle(&a.attr.id);
                let ni = self.name_index(&name);
                self.emit(Op::STORE_ATTR, ni);
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(Op::STORE_SUBSCR, 0);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                self.unpack(elts, t.start())?;
                for e in elts.iter() {
                    let e = if let Expr::Starred(s) = e {
                        &*s.value
                    } else {
                        e
                    };
                    self.store(e)?;
                }
            }
            Expr::Starred(s) => {
                return Err(self.error(
                    ErrorKind::Syntax,
                    "starred assignment target must be in a list or tuple",
                    s.range(),
                ))
            }
            other => {
                return Err(self.error(
                    ErrorKind::Syntax,
                    "cannot assign to expression",
                    other.range(),
                ))
            }
        }
        Ok(())
    }

    fn unpack(&mut self, elts: &[Expr], at: TextSize) -> CResult<()> {
        let star = elts.iter().position(|e| matches!(e, Expr::Starred(_)));
        if elts
            .iter()
            .filter(|e| matches!(e, Expr::Starred(_)))
            .count()
            > 1
        {
            return Err(self.error(
                ErrorKind::Syntax,
                "multiple starred expressions in assignment",
                TextRange::empty(at),
            ));
        }
        match star {
            Some(i) => {
                let after = elts.len() - i - 1;
                if i > 255 || after > 255 {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        "too many expressions in star-unpacking assignment",
                        TextRange::empty(at),
                    ));
                }
                self.emit(Op::UNPACK_EX, (i | (after << 8)) as u32);
            }
            None if elts.len() <= 3 && self.just_built_tuple(elts.len()) => {
                // `a, b = b, a`: a tuple built only to be unpacked at once. Its items
                // are on the stack in order; unpacking wants them reversed, which for
                // one item is nothing and for two or three is one SWAP (CPython's
                // optimize_basic_block in Python/compile.c does the same rewrite).
                let u = self.unit();
                let loc = u.loc;
                let n = elts.len() as u32;
                let build = u.pending.last_mut().expect("just_built_tuple saw it");
                if n == 1 {
                    u.pending.pop();
                } else {
                    build.op = Op::SWAP;
                    build.arg = Arg::Value(n);
                    build.loc = loc;
                }
            }
            None => self.emit(Op::UNPACK_SEQUENCE, elts.len() as u32),
        }
        Ok(())
    }

    /// Whether the last instruction emitted is `BUILD_TUPLE n`, in the same basic block
    /// and under the same exception handler as the instruction that would come next:
    /// no label is bound after it (a conditional expression's join point, say), so
    /// every path to the next instruction runs it.
    fn just_built_tuple(&mut self, n: usize) -> bool {
        let u = self.unit();
        let here = u.pending.len();
        let handler = u.handlers.last().copied();
        match u.pending.last() {
            Some(p) => {
                p.op == Op::BUILD_TUPLE
                    && matches!(p.arg, Arg::Value(a) if a as usize == n)
                    && p.handler == handler
                    && !u.labels.contains(&Some(here))
            }
            None => false,
        }
    }

    fn delete(&mut self, t: &Expr) -> CResult<()> {
        self.at(t, |c| c.delete_inner(t))
    }

    fn delete_inner(&mut self, t: &Expr) -> CResult<()> {
        match t {
            Expr::Name(n) => self.name_op(&n.id, ExprContext::Del),
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let name = self.mangle(&a.attr.id);
                let ni = self.name_index(&name);
                self.emit(Op::DELETE_ATTR, ni);
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(Op::DELETE_SUBSCR, 0);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for e in elts.iter() {
                    self.delete(e)?;
                }
            }
            other => {
                return Err(self.error(
                    ErrorKind::Syntax,
                    "cannot delete expression",
                    other.range(),
                ))
            }
        }
        Ok(())
    }

    /// Compiles a function body into a code object and emits MAKE_FUNCTION; leaves the
    /// function on the stack.
    #[allow(clippy::too_many_arguments)]
    fn make_function(
        &mut self,
        name: &str,
        params: Option<&ast::Parameters>,
        body: FunctionBody<'_>,
        line: u32,
        is_async: bool,
        returns: Option<&Expr>,
        range: TextRange,
    ) -> CResult<()> {
        // Defaults and keyword defaults are evaluated in the enclosing scope.
        let mut fflags = 0u32;
        if let Some(p) = params {
            let defaults: Vec<&Expr> = p
                .posonlyargs
                .iter()
                .chain(&p.args)
                .filter_map(|a| a.default.as_deref())
                .collect();
            if !defaults.is_empty() {
                for d in &defaults {
                    self.expr(d)?;
                }
                self.emit(Op::BUILD_TUPLE, defaults.len() as u32);
                fflags |= 1;
            }
            let kwdefaults: Vec<(&str, &Expr)> = p
                .kwonlyargs
                .iter()
                .filter_map(|a| {
                    a.default
                        .as_deref()
                        .map(|d| (a.parameter.name.id.as_str(), d))
                })
                .collect();
            if !kwdefaults.is_empty() {
                let mut keys = Vec::new();
                for (k, v) in &kwdefaults {
                    self.expr(v)?;
                    keys.push(Constant::Str((*k).to_string()));
                }
                self.load_const(Constant::Tuple(keys));
                self.emit(Op::BUILD_CONST_KEY_MAP, kwdefaults.len() as u32);
                fflags |= 2;
            }
        }
        // Annotations, evaluated here too, in CPython's order: parameters, *args,
        // keyword-only parameters, **kwargs, the return.
        let mut annotated: Vec<(String, &Expr)> = Vec::new();
        if let Some(p) = params {
            for a in p.posonlyargs.iter().chain(&p.args) {
                if let Some(ann) = &a.parameter.annotation {
                    annotated.push((a.parameter.name.id.to_string(), ann));
                }
            }
            if let Some(v) = &p.vararg {
                if let Some(ann) = &v.annotation {
                    annotated.push((v.name.id.to_string(), ann));
                }
            }
            for a in &p.kwonlyargs {
                if let Some(ann) = &a.parameter.annotation {
                    annotated.push((a.parameter.name.id.to_string(), ann));
                }
            }
            if let Some(v) = &p.kwarg {
                if let Some(ann) = &v.annotation {
                    annotated.push((v.name.id.to_string(), ann));
                }
            }
        }
        if let Some(r) = returns {
            annotated.push(("return".to_string(), r));
        }
        if !annotated.is_empty() {
            let mut keys = Vec::new();
            for (k, v) in &annotated {
                self.annotation(v)?;
                keys.push(Constant::Str(self.mangle(k)));
            }
            self.load_const(Constant::Tuple(keys));
            self.emit(Op::BUILD_CONST_KEY_MAP, annotated.len() as u32);
            fflags |= 4;
        }
        let table = self.child_table(range)?;
        let qualname = self.qualname_for(name);
        self.enter(table, name.to_string(), qualname, line);
        if is_async && table.is_generator {
            self.unit().code.flags |= flags::ASYNC_GENERATOR;
        } else if is_async {
            self.unit().code.flags |= flags::COROUTINE;
        } else if table.is_generator {
            self.unit().code.flags |= flags::GENERATOR;
        }
        if let Some(p) = params {
            let u = self.unit();
            u.code.argcount = (p.posonlyargs.len() + p.args.len()) as u32;
            u.code.posonlyargcount = p.posonlyargs.len() as u32;
            u.code.kwonlyargcount = p.kwonlyargs.len() as u32;
        }
        match body {
            FunctionBody::Stmts(stmts) => {
                // A leading string literal is the docstring (co_consts[0]).
                if let Some(Stmt::Expr(e)) = stmts.first().filter(|_| self.optimize < 2) {
                    if let Expr::StringLiteral(sl) = &*e.value {
                        let doc = self.str_value(sl);
                        self.add_const(Constant::Str(doc));
                        self.unit().code.flags |= flags::HAS_DOCSTRING;
                    }
                }
                if self.unit().code.consts.is_empty() {
                    self.add_const(Constant::None);
                }
                self.body(stmts)?;
                let i = self.add_const(Constant::None);
                self.emit_noline(Op::RETURN_CONST, i);
            }
            FunctionBody::Expr(e) => {
                self.add_const(Constant::None);
                self.expr(e)?;
                self.emit(Op::RETURN_VALUE, 0);
            }
        }
        let code = self.leave();
        self.emit_closure(code, fflags)
    }

    fn emit_closure(&mut self, code: CodeObject, mut fflags: u32) -> CResult<()> {
        if !code.freevars.is_empty() {
            for f in &code.freevars {
                // The free variable is a cell or free variable of this unit: the symbol
                // table makes it one (as a pass-through free variable of a class, too).
                let Some(i) = self.deref(f) else {
                    let unit = self.unit().code.qualname.clone();
                    return Err(self.error(
                        ErrorKind::System,
                        format!(
                            "compiler: free variable '{f}' of '{}' is no cell or free variable of '{unit}'",
                            code.qualname
                        ),
                        TextRange::default(),
                    ));
                };
                self.emit(Op::LOAD_CLOSURE, i as u32);
            }
            self.emit(Op::BUILD_TUPLE, code.freevars.len() as u32);
            fflags |= 8;
        }
        self.load_const(Constant::Code(Box::new(code)));
        self.emit(Op::MAKE_FUNCTION, fflags);
        Ok(())
    }

    /// The `__qualname__` of a function or class named `name` defined in the
    /// current unit (CPython's `compiler_set_qualname`): a name declared `global`
    /// there is qualified as at module level.
    fn qualname_for(&mut self, name: &str) -> String {
        let mangled = self.mangle(name);
        let parent = self.units.last().expect("unit");
        if parent.table.scope_of(&mangled) == Scope::GlobalExplicit {
            return name.to_string();
        }
        match parent.table.kind {
            BlockKind::Module => name.to_string(),
            BlockKind::Class => format!("{}.{name}", parent.code.qualname),
            BlockKind::Function => format!("{}.<locals>.{name}", parent.code.qualname),
        }
    }

    fn function_def(&mut self, f: &ast::StmtFunctionDef) -> CResult<()> {
        for d in &f.decorator_list {
            self.expr(&d.expression)?;
        }
        let line = self.line_of(f.start());
        self.make_function(
            &f.name.id,
            Some(&f.parameters),
            FunctionBody::Stmts(&f.body),
            line,
            f.is_async,
            f.returns.as_deref(),
            f.range(),
        )?;
        for _ in &f.decorator_list {
            self.emit(Op::CALL, 0);
        }
        self.name_op(&f.name.id, ExprContext::Store);
        Ok(())
    }

    fn class_def(&mut self, c: &ast::StmtClassDef) -> CResult<()> {
        for d in &c.decorator_list {
            self.expr(&d.expression)?;
        }
        self.emit(Op::PUSH_NULL, 0);
        self.emit(Op::LOAD_BUILD_CLASS, 0);
        // The class body: a function run by __build_class__ with the namespace as
        // its locals.
        let table = self.child_table(c.range())?;
        let qualname = self.qualname_for(&c.name.id);
        let line = self.line_of(c.start());
        self.enter(table, c.name.id.to_string(), qualname.clone(), line);
        self.add_const(Constant::None);
        self.name_op("__name__", ExprContext::Load);
        self.name_op("__module__", ExprContext::Store);
        self.load_const(Constant::Str(qualname));
        self.name_op("__qualname__", ExprContext::Store);
        if has_annotations(&c.body) {
            self.emit(Op::SETUP_ANNOTATIONS, 0);
        }
        if let Some(Stmt::Expr(e)) = c.body.first().filter(|_| self.optimize < 2) {
            if let Expr::StringLiteral(sl) = &*e.value {
                let doc = self.str_value(sl);
                self.load_const(Constant::Str(doc));
                self.name_op("__doc__", ExprContext::Store);
            }
        }
        self.body(&c.body)?;
        if table.needs_class_closure {
            let i = self.deref("__class__").unwrap_or(0) as u32;
            self.emit(Op::LOAD_CLOSURE, i);
            self.emit(Op::COPY, 1);
            self.name_op("__classcell__", ExprContext::Store);
            self.emit(Op::RETURN_VALUE, 0);
        } else {
            let i = self.add_const(Constant::None);
            self.emit_noline(Op::RETURN_CONST, i);
        }
        let code = self.leave();
        self.emit_closure(code, 0)?;
        self.load_const(Constant::Str(c.name.id.to_string()));
        let (args, keywords): (Vec<&Expr>, Vec<&ast::Keyword>) = match &c.arguments {
            Some(a) => (a.args.iter().collect(), a.keywords.iter().collect()),
            None => (Vec::new(), Vec::new()),
        };
        self.call_args(&args, &keywords, 2, c.start())?;
        for _ in &c.decorator_list {
            self.emit(Op::CALL, 0);
        }
        self.name_op(&c.name.id, ExprContext::Store);
        Ok(())
    }

    // -----------------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------------

    /// Evaluates `e` and jumps to `label` if its truth equals `when`.
    fn jump_if(&mut self, e: &Expr, when: bool, label: usize) -> CResult<()> {
        match e {
            Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => {
                return self.jump_if(&u.operand, !when, label)
            }
            Expr::BoolOp(b) => {
                let is_and = b.op == ast::BoolOp::And;
                // `a and b` jumps on false if any is false; on true only if all true.
                if is_and != when {
                    for v in &b.values {
                        self.jump_if(v, when, label)?;
                    }
                } else {
                    let skip = self.new_label();
                    let n = b.values.len();
                    for (i, v) in b.values.iter().enumerate() {
                        if i + 1 < n {
                            self.jump_if(v, !when, skip)?;
                        } else {
                            self.jump_if(v, when, label)?;
                        }
                    }
                    self.bind(skip);
                }
                return Ok(());
            }
            // A literal whose truth never takes the jump (`while True:`): CPython's
            // optimizer leaves only a NOP with its line, so that what the jump would
            // have reached is dead code when nothing else reaches it.
            Expr::BooleanLiteral(b) if b.value != when => {
                return self.at(e, |c| {
                    c.emit(Op::NOP, 0);
                    Ok(())
                })
            }
            Expr::NumberLiteral(ast::ExprNumberLiteral {
                value: ast::Number::Int(i),
                ..
            }) if (i.as_u8() != Some(0)) != when => {
                return self.at(e, |c| {
                    c.emit(Op::NOP, 0);
                    Ok(())
                })
            }
            _ => {}
        }
        self.expr(e)?;
        if matches!(e, Expr::Compare(_)) {
            // CPython 3.11 leaves a tested comparison's span in place for what follows
            // (an `assert`'s raise is reported at its comparison).
            self.set_loc(e);
        }
        self.emit(Op::TO_BOOL, 0);
        self.jump(
            if when {
                Op::POP_JUMP_IF_TRUE
            } else {
                Op::POP_JUMP_IF_FALSE
            },
            label,
        );
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> CResult<()> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || {
            self.at(e, |c| c.expr_inner(e))
        })
    }

    fn expr_inner(&mut self, e: &Expr) -> CResult<()> {
        match e {
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => {
                    let v =
                        int_literal(i).map_err(|m| self.error(ErrorKind::Syntax, m, n.range()))?;
                    self.load_const(Constant::Int(v));
                }
                ast::Number::Float(f) => self.load_const(Constant::Float(*f)),
                ast::Number::Complex { real, imag } => {
                    self.load_const(Constant::Complex(*real, *imag))
                }
            },
            Expr::StringLiteral(s) => {
                let v = self.str_value(s);
                self.load_const(Constant::Str(v))
            }
            Expr::BytesLiteral(b) => self.load_const(Constant::Bytes(b.value.bytes().collect())),
            Expr::BooleanLiteral(b) => self.load_const(Constant::Bool(b.value)),
            Expr::NoneLiteral(_) => self.load_const(Constant::None),
            Expr::EllipsisLiteral(_) => self.load_const(Constant::Ellipsis),
            // `__debug__` is a constant of the compilation (CPython's `compiler_nameop`).
            Expr::Name(n) if n.id.as_str() == "__debug__" && n.ctx == ExprContext::Load => {
                self.load_const(Constant::Bool(self.optimize == 0))
            }
            Expr::Name(n) => self.name_op(&n.id, n.ctx),
            Expr::BinOp(b) => {
                self.expr(&b.left)?;
                self.expr(&b.right)?;
                self.emit(Op::BINARY_OP, binop_arg(b.op) as u32);
            }
            Expr::UnaryOp(u) if folded_unary(u).is_some() => {
                let c = folded_unary(u).expect("checked");
                self.load_const(c);
            }
            Expr::UnaryOp(u) => {
                self.expr(&u.operand)?;
                match u.op {
                    ast::UnaryOp::Not => {
                        self.emit(Op::TO_BOOL, 0);
                        self.emit(Op::UNARY_NOT, 0);
                    }
                    ast::UnaryOp::USub => self.emit(Op::UNARY_NEGATIVE, 0),
                    ast::UnaryOp::UAdd => self.emit(Op::UNARY_POSITIVE, 0),
                    ast::UnaryOp::Invert => self.emit(Op::UNARY_INVERT, 0),
                }
            }
            Expr::BoolOp(b) => {
                let end = self.new_label();
                let (last, rest) = b.values.split_last().expect("two or more operands");
                for v in rest {
                    self.short_circuit(v, b.op == ast::BoolOp::Or, end)?;
                    self.emit(Op::POP_TOP, 0);
                }
                self.expr(last)?;
                self.bind(end);
            }
            Expr::Compare(c) => self.compare(c)?,
            Expr::If(i) => {
                let (else_, end) = (self.new_label(), self.new_label());
                self.jump_if(&i.test, false, else_)?;
                self.expr(&i.body)?;
                self.jump(Op::JUMP_FORWARD, end);
                self.bind(else_);
                self.expr(&i.orelse)?;
                self.bind(end);
            }
            Expr::Named(n) => {
                self.expr(&n.value)?;
                self.emit(Op::COPY, 1);
                self.store(&n.target)?;
            }
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let name = self.mangle(&a.attr.id);
                let ni = self.name_index(&name);
                self.emit(Op::LOAD_ATTR, ni << 1);
            }
            Expr::Subscript(s) => {
                self.check_subscript(s);
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(Op::BINARY_SUBSCR, 0);
            }
            Expr::Slice(s) => {
                for part in [&s.lower, &s.upper] {
                    match part {
                        Some(p) => self.expr(p)?,
                        None => self.load_const(Constant::None),
                    }
                }
                match &s.step {
                    Some(st) => {
                        self.expr(st)?;
                        self.emit(Op::BUILD_SLICE, 3);
                    }
                    None => self.emit(Op::BUILD_SLICE, 2),
                }
            }
            Expr::Tuple(t) => {
                if let Some(c) = constant_tuple(&t.elts) {
                    self.load_const(c);
                } else {
                    self.sequence(&t.elts, Op::BUILD_TUPLE)?;
                }
            }
            Expr::List(l) => self.sequence(&l.elts, Op::BUILD_LIST)?,
            Expr::Set(s) => self.sequence(&s.elts, Op::BUILD_SET)?,
            Expr::Dict(d) => self.dict(d)?,
            Expr::Call(c) => self.call(c)?,
            Expr::Lambda(l) => {
                let line = self.line_of(l.start());
                self.make_function(
                    "<lambda>",
                    l.parameters.as_deref(),
                    FunctionBody::Expr(&l.body),
                    line,
                    false,
                    None,
                    l.range(),
                )?;
            }
            Expr::ListComp(c) => {
                self.comprehension("<listcomp>", &c.generators, Comp::List(&c.elt), c.range())?
            }
            Expr::SetComp(c) => {
                self.comprehension("<setcomp>", &c.generators, Comp::Set(&c.elt), c.range())?
            }
            Expr::DictComp(c) => {
                let Some(k) = &c.key else {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        "dict unpacking cannot be used in dict comprehension",
                        c.range(),
                    ));
                };
                self.comprehension(
                    "<dictcomp>",
                    &c.generators,
                    Comp::Dict(k, &c.value),
                    c.range(),
                )?
            }
            Expr::FString(f) => self.fstring(f)?,
            Expr::Starred(s) => {
                return Err(self.error(
                    ErrorKind::Syntax,
                    "can't use starred expression here",
                    s.range(),
                ))
            }
            Expr::Generator(g) => {
                self.comprehension("<genexpr>", &g.generators, Comp::Gen(&g.elt), g.range())?
            }
            Expr::Yield(y) => {
                self.check_yield_allowed("yield", y.range())?;
                match &y.value {
                    Some(v) => self.expr(v)?,
                    None => self.load_const(Constant::None),
                }
                self.yield_value();
            }
            Expr::YieldFrom(y) => {
                self.check_yield_allowed("yield from", y.range())?;
                if self.unit().code.flags & (flags::COROUTINE | flags::ASYNC_GENERATOR) != 0 {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        "'yield from' inside async function",
                        y.range(),
                    ));
                }
                self.expr(&y.value)?;
                self.emit(Op::GET_YIELD_FROM_ITER, 0);
                self.load_const(Constant::None);
                self.send_loop();
            }
            Expr::Await(a) => {
                let u = self.units.last().expect("unit");
                if u.table.kind != BlockKind::Function {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        "'await' outside function",
                        a.range(),
                    ));
                }
                // A comprehension with an `await` is asynchronous (its symbol table
                // says so); whether it may be is checked where it is made.
                if !u.table.is_comprehension {
                    self.check_in_async_function("'await'", a.range())?;
                }
                self.expr(&a.value)?;
                self.await_result(0);
            }
            Expr::TString(t) => return Err(self.unsupported("template strings", t.range())),
            Expr::IpyEscapeCommand(e) => {
                return Err(self.error(ErrorKind::Syntax, "invalid syntax", e.range()))
            }
        }
        Ok(())
    }

    /// One operand of a short-circuit chain: evaluates `v` and jumps to `target` with
    /// its value on the stack if its truth is `jump_if`, else falls through with the
    /// value on the stack. An operand that is itself `and`/`or` is threaded through
    /// (CPython's jump threading): each operand's `__bool__` runs exactly once, so
    /// `a and b or c` tests `a` once.
    fn short_circuit(&mut self, v: &Expr, jump_if: bool, target: usize) -> CResult<()> {
        let Expr::BoolOp(inner) = v else {
            self.expr(v)?;
            self.emit(Op::COPY, 1);
            self.emit(Op::TO_BOOL, 0);
            let op = if jump_if {
                Op::POP_JUMP_IF_TRUE
            } else {
                Op::POP_JUMP_IF_FALSE
            };
            self.jump(op, target);
            return Ok(());
        };
        self.at(v, |c| {
            let (last, rest) = inner.values.split_last().expect("two or more operands");
            // `or` stops on a true operand, `and` on a false one.
            let stops_on = inner.op == ast::BoolOp::Or;
            if stops_on == jump_if {
                // The inner chain's stopping value is ours to jump with.
                for w in rest {
                    c.short_circuit(w, jump_if, target)?;
                    c.emit(Op::POP_TOP, 0);
                }
                c.short_circuit(last, jump_if, target)
            } else {
                // The inner chain's stopping value would not jump: fall through with it.
                let fall = c.new_label();
                for w in rest {
                    c.short_circuit(w, stops_on, fall)?;
                    c.emit(Op::POP_TOP, 0);
                }
                c.short_circuit(last, jump_if, target)?;
                c.bind(fall);
                Ok(())
            }
        })
    }

    /// The value of a string literal ([`str_literal_value`]).
    fn str_value(&self, s: &ast::ExprStringLiteral) -> String {
        str_literal_value(self.source, s)
    }

    /// The value of one string literal of an implicit concatenation
    /// ([`string_part_value`]).
    fn string_part_value(&self, part: &ast::StringLiteral) -> String {
        string_part_value(self.source, part)
    }

    /// The value of an f-string's literal text ([`fstring_literal_value`]).
    fn fstring_literal_value(&self, l: &ast::InterpolatedStringLiteralElement) -> String {
        fstring_literal_value(self.source, l)
    }

    /// `yield` of the value on top: wrapped first in an async generator (see
    /// ASYNC_GEN_WRAP).
    fn yield_value(&mut self) {
        if self.unit().code.flags & flags::ASYNC_GENERATOR != 0 {
            self.emit(Op::ASYNC_GEN_WRAP, 0);
        }
        self.emit(Op::YIELD_VALUE, 0);
        self.emit(Op::RESUME, 1);
    }

    /// The delegation loop of `yield from` and `await`: with the sub-iterator and the
    /// value to send on the stack, SEND until it returns, yielding what it yields.
    fn send_loop(&mut self) {
        let (start, exit) = (self.new_label(), self.new_label());
        self.bind(start);
        self.jump(Op::SEND, exit);
        // Argument 1 marks a delegating yield (see `eval::delegate_of`).
        self.emit(Op::YIELD_VALUE, 1);
        self.emit(Op::RESUME, 1);
        self.jump(Op::JUMP_BACKWARD, start);
        self.bind(exit);
    }

    fn compare(&mut self, c: &ast::ExprCompare) -> CResult<()> {
        self.check_compare(c);
        self.expr(&c.left)?;
        let n = c.ops.len();
        if n == 1 {
            self.expr(&c.comparators[0])?;
            self.cmp_op(c.ops[0]);
            return Ok(());
        }
        let (cleanup, end) = (self.new_label(), self.new_label());
        for i in 0..n {
            self.expr(&c.comparators[i])?;
            if i + 1 < n {
                self.emit(Op::SWAP, 2);
                self.emit(Op::COPY, 2);
                self.cmp_op(c.ops[i]);
                self.emit(Op::COPY, 1);
                self.emit(Op::TO_BOOL, 0);
                self.jump(Op::POP_JUMP_IF_FALSE, cleanup);
                self.emit(Op::POP_TOP, 0);
            } else {
                self.cmp_op(c.ops[i]);
            }
        }
        self.jump(Op::JUMP_FORWARD, end);
        self.bind(cleanup);
        self.emit(Op::SWAP, 2);
        self.emit(Op::POP_TOP, 0);
        self.bind(end);
        Ok(())
    }

    fn cmp_op(&mut self, op: ast::CmpOp) {
        use ast::CmpOp::*;
        match op {
            Lt => self.emit(Op::COMPARE_OP, 0 << 4),
            LtE => self.emit(Op::COMPARE_OP, 1 << 4),
            Eq => self.emit(Op::COMPARE_OP, 2 << 4),
            NotEq => self.emit(Op::COMPARE_OP, 3 << 4),
            Gt => self.emit(Op::COMPARE_OP, 4 << 4),
            GtE => self.emit(Op::COMPARE_OP, 5 << 4),
            Is => self.emit(Op::IS_OP, 0),
            IsNot => self.emit(Op::IS_OP, 1),
            In => self.emit(Op::CONTAINS_OP, 0),
            NotIn => self.emit(Op::CONTAINS_OP, 1),
        }
    }

    /// A display with possible `*x` items.
    fn sequence(&mut self, elts: &[Expr], build: Op) -> CResult<()> {
        // CPython folds a set display of more than two constants into a frozenset
        // constant added to an empty set; the resulting iteration order (visible when
        // the set is printed) depends on that construction, so strand does the same.
        if build == Op::BUILD_SET && elts.len() > 2 {
            if let Some(Constant::Tuple(items)) = constant_tuple(elts) {
                let items = match self
                    .set_literals
                    .iter()
                    .find(|earlier| same_frozenset(earlier, &items))
                {
                    Some(earlier) => earlier.clone(),
                    None => {
                        self.set_literals.push(items.clone());
                        items
                    }
                };
                self.emit(Op::BUILD_SET, 0);
                self.load_const(Constant::FrozenSet(items));
                self.emit(Op::SET_UPDATE, 1);
                return Ok(());
            }
        }
        let starred = elts.iter().any(|e| matches!(e, Expr::Starred(_)));
        if build == Op::BUILD_LIST && !starred && elts.len() > 2 {
            // A list of constants: one constant tuple extends an empty list
            // (CPython's starunpack_helper).
            if let Some(c @ Constant::Tuple(_)) = constant_tuple(elts) {
                self.emit(Op::BUILD_LIST, 0);
                self.load_const(c);
                self.emit(Op::LIST_EXTEND, 1);
                return Ok(());
            }
        }
        if !starred && elts.len() <= STACK_USE_GUIDELINE {
            for e in elts {
                self.expr(e)?;
            }
            self.emit(build, elts.len() as u32);
            return Ok(());
        }
        // Build a list (or set) incrementally, then convert: for starred items, and
        // for long displays, which would otherwise need one stack slot per item.
        let (start, extend, add) = if build == Op::BUILD_SET {
            (Op::BUILD_SET, Op::SET_UPDATE, Op::SET_ADD)
        } else {
            (Op::BUILD_LIST, Op::LIST_EXTEND, Op::LIST_APPEND)
        };
        self.emit(start, 0);
        for e in elts {
            match e {
                Expr::Starred(s) => {
                    self.expr(&s.value)?;
                    self.emit(extend, 1);
                }
                other => {
                    self.expr(other)?;
                    self.emit(add, 1);
                }
            }
        }
        if build == Op::BUILD_TUPLE {
            self.emit(Op::LIST_TO_TUPLE, 0);
        }
        Ok(())
    }

    fn dict(&mut self, d: &ast::ExprDict) -> CResult<()> {
        let mut pending = 0u32;
        let mut built = false;
        for item in &d.items {
            match &item.key {
                Some(k) => {
                    self.expr(k)?;
                    self.expr(&item.value)?;
                    pending += 1;
                    // Long displays are built in chunks, merged as they come.
                    if pending as usize * 2 > STACK_USE_GUIDELINE {
                        self.emit(Op::BUILD_MAP, pending);
                        if built {
                            self.emit(Op::DICT_UPDATE, 1);
                        }
                        built = true;
                        pending = 0;
                    }
                }
                None => {
                    if pending > 0 || !built {
                        self.emit(Op::BUILD_MAP, pending);
                        if built {
                            self.emit(Op::DICT_UPDATE, 1);
                        }
                        built = true;
                        pending = 0;
                    }
                    self.expr(&item.value)?;
                    self.emit(Op::DICT_UPDATE, 1);
                }
            }
        }
        if !built {
            self.emit(Op::BUILD_MAP, pending);
        } else if pending > 0 {
            self.emit(Op::BUILD_MAP, pending);
            self.emit(Op::DICT_UPDATE, 1);
        }
        Ok(())
    }

    fn call(&mut self, c: &ast::ExprCall) -> CResult<()> {
        self.check_caller(c);
        // Method calls: `obj.m(...)` loads the method and self together.
        if let Expr::Attribute(a) = &*c.func {
            self.at(a, |c| {
                c.expr(&a.value)?;
                let name = c.mangle(&a.attr.id);
                let ni = c.name_index(&name);
                c.emit(Op::LOAD_ATTR, (ni << 1) | 1);
                Ok(())
            })?;
        } else if let Expr::Name(n) = &*c.func {
            self.at(n, |c| {
                let name = c.mangle(&n.id);
                let (kind, scope) = (c.unit().table.kind, c.unit().table.scope_of(&name));
                let global = matches!(scope, Scope::GlobalExplicit)
                    || (scope == Scope::GlobalImplicit && kind == BlockKind::Function);
                if global {
                    let ni = c.name_index(&name);
                    c.emit(Op::LOAD_GLOBAL, (ni << 1) | 1);
                } else {
                    c.emit(Op::PUSH_NULL, 0);
                    c.name_op(&n.id, ExprContext::Load);
                }
                Ok(())
            })?;
        } else {
            self.emit(Op::PUSH_NULL, 0);
            self.expr(&c.func)?;
        }
        let args: Vec<&Expr> = c.arguments.args.iter().collect();
        let kws: Vec<&ast::Keyword> = c.arguments.keywords.iter().collect();
        self.call_args(&args, &kws, 0, c.start())
    }

    /// Pushes arguments (after `extra` already pushed positional ones) and emits the
    /// call.
    fn call_args(
        &mut self,
        args: &[&Expr],
        kws: &[&ast::Keyword],
        extra: u32,
        _at: TextSize,
    ) -> CResult<()> {
        let starred = args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || kws.iter().any(|k| k.arg.is_none());
        if !starred {
            for a in args {
                self.expr(a)?;
            }
            let mut names = Vec::new();
            for k in kws {
                self.expr(&k.value)?;
                names.push(Constant::Str(
                    k.arg.as_ref().map(|a| a.id.to_string()).unwrap_or_default(),
                ));
            }
            if !names.is_empty() {
                let i = self.add_const(Constant::Tuple(names));
                self.emit(Op::KW_NAMES, i);
            }
            self.emit(Op::CALL, extra + (args.len() + kws.len()) as u32);
            return Ok(());
        }
        // CALL_FUNCTION_EX: a tuple of positional arguments and a dict of keywords.
        // Positional arguments already pushed (class bodies) are folded in first.
        // A lone `*x` is passed as it is: CALL_FUNCTION_EX makes the tuple (and
        // names the callee when `x` is not iterable), as CPython 3.11 does.
        if let ([Expr::Starred(s)], 0) = (args, extra) {
            self.expr(&s.value)?;
            return self.call_ex_keywords(kws);
        }
        self.emit(Op::BUILD_LIST, extra);
        for a in args {
            match a {
                Expr::Starred(s) => {
                    self.expr(&s.value)?;
                    self.emit(Op::LIST_EXTEND, 1);
                }
                other => {
                    self.expr(other)?;
                    self.emit(Op::LIST_APPEND, 1);
                }
            }
        }
        self.emit(Op::LIST_TO_TUPLE, 0);
        self.call_ex_keywords(kws)
    }

    /// The keyword part of a CALL_FUNCTION_EX call (its positional tuple pushed),
    /// then the call.
    fn call_ex_keywords(&mut self, kws: &[&ast::Keyword]) -> CResult<()> {
        if kws.is_empty() {
            self.emit(Op::CALL_FUNCTION_EX, 0);
            return Ok(());
        }
        self.emit(Op::BUILD_MAP, 0);
        for k in kws {
            match &k.arg {
                Some(name) => {
                    self.load_const(Constant::Str(name.id.to_string()));
                    self.expr(&k.value)?;
                    self.emit(Op::BUILD_MAP, 1);
                    self.emit(Op::DICT_MERGE, 1);
                }
                None => {
                    self.expr(&k.value)?;
                    self.emit(Op::DICT_MERGE, 1);
                }
            }
        }
        self.emit(Op::CALL_FUNCTION_EX, 1);
        Ok(())
    }

    fn comprehension(
        &mut self,
        name: &str,
        gens: &[ast::Comprehension],
        kind: Comp<'_>,
        range: TextRange,
    ) -> CResult<()> {
        let at = range.start();
        let table = self.child_table(range)?;
        let is_gen = matches!(kind, Comp::Gen(_));
        // An asynchronous list, set or dict comprehension is awaited where it is
        // made, which only an async function or another comprehension can do.
        if table.is_coroutine && !is_gen {
            let parent = self.units.last().expect("unit");
            let parent_async = parent.table.is_comprehension
                || (parent.table.kind == BlockKind::Function
                    && parent.code.flags & (flags::COROUTINE | flags::ASYNC_GENERATOR) != 0);
            if !parent_async {
                return Err(self.error(
                    ErrorKind::Syntax,
                    "asynchronous comprehension outside of an asynchronous function",
                    range,
                ));
            }
        }
        let qualname = self.qualname_for(name);
        let line = self.line_of(at);
        // The outermost iterable is evaluated here and passed as `.0`.
        self.enter(table, name.to_string(), qualname, line);
        self.unit().code.argcount = 1;
        self.unit().code.flags |= match (is_gen, table.is_coroutine) {
            (true, true) => flags::ASYNC_GENERATOR,
            (true, false) => flags::GENERATOR,
            (false, true) => flags::COROUTINE,
            (false, false) => 0,
        };
        self.add_const(Constant::None);
        let build = match kind {
            Comp::List(_) => Some(Op::BUILD_LIST),
            Comp::Set(_) => Some(Op::BUILD_SET),
            Comp::Dict(..) => Some(Op::BUILD_MAP),
            Comp::Gen(_) => None,
        };
        if let Some(op) = build {
            self.emit(op, 0);
        }
        self.emit(Op::LOAD_FAST, 0);
        // A generator expression has no result collection below its iterators.
        self.comp_level(gens, 0, kind, u32::from(build.is_some()))?;
        if build.is_some() {
            self.emit(Op::RETURN_VALUE, 0);
        } else {
            let none = self.add_const(Constant::None);
            self.emit(Op::RETURN_CONST, none);
        }
        let code = self.leave();
        self.emit_closure(code, 0)?;
        self.emit(Op::PUSH_NULL, 0);
        self.emit(Op::SWAP, 2);
        self.expr(&gens[0].iter)?;
        let get_iter = if gens[0].is_async {
            Op::GET_AITER
        } else {
            Op::GET_ITER
        };
        self.emit(get_iter, 0);
        self.emit(Op::CALL, 1);
        if table.is_coroutine && !is_gen {
            self.await_result(0);
        }
        Ok(())
    }

    /// One `for` (or `async for`) clause of a comprehension and everything inside it;
    /// `below` is the number of stack items under this level's iterator (the result
    /// collection and the outer levels' iterators).
    fn comp_level(
        &mut self,
        gens: &[ast::Comprehension],
        depth: usize,
        kind: Comp<'_>,
        below: u32,
    ) -> CResult<()> {
        let g = &gens[depth];
        let (start, end, skip) = (self.new_label(), self.new_label(), self.new_label());
        if depth > 0 {
            self.expr(&g.iter)?;
            self.emit(
                if g.is_async {
                    Op::GET_AITER
                } else {
                    Op::GET_ITER
                },
                0,
            );
        }
        self.bind(start);
        let step = if g.is_async {
            // As `async for`: exhaustion is StopAsyncIteration from the awaited
            // `__anext__()`, with this level's iterator below it.
            let h = self.push_handler(below + 1, false);
            self.emit(Op::GET_ANEXT, 0);
            self.load_const(Constant::None);
            self.send_loop();
            self.pop_handler();
            Some(h)
        } else {
            self.jump(Op::FOR_ITER, end);
            None
        };
        self.store(&g.target)?;
        for cond in &g.ifs {
            self.jump_if(cond, false, skip)?;
        }
        // Result collection sits below one iterator per level.
        let below_collection = (depth + 2) as u32;
        if depth + 1 < gens.len() {
            self.comp_level(gens, depth + 1, kind, below + 1)?;
        } else {
            let below = below_collection;
            match kind {
                Comp::List(e) => {
                    self.expr(e)?;
                    self.emit(Op::LIST_APPEND, below);
                }
                Comp::Set(e) => {
                    self.expr(e)?;
                    self.emit(Op::SET_ADD, below);
                }
                Comp::Dict(k, v) => {
                    self.expr(k)?;
                    self.expr(v)?;
                    self.emit(Op::MAP_ADD, below);
                }
                Comp::Gen(e) => {
                    self.expr(e)?;
                    self.yield_value();
                    self.emit(Op::POP_TOP, 0);
                }
            }
        }
        self.bind(skip);
        self.jump(Op::JUMP_BACKWARD, start);
        if let Some(h) = step {
            self.bind(h.label);
            self.emit(Op::END_ASYNC_FOR, 0);
        }
        self.bind(end);
        Ok(())
    }

    fn fstring(&mut self, f: &ast::ExprFString) -> CResult<()> {
        let mut count = 0u32;
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(l) => {
                    if !l.value.is_empty() {
                        let v = self.string_part_value(l);
                        self.load_const(Constant::Str(v));
                        count += 1;
                    }
                }
                ast::FStringPart::FString(fs) => count += self.fstring_elements(&fs.elements)?,
            }
        }
        match count {
            0 => self.load_const(Constant::Str(String::new())),
            1 => {}
            n => self.emit(Op::BUILD_STRING, n),
        }
        Ok(())
    }

    fn fstring_elements(&mut self, elements: &ast::InterpolatedStringElements) -> CResult<u32> {
        let mut count = 0;
        for el in elements.iter() {
            match el {
                ast::InterpolatedStringElement::Literal(l) => {
                    let v = self.fstring_literal_value(l);
                    self.load_const(Constant::Str(v));
                    count += 1;
                }
                ast::InterpolatedStringElement::Interpolation(i) => {
                    let mut conv = match i.conversion {
                        ast::ConversionFlag::None => 0,
                        ast::ConversionFlag::Str => 1,
                        ast::ConversionFlag::Repr => 2,
                        ast::ConversionFlag::Ascii => 3,
                    };
                    if let Some(d) = &i.debug_text {
                        // `f"{x=}"`: the source text, then repr unless a spec or
                        // conversion says otherwise.
                        let expr_text = &self.source[i.expression.range()];
                        self.load_const(Constant::Str(format!(
                            "{}{expr_text}{}",
                            d.leading(),
                            d.trailing()
                        )));
                        count += 1;
                        if conv == 0 && i.format_spec.is_none() {
                            conv = 2;
                        }
                    }
                    self.expr(&i.expression)?;
                    if let Some(spec) = &i.format_spec {
                        let n = self.fstring_elements(&spec.elements)?;
                        match n {
                            0 => self.load_const(Constant::Str(String::new())),
                            1 => {}
                            n => self.emit(Op::BUILD_STRING, n),
                        }
                        conv |= 4;
                    }
                    self.emit(Op::FORMAT_VALUE, conv);
                    count += 1;
                }
            }
        }
        Ok(count)
    }
}

#[derive(Clone, Copy)]
enum Comp<'a> {
    List(&'a Expr),
    Set(&'a Expr),
    Dict(&'a Expr, &'a Expr),
    /// A generator expression: yields each element.
    Gen(&'a Expr),
}

enum FunctionBody<'a> {
    Stmts(&'a [Stmt]),
    Expr(&'a Expr),
}

fn binop_arg(op: ast::Operator) -> BinaryOpArg {
    use ast::Operator::*;
    match op {
        Add => BinaryOpArg::Add,
        Sub => BinaryOpArg::Subtract,
        Mult => BinaryOpArg::Multiply,
        MatMult => BinaryOpArg::MatrixMultiply,
        Div => BinaryOpArg::TrueDivide,
        Mod => BinaryOpArg::Remainder,
        Pow => BinaryOpArg::Power,
        LShift => BinaryOpArg::Lshift,
        RShift => BinaryOpArg::Rshift,
        BitOr => BinaryOpArg::Or,
        BitXor => BinaryOpArg::Xor,
        BitAnd => BinaryOpArg::And,
        FloorDiv => BinaryOpArg::FloorDivide,
    }
}

/// The value of a string literal. ruff's parser turns the escapes of lone
/// surrogates (`'\ud800'`) into U+FFFD; such parts are decoded again from the
/// source here, keeping each surrogate as its stand-in character
/// (`strand_literal::str::surrogate_char`).
pub fn str_literal_value(source: &str, s: &ast::ExprStringLiteral) -> String {
    let value = s.value.to_str();
    if !value.contains('\u{fffd}') {
        return value.to_string();
    }
    s.value
        .iter()
        .map(|part| string_part_value(source, part))
        .collect()
}

/// The value of one string literal of an implicit concatenation (see
/// [`str_literal_value`]).
pub fn string_part_value(source: &str, part: &ast::StringLiteral) -> String {
    if !part.value.contains('\u{fffd}') {
        return part.value.to_string();
    }
    crate::parse::decode_str_token(&source[part.range()]).unwrap_or_else(|| part.value.to_string())
}

/// The value of an f-string's literal text, decoded again from the source where
/// ruff's parser turned a lone surrogate's escape into U+FFFD (see
/// [`str_literal_value`]).
pub fn fstring_literal_value(source: &str, l: &ast::InterpolatedStringLiteralElement) -> String {
    if !l.value.contains('\u{fffd}') {
        return l.value.to_string();
    }
    // Doubled braces stand for one; escapes cannot make a brace in the source.
    let text = source[l.range()].replace("{{", "{").replace("}}", "}");
    if *text == *l.value {
        // Nothing was decoded: a raw f-string, or a U+FFFD of the source's own.
        return text;
    }
    crate::parse::decode_escapes(&text).unwrap_or_else(|| l.value.to_string())
}

/// The value of an integer literal: the parser keeps those over 64 bits as their
/// source text (`0x1_0000_0000_0000_0000`), read here in their base. Decimal literals
/// longer than `sys.get_int_max_str_digits()` are a `SyntaxError`, as in CPython 3.11.
pub fn int_literal(i: &ast::Int) -> Result<BigInt, String> {
    use num_traits::Num;
    if let Some(v) = i.as_u64() {
        return Ok(BigInt::from(v));
    }
    let text = i.to_string();
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    let lower = digits.get(..2).map(str::to_ascii_lowercase);
    let radix = match lower.as_deref() {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => 10,
    };
    let body = if radix == 10 {
        &digits[..]
    } else {
        &digits[2..]
    };
    let limit = crate::INT_MAX_STR_DIGITS.load(std::sync::atomic::Ordering::Relaxed);
    if radix == 10 && limit > 0 && body.len() > limit {
        return Err(format!(
            "Exceeds the limit ({limit} digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.",
            body.len()
        ));
    }
    BigInt::from_str_radix(body, radix).map_err(|_| "invalid integer literal".to_string())
}

/// `-1`, `+2.5`, `~3`: unary operators on number literals fold to constants, as
/// CPython's AST optimizer does (so `-0.0` is its own constant).
fn folded_unary(u: &ast::ExprUnaryOp) -> Option<Constant> {
    let Expr::NumberLiteral(n) = &*u.operand else {
        return None;
    };
    match (&n.value, u.op) {
        (ast::Number::Int(i), ast::UnaryOp::USub) => Some(Constant::Int(-int_literal(i).ok()?)),
        (ast::Number::Int(i), ast::UnaryOp::UAdd) => Some(Constant::Int(int_literal(i).ok()?)),
        (ast::Number::Int(i), ast::UnaryOp::Invert) => {
            Some(Constant::Int(-int_literal(i).ok()? - 1))
        }
        (ast::Number::Float(f), ast::UnaryOp::USub) => Some(Constant::Float(-f)),
        (ast::Number::Float(f), ast::UnaryOp::UAdd) => Some(Constant::Float(*f)),
        _ => None,
    }
}

/// Whether a module or class body has variable annotations (outside nested
/// functions and classes), so that it needs `__annotations__` (CPython's `find_ann`).
fn has_annotations(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::AnnAssign(_) => true,
        Stmt::For(f) => has_annotations(&f.body) || has_annotations(&f.orelse),
        Stmt::While(w) => has_annotations(&w.body) || has_annotations(&w.orelse),
        Stmt::If(i) => {
            has_annotations(&i.body) || i.elif_else_clauses.iter().any(|c| has_annotations(&c.body))
        }
        Stmt::With(w) => has_annotations(&w.body),
        Stmt::Try(t) => {
            has_annotations(&t.body)
                || t.handlers.iter().any(|h| {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    has_annotations(&h.body)
                })
                || has_annotations(&t.orelse)
                || has_annotations(&t.finalbody)
        }
        Stmt::Match(m) => m.cases.iter().any(|c| has_annotations(&c.body)),
        _ => false,
    })
}

/// Python's `==` between two constants (numbers compare across int/float/bool).
fn py_eq(a: &Constant, b: &Constant) -> bool {
    use num_traits::ToPrimitive;
    let num = |c: &Constant| -> Option<f64> {
        match c {
            Constant::Int(i) => i.to_f64(),
            Constant::Bool(b) => Some(f64::from(u8::from(*b))),
            Constant::Float(f) => Some(*f),
            _ => None,
        }
    };
    match (a, b) {
        (Constant::Int(x), Constant::Int(y)) => x == y,
        (Constant::Tuple(x), Constant::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => x == y,
            (None, None) => a == b,
            _ => false,
        },
    }
}

/// Whether two folded set displays make equal frozenset constants, as CPython's
/// constant cache decides: the same distinct items (after `==` removes repeats, the
/// first kept), compared with their types (`1`, `1.0` and `True` differ).
fn same_frozenset(a: &[Constant], b: &[Constant]) -> bool {
    fn distinct(items: &[Constant]) -> Vec<&Constant> {
        let mut out: Vec<&Constant> = Vec::new();
        for c in items {
            if !out.iter().any(|k| py_eq(k, c)) {
                out.push(c);
            }
        }
        out
    }
    let (da, db) = (distinct(a), distinct(b));
    da.len() == db.len() && da.iter().all(|x| db.iter().any(|y| x.same(y)))
}

/// CPython's AST optimizer's limits on folded results (Python/ast_opt.c): ints of at
/// most 128 bits, strings and bytes of at most 4096 items.
const FOLD_MAX_INT_BITS: u64 = 128;
const FOLD_MAX_STR_LEN: usize = 4096;

/// A constant operand of an operator being folded (nested operators folded first).
fn fold_operand(e: &Expr) -> Option<Constant> {
    match e {
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => Some(Constant::Int(int_literal(i).ok()?)),
            ast::Number::Float(f) => Some(Constant::Float(*f)),
            ast::Number::Complex { .. } => None,
        },
        // A U+FFFD may stand for a surrogate escape, which only `str_value` decodes.
        Expr::StringLiteral(s) if !s.value.to_str().contains('\u{fffd}') => {
            Some(Constant::Str(s.value.to_str().to_string()))
        }
        Expr::BytesLiteral(b) => Some(Constant::Bytes(b.value.bytes().collect())),
        Expr::BooleanLiteral(b) => Some(Constant::Bool(b.value)),
        Expr::UnaryOp(u) => folded_unary(u).or_else(|| fold_unary(u)),
        Expr::BinOp(b) => fold_binop(b),
        _ => None,
    }
}

/// An int operand (bools count as ints), or `None`.
fn as_int(c: &Constant) -> Option<BigInt> {
    match c {
        Constant::Int(i) => Some(i.clone()),
        Constant::Bool(b) => Some(BigInt::from(u8::from(*b))),
        _ => None,
    }
}

/// A float operand: floats, and ints exactly representable as doubles.
fn as_float(c: &Constant) -> Option<f64> {
    use num_traits::ToPrimitive;
    match c {
        Constant::Float(f) => Some(*f),
        _ => {
            let i = as_int(c)?;
            (i.bits() <= 53).then(|| i.to_f64()).flatten()
        }
    }
}

/// `-x`, `+x`, `~x` of a folded operand (`folded_unary` handles plain literals).
fn fold_unary(u: &ast::ExprUnaryOp) -> Option<Constant> {
    let v = fold_operand(&u.operand)?;
    match (u.op, &v) {
        (ast::UnaryOp::USub, Constant::Float(f)) => Some(Constant::Float(-f)),
        (ast::UnaryOp::UAdd, Constant::Float(f)) => Some(Constant::Float(*f)),
        (ast::UnaryOp::USub, _) => Some(Constant::Int(-as_int(&v)?)),
        (ast::UnaryOp::UAdd, _) => Some(Constant::Int(as_int(&v)?)),
        (ast::UnaryOp::Invert, Constant::Int(_)) => Some(Constant::Int(-as_int(&v)? - 1)),
        _ => None,
    }
}

/// `a op b` on constants, as CPython's AST optimizer folds it: only operations that
/// cannot fail and whose results stay small (so `{2 ** 17, 3}` is a constant set,
/// built in CPython's order).
fn fold_binop(b: &ast::ExprBinOp) -> Option<Constant> {
    use ast::Operator::*;
    use num_integer::Integer;
    use num_traits::{Signed, ToPrimitive, Zero};
    let (l, r) = (fold_operand(&b.left)?, fold_operand(&b.right)?);
    if let (Some(x), Some(y)) = (as_int(&l), as_int(&r)) {
        if matches!((&l, &r), (Constant::Bool(_), Constant::Bool(_)))
            && matches!(b.op, BitAnd | BitOr | BitXor)
        {
            // bool & bool stays a bool: not folded here.
            return None;
        }
        let small = |v: BigInt| (v.bits() <= FOLD_MAX_INT_BITS).then_some(Constant::Int(v));
        return match b.op {
            Add => small(x + y),
            Sub => small(x - y),
            Mult => small(x * y),
            FloorDiv if !y.is_zero() => small(x.div_floor(&y)),
            Mod if !y.is_zero() => small(x.mod_floor(&y)),
            BitAnd => Some(Constant::Int(x & y)),
            BitOr => Some(Constant::Int(x | y)),
            BitXor => Some(Constant::Int(x ^ y)),
            LShift if !y.is_negative() => {
                let shift = y.to_u64()?;
                (x.bits() + shift <= FOLD_MAX_INT_BITS || x.is_zero())
                    .then(|| Constant::Int(x << shift))
            }
            RShift if !y.is_negative() => Some(Constant::Int(
                x >> y.to_u64().unwrap_or(u64::MAX).min(1 << 20),
            )),
            Pow if !y.is_negative() => {
                let e = y.to_u64()?;
                (x.bits().saturating_mul(e) <= FOLD_MAX_INT_BITS)
                    .then(|| Constant::Int(num_traits::Pow::pow(x, e)))
            }
            _ => None,
        };
    }
    match (&l, &r, b.op) {
        (Constant::Str(x), Constant::Str(y), Add) if x.len() + y.len() <= FOLD_MAX_STR_LEN => {
            return Some(Constant::Str(format!("{x}{y}")));
        }
        (Constant::Bytes(x), Constant::Bytes(y), Add) if x.len() + y.len() <= FOLD_MAX_STR_LEN => {
            return Some(Constant::Bytes([&x[..], &y[..]].concat()));
        }
        (Constant::Str(s), n, Mult) | (n, Constant::Str(s), Mult) => {
            let k = as_int(n)?.to_i64()?.max(0) as usize;
            return (s.len().saturating_mul(k) <= FOLD_MAX_STR_LEN)
                .then(|| Constant::Str(s.repeat(k)));
        }
        _ => {}
    }
    // Float arithmetic that IEEE rounding defines exactly as CPython computes it.
    if matches!(l, Constant::Float(_)) || matches!(r, Constant::Float(_)) {
        let (x, y) = (as_float(&l)?, as_float(&r)?);
        return match b.op {
            Add => Some(Constant::Float(x + y)),
            Sub => Some(Constant::Float(x - y)),
            Mult => Some(Constant::Float(x * y)),
            Div if y != 0.0 => Some(Constant::Float(x / y)),
            _ => None,
        };
    }
    None
}

/// A tuple display of constants folds to one constant.
fn constant_tuple(elts: &[Expr]) -> Option<Constant> {
    let mut out = Vec::with_capacity(elts.len());
    for e in elts {
        out.push(match e {
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => Constant::Int(int_literal(i).ok()?),
                ast::Number::Float(f) => Constant::Float(*f),
                ast::Number::Complex { .. } => return None,
            },
            Expr::StringLiteral(s) if !s.value.to_str().contains('\u{fffd}') => {
                Constant::Str(s.value.to_str().to_string())
            }
            Expr::BytesLiteral(b) => Constant::Bytes(b.value.bytes().collect()),
            Expr::BooleanLiteral(b) => Constant::Bool(b.value),
            Expr::NoneLiteral(_) => Constant::None,
            Expr::EllipsisLiteral(_) => Constant::Ellipsis,
            Expr::UnaryOp(u) => folded_unary(u).or_else(|| fold_unary(u))?,
            Expr::BinOp(b) => fold_binop(b)?,
            Expr::Tuple(t) => constant_tuple(&t.elts)?,
            _ => return None,
        });
    }
    if out.is_empty() {
        return Some(Constant::Tuple(Vec::new()));
    }
    Some(Constant::Tuple(out))
}
