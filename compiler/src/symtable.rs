//! Symbol tables: which scope every name of every block resolves to (Python/symtable.c,
//! CPython 3.11 semantics).
//!
//! Two passes, as in CPython. The first walks the AST and records, per block (module,
//! function, lambda, comprehension, class), each name's *flags*: assigned, parameter,
//! imported, used, declared `global` or `nonlocal`, annotated, a comprehension
//! iteration variable. The second (`analyze`) resolves each name to a *scope*:
//! `Local`, `GlobalExplicit`, `GlobalImplicit`, `Free` (a closure variable from an
//! enclosing function) or `Cell` (a local that an inner function captures), following
//! CPython's `analyze_block`: names bound in enclosing *function* scopes are visible to
//! nested functions; class scopes are skipped, except for the implicit `__class__`
//! cell that `super()` and `__class__` use.
//!
//! Blocks form a tree. The compiler finds the block of a nested scope by the scope's
//! node (its source range, [`SymbolTable::child`]), as CPython looks up a block by its
//! AST node: the order in which this pass and the compiler visit a statement's parts
//! (`try`/`except`/`else`, class bases, augmented assignment, a `finally` body
//! compiled twice) can never hand the compiler the wrong block.
//!
//! Errors are Python's `SyntaxError`s (`nonlocal declaration not allowed at module
//! level`, `name 'x' is used prior to global declaration`, ...) with the offending
//! node's source offset.

use std::collections::{HashMap, HashSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::{TextRange, TextSize};

/// Flag: assigned in the block (`x = ...`, `for x`, `del x`, `with ... as x`, ...).
pub const DEF_LOCAL: u16 = 1 << 1;
/// Flag: declared `global`.
pub const DEF_GLOBAL: u16 = 1;
/// Flag: a parameter.
pub const DEF_PARAM: u16 = 1 << 2;
/// Flag: declared `nonlocal`.
pub const DEF_NONLOCAL: u16 = 1 << 3;
/// Flag: read in the block.
pub const USE: u16 = 1 << 4;
/// Flag: free in a nested block while the class itself binds it.
pub const DEF_FREE_CLASS: u16 = 1 << 6;
/// Flag: bound by an import.
pub const DEF_IMPORT: u16 = 1 << 7;
/// Flag: annotated (`x: int`).
pub const DEF_ANNOT: u16 = 1 << 8;
/// Flag: a comprehension's iteration variable.
pub const DEF_COMP_ITER: u16 = 1 << 9;
/// Any binding in the block.
pub const DEF_BOUND: u16 = DEF_LOCAL | DEF_PARAM | DEF_IMPORT;

/// Where a name lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A local variable (a fast local in functions, a name in modules and classes).
    Local,
    /// Declared `global`.
    GlobalExplicit,
    /// Not bound anywhere enclosing: a module global or a builtin.
    GlobalImplicit,
    /// A variable of an enclosing function (closure).
    Free,
    /// A local that nested functions capture.
    Cell,
}

impl Scope {
    /// CPython's numeric scope (`symtable.LOCAL` = 1 ... `CELL` = 5).
    pub fn cpython_code(self) -> u8 {
        match self {
            Scope::Local => 1,
            Scope::GlobalExplicit => 2,
            Scope::GlobalImplicit => 3,
            Scope::Free => 4,
            Scope::Cell => 5,
        }
    }
}

/// The kind of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// The module.
    Module,
    /// A function, lambda or comprehension.
    Function,
    /// A class body.
    Class,
}

/// One name of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The name (after private-name mangling is *not* applied; the compiler mangles).
    pub name: String,
    /// `DEF_*` / `USE` bits.
    pub flags: u16,
    /// Resolved scope (valid after analysis).
    pub scope: Scope,
}

/// The symbol table of one block and, recursively, of the blocks nested in it.
#[derive(Clone, Debug)]
pub struct SymbolTable {
    /// What kind of block.
    pub kind: BlockKind,
    /// `top`, the function or class name, `lambda`, `listcomp`, `setcomp`,
    /// `dictcomp` or `genexpr` (CPython's names).
    pub name: String,
    /// Source offset of the block's node.
    pub offset: TextSize,
    /// Symbols in first-seen order.
    pub symbols: Vec<Symbol>,
    index: HashMap<String, usize>,
    /// Parameter names in order (CPython's `ste_varnames`).
    pub varnames: Vec<String>,
    /// Nested blocks in the order this pass met them.
    pub children: Vec<SymbolTable>,
    /// Each nested block's position in `children`, by its node's source range.
    child_index: HashMap<TextRange, usize>,
    /// The source range of the block's node (the key its parent finds it by).
    pub range: TextRange,
    /// Contains `yield` or `yield from` (or is a generator expression).
    pub is_generator: bool,
    /// `async def`, or a comprehension that is asynchronous: it has an `async for`,
    /// an `await` (outside its outermost iterable), or an asynchronous list, set or
    /// dict comprehension nested in it.
    pub is_coroutine: bool,
    /// A function nested in another function (or in a class nested in one).
    pub is_nested: bool,
    /// A class whose methods use `super()`/`__class__`: it gets a `__class__` cell.
    pub needs_class_closure: bool,
    /// Has `*args`.
    pub has_varargs: bool,
    /// Has `**kwargs`.
    pub has_varkeywords: bool,
    /// A comprehension or generator expression.
    pub is_comprehension: bool,
    /// Has free variables (its own or of nested blocks that pass through).
    pub has_free: bool,
    /// Some nested block has free variables.
    pub child_free: bool,
}

impl SymbolTable {
    fn new(kind: BlockKind, name: &str, range: TextRange) -> SymbolTable {
        SymbolTable {
            kind,
            name: name.to_string(),
            offset: range.start(),
            range,
            child_index: HashMap::new(),
            symbols: Vec::new(),
            index: HashMap::new(),
            varnames: Vec::new(),
            children: Vec::new(),
            is_generator: false,
            is_coroutine: false,
            is_nested: false,
            needs_class_closure: false,
            has_varargs: false,
            has_varkeywords: false,
            is_comprehension: false,
            has_free: false,
            child_free: false,
        }
    }

    /// The block nested directly in this one whose node (function or class
    /// definition, lambda, comprehension) spans `range`.
    pub fn child(&self, range: TextRange) -> Option<&SymbolTable> {
        self.child_index.get(&range).map(|&i| &self.children[i])
    }

    /// The symbol named `name`, if the block has one.
    pub fn lookup(&self, name: &str) -> Option<&Symbol> {
        self.index.get(name).map(|&i| &self.symbols[i])
    }

    /// The scope of `name` in this block (`GlobalImplicit` for unknown names, which is
    /// what the compiler does with names it never saw here).
    pub fn scope_of(&self, name: &str) -> Scope {
        self.lookup(name).map_or(Scope::GlobalImplicit, |s| s.scope)
    }

    /// The free variables of the block's code object, sorted: the names whose scope
    /// is `Free`, and in a class also those that a method takes from an enclosing
    /// function while the class itself binds them or declares them `global`
    /// (`DEF_FREE_CLASS`; CPython's `dictbytype(symbols, FREE, DEF_FREE_CLASS)`). The
    /// class passes these cells through to its methods' closures.
    pub fn freevars(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .symbols
            .iter()
            .filter(|s| s.scope == Scope::Free || s.flags & DEF_FREE_CLASS != 0)
            .map(|s| s.name.clone())
            .collect();
        v.sort();
        v
    }

    /// Names with `scope`, sorted (CPython orders `co_cellvars`/`co_freevars` so).
    pub fn names_with_scope(&self, scope: Scope) -> Vec<String> {
        let mut v: Vec<String> = self
            .symbols
            .iter()
            .filter(|s| s.scope == scope)
            .map(|s| s.name.clone())
            .collect();
        v.sort();
        v
    }

    fn flags(&self, name: &str) -> u16 {
        self.lookup(name).map_or(0, |s| s.flags)
    }

    fn add(&mut self, name: &str, flags: u16) {
        match self.index.get(name) {
            Some(&i) => self.symbols[i].flags |= flags,
            None => {
                self.index.insert(name.to_string(), self.symbols.len());
                self.symbols.push(Symbol {
                    name: name.to_string(),
                    flags,
                    scope: Scope::GlobalImplicit,
                });
            }
        }
    }
}

/// A symbol-table error: a `SyntaxError` message at a source offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymtableError {
    /// CPython's message.
    pub message: String,
    /// Offset of the offending node.
    pub offset: TextSize,
}

/// Builds and analyses the symbol tables of a module.
///
/// # Errors
/// The first `SyntaxError` found, as CPython reports it.
pub fn build(module: &ast::ModModule) -> Result<SymbolTable, SymtableError> {
    build_top(|b| {
        for s in &module.body {
            b.visit_stmt(s);
            if b.error.is_some() {
                break;
            }
        }
    })
}

/// Builds and analyses the symbol tables of an expression compiled on its own (the
/// `eval` mode of `compile()`), as a module-level block.
///
/// # Errors
/// The first `SyntaxError` found, as CPython reports it.
pub fn build_expression(expr: &ast::Expr) -> Result<SymbolTable, SymtableError> {
    build_top(|b| b.visit_expr(expr))
}

fn build_top(visit: impl FnOnce(&mut Builder)) -> Result<SymbolTable, SymtableError> {
    let mut b = Builder {
        stack: vec![SymbolTable::new(
            BlockKind::Module,
            "top",
            TextRange::default(),
        )],
        error: None,
    };
    visit(&mut b);
    if let Some(e) = b.error {
        return Err(e);
    }
    let mut top = b.stack.pop().expect("module block");
    let mut free = HashSet::new();
    analyze_block(&mut top, None, &mut free, None)?;
    Ok(top)
}

struct Builder {
    /// Open blocks, innermost last.
    stack: Vec<SymbolTable>,
    error: Option<SymtableError>,
}

impl Builder {
    fn cur(&mut self) -> &mut SymbolTable {
        self.stack.last_mut().expect("a block")
    }

    fn fail(&mut self, message: String, offset: TextSize) {
        if self.error.is_none() {
            self.error = Some(SymtableError { message, offset });
        }
    }

    fn enter(&mut self, kind: BlockKind, name: &str, range: TextRange) {
        let nested = self.stack.iter().any(|b| b.kind == BlockKind::Function)
            || self.stack.last().is_some_and(|b| b.is_nested);
        let mut t = SymbolTable::new(kind, name, range);
        t.is_nested = nested;
        self.stack.push(t);
    }

    fn exit(&mut self) {
        let t = self.stack.pop().expect("a block");
        let cur = self.cur();
        cur.child_index.insert(t.range, cur.children.len());
        cur.children.push(t);
    }

    /// `symtable_add_def`, with the checks CPython makes when a name is declared
    /// global/nonlocal after a use or binding.
    fn def(&mut self, name: &str, flags: u16, offset: TextSize) {
        let cur = self.cur();
        let old = cur.flags(name);
        if flags & DEF_PARAM != 0 && old & DEF_PARAM != 0 {
            let msg = format!("duplicate argument '{name}' in function definition");
            self.fail(msg, offset);
            return;
        }
        let cur = self.cur();
        cur.add(name, flags);
        if flags & DEF_PARAM != 0 {
            cur.varnames.push(name.to_string());
        }
        if flags & DEF_GLOBAL != 0 && self.stack.len() > 1 {
            // CPython records explicit globals in the module's table too (st_global).
            self.stack[0].add(name, DEF_GLOBAL);
        }
    }

    fn use_name(&mut self, name: &str, offset: TextSize) {
        self.def(name, USE, offset);
    }

    /// Parameters in CPython's `co_varnames` order: positional-only, positional,
    /// keyword-only, then `*args` and `**kwargs`.
    fn params(&mut self, p: &ast::Parameters) {
        for a in p.posonlyargs.iter().chain(&p.args).chain(&p.kwonlyargs) {
            self.def(
                &a.parameter.name.id,
                DEF_PARAM,
                a.parameter.name.range.start(),
            );
        }
        if let Some(v) = &p.vararg {
            self.cur().has_varargs = true;
            self.def(&v.name.id, DEF_PARAM, v.name.range.start());
        }
        if let Some(k) = &p.kwarg {
            self.cur().has_varkeywords = true;
            self.def(&k.name.id, DEF_PARAM, k.name.range.start());
        }
    }

    /// Defaults, annotations and decorators of a function, evaluated in the enclosing
    /// block.
    fn outer_parts_of_params(&mut self, p: &ast::Parameters) {
        for a in p.posonlyargs.iter().chain(&p.args).chain(&p.kwonlyargs) {
            if let Some(d) = &a.default {
                self.visit_expr(d);
            }
        }
        for a in p.posonlyargs.iter().chain(&p.args).chain(&p.kwonlyargs) {
            if let Some(ann) = &a.parameter.annotation {
                self.visit_expr(ann);
            }
        }
        for v in [&p.vararg, &p.kwarg].into_iter().flatten() {
            if let Some(ann) = &v.annotation {
                self.visit_expr(ann);
            }
        }
    }

    fn global_or_nonlocal(&mut self, names: &[ast::Identifier], is_global: bool) {
        let cur_kind = self.cur().kind;
        for n in names {
            let name = n.id.as_str();
            let old = self.cur().flags(name);
            let what = if is_global { "global" } else { "nonlocal" };
            if !is_global && cur_kind == BlockKind::Module {
                self.fail(
                    "nonlocal declaration not allowed at module level".into(),
                    n.range.start(),
                );
                return;
            }
            if old & (USE | DEF_PARAM | DEF_LOCAL | DEF_ANNOT) != 0 {
                let msg = if old & DEF_PARAM != 0 {
                    format!("name '{name}' is parameter and {what}")
                } else if old & USE != 0 {
                    format!("name '{name}' is used prior to {what} declaration")
                } else if old & DEF_ANNOT != 0 {
                    format!("annotated name '{name}' can't be {what}")
                } else {
                    format!("name '{name}' is assigned to before {what} declaration")
                };
                self.fail(msg, n.range.start());
                return;
            }
            if is_global && old & DEF_NONLOCAL != 0 {
                self.fail(
                    format!("name '{name}' is nonlocal and global"),
                    n.range.start(),
                );
                return;
            }
            if !is_global && old & DEF_GLOBAL != 0 {
                self.fail(
                    format!("name '{name}' is nonlocal and global"),
                    n.range.start(),
                );
                return;
            }
            self.def(
                name,
                if is_global { DEF_GLOBAL } else { DEF_NONLOCAL },
                n.range.start(),
            );
        }
    }

    fn comprehension(
        &mut self,
        name: &str,
        range: TextRange,
        gens: &[ast::Comprehension],
        elts: &[&Expr],
        is_generator: bool,
    ) {
        // The first iterable is evaluated in the enclosing block.
        let Some(first) = gens.first() else { return };
        self.visit_expr(&first.iter);
        let offset = range.start();
        self.enter(BlockKind::Function, name, range);
        {
            let cur = self.cur();
            cur.is_comprehension = true;
            cur.is_generator = is_generator;
        }
        self.def(".0", DEF_PARAM, offset);
        for (i, g) in gens.iter().enumerate() {
            if g.is_async {
                self.cur().is_coroutine = true;
            }
            self.comp_target(&g.target);
            if i > 0 {
                self.visit_expr(&g.iter);
            }
            for cond in &g.ifs {
                self.visit_expr(cond);
            }
        }
        for e in elts {
            self.visit_expr(e);
        }
        let is_async = self.cur().is_coroutine && !is_generator;
        self.exit();
        // An enclosing comprehension awaits an asynchronous list, set or dict
        // comprehension's result, so it is asynchronous too (an asynchronous
        // generator expression is not awaited where it is made).
        if is_async && self.cur().is_comprehension {
            self.cur().is_coroutine = true;
        }
    }

    fn comp_target(&mut self, target: &Expr) {
        match target {
            Expr::Name(n) => self.def(&n.id, DEF_LOCAL | DEF_COMP_ITER, n.range.start()),
            Expr::Tuple(t) => t.elts.iter().for_each(|e| self.comp_target(e)),
            Expr::List(l) => l.elts.iter().for_each(|e| self.comp_target(e)),
            Expr::Starred(s) => self.comp_target(&s.value),
            other => self.visit_expr(other),
        }
    }

    /// PEP 572: a walrus inside a comprehension binds in the nearest enclosing
    /// function or module block.
    fn named_expr_target(&mut self, name: &str, offset: TextSize) {
        let depth = self.stack.len();
        if !self.stack[depth - 1].is_comprehension {
            self.def(name, DEF_LOCAL, offset);
            return;
        }
        // Check rebinding of an iteration variable in any enclosing comprehension.
        for b in self.stack.iter().rev() {
            if !b.is_comprehension {
                break;
            }
            if b.flags(name) & DEF_COMP_ITER != 0 {
                self.fail(format!("assignment expression cannot rebind comprehension iteration variable '{name}'"), offset);
                return;
            }
        }
        for i in (0..depth).rev() {
            let kind = self.stack[i].kind;
            let is_comp = self.stack[i].is_comprehension;
            if is_comp {
                continue;
            }
            match kind {
                BlockKind::Function => {
                    self.stack[i].add(name, DEF_LOCAL);
                    self.stack[depth - 1].add(name, DEF_NONLOCAL | DEF_LOCAL);
                    // Intermediate comprehensions see it as free too.
                    for b in &mut self.stack[i + 1..depth - 1] {
                        b.add(name, DEF_NONLOCAL);
                    }
                }
                BlockKind::Module => {
                    // Declared global in the comprehensions, recorded as an explicit
                    // global of the module (CPython's st_global).
                    self.stack[i].add(name, DEF_GLOBAL);
                    for b in &mut self.stack[i + 1..depth] {
                        b.add(name, DEF_GLOBAL);
                    }
                    self.stack[depth - 1].add(name, DEF_LOCAL);
                }
                BlockKind::Class => {
                    self.fail("assignment expression within a comprehension cannot be used in a class body".into(), offset);
                }
            }
            return;
        }
    }
}

impl<'a> Visitor<'a> for Builder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.error.is_some() {
            return;
        }
        stacker::maybe_grow(256 << 10, 4 << 20, || self.stmt(stmt));
    }

    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        if self.error.is_some() {
            return;
        }
        stacker::maybe_grow(256 << 10, 4 << 20, || self.pattern(pattern));
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.error.is_some() {
            return;
        }
        stacker::maybe_grow(256 << 10, 4 << 20, || self.expr(expr));
    }
}

impl Builder {
    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::FunctionDef(f) => {
                self.def(&f.name.id, DEF_LOCAL, f.name.range.start());
                for d in &f.decorator_list {
                    self.visit_expr(&d.expression);
                }
                self.outer_parts_of_params(&f.parameters);
                if let Some(r) = &f.returns {
                    self.visit_expr(r);
                }
                self.enter(BlockKind::Function, &f.name.id, f.range);
                self.cur().is_coroutine = f.is_async;
                self.params(&f.parameters);
                for s in &f.body {
                    self.visit_stmt(s);
                }
                self.exit();
            }
            Stmt::ClassDef(c) => {
                self.def(&c.name.id, DEF_LOCAL, c.name.range.start());
                for d in &c.decorator_list {
                    self.visit_expr(&d.expression);
                }
                if let Some(args) = &c.arguments {
                    for a in args.args.iter() {
                        self.visit_expr(a);
                    }
                    for k in args.keywords.iter() {
                        self.visit_expr(&k.value);
                    }
                }
                self.enter(BlockKind::Class, &c.name.id, c.range);
                for s in &c.body {
                    self.visit_stmt(s);
                }
                self.exit();
            }
            Stmt::Global(g) => self.global_or_nonlocal(&g.names, true),
            Stmt::Nonlocal(n) => self.global_or_nonlocal(&n.names, false),
            Stmt::Import(i) => {
                for a in &i.names {
                    let bound = match &a.asname {
                        Some(n) => n.id.to_string(),
                        None => a.name.id.split('.').next().unwrap_or("").to_string(),
                    };
                    self.def(&bound, DEF_IMPORT, a.range.start());
                }
            }
            Stmt::ImportFrom(i) => {
                for a in &i.names {
                    if a.name.id.as_str() == "*" {
                        if self.cur().kind != BlockKind::Module {
                            self.fail(
                                "import * only allowed at module level".into(),
                                a.range.start(),
                            );
                        }
                        continue;
                    }
                    let bound = a.asname.as_ref().unwrap_or(&a.name).id.to_string();
                    self.def(&bound, DEF_IMPORT, a.range.start());
                }
            }
            Stmt::AnnAssign(a) => {
                if let Expr::Name(n) = &*a.target {
                    let old = self.cur().flags(&n.id);
                    if old & (DEF_GLOBAL | DEF_NONLOCAL) != 0 && a.simple {
                        let what = if old & DEF_GLOBAL != 0 {
                            "global"
                        } else {
                            "nonlocal"
                        };
                        self.fail(
                            format!("annotated name '{}' can't be {what}", n.id),
                            n.range.start(),
                        );
                        return;
                    }
                    let flags = if a.simple {
                        DEF_ANNOT | DEF_LOCAL
                    } else {
                        DEF_LOCAL
                    };
                    let flags = if a.value.is_some() || a.simple {
                        flags
                    } else {
                        DEF_ANNOT
                    };
                    self.def(&n.id, flags, n.range.start());
                } else {
                    self.visit_expr(&a.target);
                }
                self.visit_expr(&a.annotation);
                if let Some(v) = &a.value {
                    self.visit_expr(v);
                }
            }
            Stmt::Try(t) => {
                for s in &t.body {
                    self.visit_stmt(s);
                }
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(ty) = &h.type_ {
                        self.visit_expr(ty);
                    }
                    if let Some(n) = &h.name {
                        self.def(&n.id, DEF_LOCAL, n.range.start());
                    }
                    for s in &h.body {
                        self.visit_stmt(s);
                    }
                }
                for s in t.orelse.iter().chain(&t.finalbody) {
                    self.visit_stmt(s);
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn pattern(&mut self, pattern: &ast::Pattern) {
        // Capture patterns bind names like assignments (after their sub-patterns,
        // in CPython's order).
        visitor::walk_pattern(self, pattern);
        let bound = match pattern {
            ast::Pattern::MatchAs(p) => p.name.as_ref(),
            ast::Pattern::MatchStar(p) => p.name.as_ref(),
            ast::Pattern::MatchMapping(p) => p.rest.as_ref(),
            _ => None,
        };
        if let Some(name) = bound {
            self.def(&name.id, DEF_LOCAL, name.range.start());
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Name(n) => {
                let flag = match n.ctx {
                    ExprContext::Load => USE,
                    _ => DEF_LOCAL,
                };
                self.def(&n.id, flag, n.range.start());
                // A function that mentions `super` gets an implicit `__class__` use
                // (CPython: symtable_visit_expr, Name_kind).
                if n.ctx == ExprContext::Load
                    && n.id.as_str() == "super"
                    && self.cur().kind == BlockKind::Function
                {
                    self.use_name("__class__", n.range.start());
                }
            }
            Expr::Lambda(l) => {
                if let Some(p) = &l.parameters {
                    self.outer_parts_of_params(p);
                }
                self.enter(BlockKind::Function, "lambda", l.range);
                if let Some(p) = &l.parameters {
                    self.params(p);
                }
                self.visit_expr(&l.body);
                self.exit();
            }
            Expr::ListComp(c) => {
                self.comprehension("listcomp", c.range, &c.generators, &[&c.elt], false)
            }
            Expr::SetComp(c) => {
                self.comprehension("setcomp", c.range, &c.generators, &[&c.elt], false)
            }
            Expr::Generator(g) => {
                self.comprehension("genexpr", g.range, &g.generators, &[&g.elt], true)
            }
            Expr::DictComp(c) => {
                let mut elts: Vec<&Expr> = Vec::new();
                if let Some(k) = &c.key {
                    elts.push(k);
                }
                elts.push(&c.value);
                self.comprehension("dictcomp", c.range, &c.generators, &elts, false)
            }
            Expr::Named(n) => {
                self.visit_expr(&n.value);
                if let Expr::Name(t) = &*n.target {
                    self.named_expr_target(&t.id, t.range.start());
                }
            }
            Expr::Yield(y) => {
                self.cur().is_generator = true;
                if let Some(v) = &y.value {
                    self.visit_expr(v);
                }
            }
            Expr::YieldFrom(y) => {
                self.cur().is_generator = true;
                self.visit_expr(&y.value);
            }
            Expr::Await(a) => {
                if self.cur().is_comprehension {
                    self.cur().is_coroutine = true;
                }
                self.visit_expr(&a.value);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// `analyze_name`: resolves one name of `block` given the enclosing bindings.
#[allow(clippy::too_many_arguments)]
fn analyze_name(
    block: &mut SymbolTable,
    scopes: &mut HashMap<String, Scope>,
    name: &str,
    flags: u16,
    mut bound: Option<&mut HashSet<String>>,
    local: &mut HashSet<String>,
    free: &mut HashSet<String>,
    global: &mut HashSet<String>,
) -> Result<(), SymtableError> {
    if flags & DEF_GLOBAL != 0 {
        scopes.insert(name.into(), Scope::GlobalExplicit);
        global.insert(name.into());
        // The enclosing binding is hidden from the blocks nested in this one (a
        // class passes its children the bindings it was given, unaffected).
        if let Some(b) = bound.as_deref_mut() {
            b.remove(name);
        }
        return Ok(());
    }
    if flags & DEF_NONLOCAL != 0 {
        match bound {
            None => {
                return Err(SymtableError {
                    message: "nonlocal declaration not allowed at module level".into(),
                    offset: block.offset,
                })
            }
            Some(b) if !b.contains(name) => {
                return Err(SymtableError {
                    message: format!("no binding for nonlocal '{name}' found"),
                    offset: block.offset,
                })
            }
            _ => {}
        }
        scopes.insert(name.into(), Scope::Free);
        block.has_free = true;
        free.insert(name.into());
        return Ok(());
    }
    if flags & DEF_BOUND != 0 {
        scopes.insert(name.into(), Scope::Local);
        local.insert(name.into());
        global.remove(name);
        return Ok(());
    }
    if bound.as_ref().is_some_and(|b| b.contains(name)) {
        scopes.insert(name.into(), Scope::Free);
        block.has_free = true;
        free.insert(name.into());
        return Ok(());
    }
    if global.contains(name) {
        scopes.insert(name.into(), Scope::GlobalImplicit);
        return Ok(());
    }
    if block.is_nested {
        block.has_free = true;
    }
    scopes.insert(name.into(), Scope::GlobalImplicit);
    Ok(())
}

/// `analyze_block`: resolves the names of `block` and of its children. `bound` and
/// `global` are the caller's copies: declaring a name `global` removes it from `bound`.
fn analyze_block(
    block: &mut SymbolTable,
    mut bound: Option<&mut HashSet<String>>,
    free: &mut HashSet<String>,
    global: Option<&HashSet<String>>,
) -> Result<(), SymtableError> {
    let mut local = HashSet::new();
    let mut scopes = HashMap::new();
    let mut newglobal: HashSet<String> = HashSet::new();
    let mut newfree: HashSet<String> = HashSet::new();
    let mut newbound: HashSet<String> = HashSet::new();
    let mut global_copy: HashSet<String> = global.cloned().unwrap_or_default();
    if block.kind == BlockKind::Class {
        newglobal.extend(global_copy.iter().cloned());
        if let Some(b) = bound.as_deref() {
            newbound.extend(b.iter().cloned());
        }
    }
    let names: Vec<(String, u16)> = block
        .symbols
        .iter()
        .map(|s| (s.name.clone(), s.flags))
        .collect();
    for (name, flags) in &names {
        analyze_name(
            block,
            &mut scopes,
            name,
            *flags,
            bound.as_deref_mut(),
            &mut local,
            free,
            &mut global_copy,
        )?;
    }
    if block.kind != BlockKind::Class {
        if block.kind == BlockKind::Function {
            newbound.extend(local.iter().cloned());
        }
        if let Some(b) = bound.as_deref() {
            newbound.extend(b.iter().cloned());
        }
        newglobal.extend(global_copy.iter().cloned());
    } else {
        newbound.insert("__class__".into());
    }
    let mut allfree: HashSet<String> = HashSet::new();
    let mut children = std::mem::take(&mut block.children);
    for child in &mut children {
        let mut temp_bound = newbound.clone();
        let mut temp_free = newfree.clone();
        let temp_global = newglobal.clone();
        analyze_block(
            child,
            Some(&mut temp_bound),
            &mut temp_free,
            Some(&temp_global),
        )?;
        allfree.extend(temp_free);
        if child.has_free || child.child_free {
            block.child_free = true;
        }
    }
    block.children = children;
    newfree.extend(allfree);
    match block.kind {
        BlockKind::Function => {
            // Locals that children use become cells.
            for (name, scope) in scopes.iter_mut() {
                if *scope == Scope::Local && newfree.remove(name) {
                    *scope = Scope::Cell;
                }
            }
        }
        BlockKind::Class => {
            if newfree.remove("__class__") {
                block.needs_class_closure = true;
            }
        }
        BlockKind::Module => {}
    }
    // update_symbols
    for s in &mut block.symbols {
        if let Some(sc) = scopes.get(&s.name) {
            s.scope = *sc;
        }
    }
    let is_class = block.kind == BlockKind::Class;
    let mut passthrough: Vec<String> = newfree.iter().cloned().collect();
    passthrough.sort();
    for name in passthrough {
        if let Some(&i) = block.index.get(&name) {
            if is_class && block.symbols[i].flags & (DEF_BOUND | DEF_GLOBAL) != 0 {
                block.symbols[i].flags |= DEF_FREE_CLASS;
            }
            continue;
        }
        if bound.as_ref().is_some_and(|b| !b.contains(&name)) {
            continue;
        }
        if bound.is_none() {
            continue;
        }
        block.add(&name, 0);
        let i = block.index[&name];
        block.symbols[i].scope = Scope::Free;
        block.has_free = true;
    }
    free.extend(newfree);
    Ok(())
}
