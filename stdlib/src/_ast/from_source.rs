//! Source text to node objects (CPython's `PyAST_mod2obj` after its parser): the
//! compiler's ruff tree ([`strand_compiler::tree`]) converted node by node, with
//! CPython 3.11's positions: `lineno` from 1, `col_offset` in UTF-8 bytes from the
//! start of the line, and the same for the ends.
//!
//! Where ruff's tree is shaped differently from CPython's, the conversion follows
//! CPython: implicitly concatenated strings are one `Constant` (`kind='u'` when the
//! first part has a `u` prefix); f-strings are a `JoinedStr` whose adjacent literal
//! parts (and `=` debug text) are merged into one `Constant`, and whose `Constant`
//! and `FormattedValue` parts carry the whole string's position, as 3.11's string
//! parser gives them (a format spec's `JoinedStr` and its final literal span the
//! spec's own string token); `elif`
//! is an `If` in `orelse`; parameters with defaults split into `defaults` and
//! `kw_defaults`; a decorated definition starts at its `def`/`class` keyword; a
//! generator expression that is a call's only argument spans the call's
//! parentheses; contexts and operators are the shared instances.

use num_bigint::BigInt;
use strand_compiler::tree::ast::{self, Expr, Pattern, Stmt};
use strand_compiler::tree::{Ranged, TextRange, TextSize};
use strand_compiler::Mode;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::{
    bytes, complex, dict, float, int, list, managed, singletons, str as pystr, PyObj, PyResult,
};

use super::{registry, Registry};

/// `compile(text, filename, mode, flags | PyCF_ONLY_AST)`: the tree of `text`.
///
/// # Errors
/// `SyntaxError` (and its subclasses) as `compile` raises them; `ValueError` for
/// `func_type` mode, which strand's parser does not have.
pub(crate) fn parse(text: &str, filename: &str, mode: &str, _flags: i64) -> PyResult<PyObj> {
    let m = match mode {
        "exec" => Mode::Exec,
        "eval" => Mode::Eval,
        "single" => Mode::Single,
        _ => {
            return Err(exc::value_error(format!(
                "compile(): mode '{mode}' is not supported by strand's parser"
            )))
        }
    };
    let tree = strand_compiler::tree::parse(text, m)
        .map_err(|e| strand_interp::syntax_error::syntax_error(&e, text, filename))?;
    let c = Converter::new(text);
    match (&tree, m) {
        (ast::Mod::Module(module), Mode::Single) => {
            let body = c.stmts(&module.body)?;
            Ok(c.node("Interactive", vec![body], None))
        }
        (ast::Mod::Module(module), _) => {
            let body = c.stmts(&module.body)?;
            Ok(c.node("Module", vec![body, list::new(Vec::new())], None))
        }
        (ast::Mod::Expression(e), _) => {
            let body = c.expr(&e.body)?;
            Ok(c.node("Expression", vec![body], None))
        }
    }
}

/// Converts one parsed source's tree.
struct Converter<'s> {
    source: &'s str,
    /// The offset where each line starts (`\n`, `\r\n` and `\r` end lines).
    line_starts: Vec<u32>,
    reg: &'static Registry,
}

type R = PyResult<PyObj>;

impl<'s> Converter<'s> {
    fn new(source: &'s str) -> Converter<'s> {
        let b = source.as_bytes();
        let mut line_starts = vec![0u32];
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => line_starts.push(i as u32 + 1),
                b'\r' if b.get(i + 1) != Some(&b'\n') => line_starts.push(i as u32 + 1),
                _ => {}
            }
            i += 1;
        }
        Converter {
            source,
            line_starts,
            reg: registry(),
        }
    }

    /// 1-based line and byte column of an offset.
    fn line_col(&self, at: TextSize) -> (i64, i64) {
        let at = u32::from(at);
        let line = self.line_starts.partition_point(|&s| s <= at) - 1;
        (line as i64 + 1, i64::from(at - self.line_starts[line]))
    }

    /// A node of class `name` with its fields in `_fields` order and, for located
    /// nodes, the position of `range`.
    fn node(&self, name: &str, values: Vec<PyObj>, range: Option<TextRange>) -> PyObj {
        let nc = self.reg.class(name);
        let cls = nc.class();
        // SAFETY: the registry's classes are types.
        let ty = unsafe { strand_objects::typeobj::PyType::from_obj(&cls) };
        let obj = strand_objects::heaptype::alloc_plain_instance(ty);
        let d = managed::ensure_dict(&obj);
        debug_assert_eq!(nc.fields().len(), values.len(), "fields of {name}");
        for (f, v) in nc.fields().iter().zip(values) {
            dict::set_item_str(&d, f, v);
        }
        if let Some(r) = range {
            let (l, c) = self.line_col(r.start());
            let (el, ec) = self.line_col(r.end());
            dict::set_item_str(&d, "lineno", int::from_i64(l));
            dict::set_item_str(&d, "col_offset", int::from_i64(c));
            dict::set_item_str(&d, "end_lineno", int::from_i64(el));
            dict::set_item_str(&d, "end_col_offset", int::from_i64(ec));
        }
        obj
    }

    fn single(&self, name: &str) -> PyObj {
        self.reg.singleton(name)
    }

    fn ident(&self, id: &ast::Identifier) -> PyObj {
        pystr::intern(id.as_str())
    }

    fn opt_ident(&self, id: Option<&ast::Identifier>) -> PyObj {
        id.map_or_else(singletons::none, |i| self.ident(i))
    }

    fn stmts(&self, body: &[Stmt]) -> R {
        let v = body
            .iter()
            .map(|s| self.stmt(s))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(list::new(v))
    }

    fn exprs<'a>(&self, es: impl IntoIterator<Item = &'a Expr>) -> R {
        let v = es
            .into_iter()
            .map(|e| self.expr(e))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(list::new(v))
    }

    fn opt_expr(&self, e: Option<&Expr>) -> R {
        e.map_or_else(|| Ok(singletons::none()), |e| self.expr(e))
    }

    fn ctx(&self, c: ast::ExprContext) -> PyObj {
        self.single(match c {
            ast::ExprContext::Store => "Store",
            ast::ExprContext::Del => "Del",
            _ => "Load",
        })
    }

    /// Where a decorated definition starts in CPython: its `def`, `async` or `class`
    /// keyword, after the last decorator (and any comments between).
    fn def_range(&self, range: TextRange, decorators: &[ast::Decorator]) -> TextRange {
        let Some(last) = decorators.last() else {
            return range;
        };
        let b = self.source.as_bytes();
        let mut i = last.end().to_usize();
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\\' => i += 1,
                b'#' => {
                    while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        TextRange::new(TextSize::new(i as u32), range.end())
    }

    fn stmt(&self, s: &Stmt) -> R {
        stacker::maybe_grow(64 << 10, 1 << 20, || self.stmt_inner(s))
    }

    fn stmt_inner(&self, s: &Stmt) -> R {
        let r = Some(s.range());
        let none = singletons::none;
        Ok(match s {
            Stmt::FunctionDef(f) => {
                let name = if f.is_async {
                    "AsyncFunctionDef"
                } else {
                    "FunctionDef"
                };
                let decorators = self.exprs(f.decorator_list.iter().map(|d| &d.expression))?;
                let args = self.parameters(Some(&f.parameters))?;
                let body = self.stmts(&f.body)?;
                let returns = self.opt_expr(f.returns.as_deref())?;
                self.node(
                    name,
                    vec![self.ident(&f.name), args, body, decorators, returns, none()],
                    Some(self.def_range(f.range, &f.decorator_list)),
                )
            }
            Stmt::ClassDef(c) => {
                let decorators = self.exprs(c.decorator_list.iter().map(|d| &d.expression))?;
                let (bases, keywords) = match &c.arguments {
                    Some(a) => (self.exprs(a.args.iter())?, self.keywords(&a.keywords)?),
                    None => (list::new(Vec::new()), list::new(Vec::new())),
                };
                let body = self.stmts(&c.body)?;
                self.node(
                    "ClassDef",
                    vec![self.ident(&c.name), bases, keywords, body, decorators],
                    Some(self.def_range(c.range, &c.decorator_list)),
                )
            }
            Stmt::Return(x) => self.node("Return", vec![self.opt_expr(x.value.as_deref())?], r),
            Stmt::Delete(x) => self.node("Delete", vec![self.exprs(&x.targets)?], r),
            Stmt::Assign(x) => self.node(
                "Assign",
                vec![self.exprs(&x.targets)?, self.expr(&x.value)?, none()],
                r,
            ),
            Stmt::AugAssign(x) => self.node(
                "AugAssign",
                vec![
                    self.expr(&x.target)?,
                    self.operator(x.op),
                    self.expr(&x.value)?,
                ],
                r,
            ),
            Stmt::AnnAssign(x) => self.node(
                "AnnAssign",
                vec![
                    self.expr(&x.target)?,
                    self.expr(&x.annotation)?,
                    self.opt_expr(x.value.as_deref())?,
                    int::from_i64(i64::from(x.simple)),
                ],
                r,
            ),
            Stmt::For(x) => self.node(
                if x.is_async { "AsyncFor" } else { "For" },
                vec![
                    self.expr(&x.target)?,
                    self.expr(&x.iter)?,
                    self.stmts(&x.body)?,
                    self.stmts(&x.orelse)?,
                    none(),
                ],
                r,
            ),
            Stmt::While(x) => self.node(
                "While",
                vec![
                    self.expr(&x.test)?,
                    self.stmts(&x.body)?,
                    self.stmts(&x.orelse)?,
                ],
                r,
            ),
            Stmt::If(x) => {
                // `elif` clauses nest from the last one out.
                let mut orelse = list::new(Vec::new());
                for clause in x.elif_else_clauses.iter().rev() {
                    match &clause.test {
                        None => orelse = self.stmts(&clause.body)?,
                        Some(test) => {
                            let end = x.elif_else_clauses.last().map_or(clause.end(), Ranged::end);
                            let inner = self.node(
                                "If",
                                vec![self.expr(test)?, self.stmts(&clause.body)?, orelse],
                                Some(TextRange::new(clause.start(), end)),
                            );
                            orelse = list::new(vec![inner]);
                        }
                    }
                }
                self.node(
                    "If",
                    vec![self.expr(&x.test)?, self.stmts(&x.body)?, orelse],
                    r,
                )
            }
            Stmt::With(x) => {
                let items = x
                    .items
                    .iter()
                    .map(|i| {
                        Ok(self.node(
                            "withitem",
                            vec![
                                self.expr(&i.context_expr)?,
                                self.opt_expr(i.optional_vars.as_deref())?,
                            ],
                            None,
                        ))
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                self.node(
                    if x.is_async { "AsyncWith" } else { "With" },
                    vec![list::new(items), self.stmts(&x.body)?, none()],
                    r,
                )
            }
            Stmt::Match(x) => {
                let cases = x
                    .cases
                    .iter()
                    .map(|c| {
                        Ok(self.node(
                            "match_case",
                            vec![
                                self.pattern(&c.pattern)?,
                                self.opt_expr(c.guard.as_deref())?,
                                self.stmts(&c.body)?,
                            ],
                            None,
                        ))
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                self.node("Match", vec![self.expr(&x.subject)?, list::new(cases)], r)
            }
            Stmt::Raise(x) => self.node(
                "Raise",
                vec![
                    self.opt_expr(x.exc.as_deref())?,
                    self.opt_expr(x.cause.as_deref())?,
                ],
                r,
            ),
            Stmt::Try(x) => {
                let handlers = x
                    .handlers
                    .iter()
                    .map(|h| {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        Ok(self.node(
                            "ExceptHandler",
                            vec![
                                self.opt_expr(h.type_.as_deref())?,
                                self.opt_ident(h.name.as_ref()),
                                self.stmts(&h.body)?,
                            ],
                            Some(h.range),
                        ))
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                self.node(
                    if x.is_star { "TryStar" } else { "Try" },
                    vec![
                        self.stmts(&x.body)?,
                        list::new(handlers),
                        self.stmts(&x.orelse)?,
                        self.stmts(&x.finalbody)?,
                    ],
                    r,
                )
            }
            Stmt::Assert(x) => self.node(
                "Assert",
                vec![self.expr(&x.test)?, self.opt_expr(x.msg.as_deref())?],
                r,
            ),
            Stmt::Import(x) => self.node("Import", vec![self.aliases(&x.names)], r),
            Stmt::ImportFrom(x) => self.node(
                "ImportFrom",
                vec![
                    self.opt_ident(x.module.as_ref()),
                    self.aliases(&x.names),
                    int::from_i64(i64::from(x.level)),
                ],
                r,
            ),
            Stmt::Global(x) => self.node("Global", vec![self.names(&x.names)], r),
            Stmt::Nonlocal(x) => self.node("Nonlocal", vec![self.names(&x.names)], r),
            Stmt::Expr(x) => self.node("Expr", vec![self.expr(&x.value)?], r),
            Stmt::Pass(_) => self.node("Pass", vec![], r),
            Stmt::Break(_) => self.node("Break", vec![], r),
            Stmt::Continue(_) => self.node("Continue", vec![], r),
            Stmt::TypeAlias(_) | Stmt::IpyEscapeCommand(_) => {
                return Err(type_error("syntax that Python 3.11 does not have"))
            }
        })
    }

    fn names(&self, ids: &[ast::Identifier]) -> PyObj {
        list::new(ids.iter().map(|i| self.ident(i)).collect())
    }

    fn aliases(&self, names: &[ast::Alias]) -> PyObj {
        list::new(
            names
                .iter()
                .map(|a| {
                    self.node(
                        "alias",
                        vec![self.ident(&a.name), self.opt_ident(a.asname.as_ref())],
                        Some(a.range),
                    )
                })
                .collect(),
        )
    }

    fn keywords(&self, kws: &[ast::Keyword]) -> R {
        let v = kws
            .iter()
            .map(|k| {
                Ok(self.node(
                    "keyword",
                    vec![self.opt_ident(k.arg.as_ref()), self.expr(&k.value)?],
                    Some(k.range),
                ))
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(list::new(v))
    }

    fn arg(&self, p: &ast::Parameter) -> R {
        Ok(self.node(
            "arg",
            vec![
                self.ident(&p.name),
                self.opt_expr(p.annotation.as_deref())?,
                singletons::none(),
            ],
            // ruff's range of `*args` and `**kwargs` includes the stars.
            Some(TextRange::new(p.name.start(), p.range.end())),
        ))
    }

    fn opt_arg(&self, p: Option<&ast::Parameter>) -> R {
        p.map_or_else(|| Ok(singletons::none()), |p| self.arg(p))
    }

    /// A parameter list as `arguments`: the defaults of positional parameters in
    /// `defaults`, those of keyword-only ones in `kw_defaults` (`None` where absent).
    fn parameters(&self, p: Option<&ast::Parameters>) -> R {
        let empty = ast::Parameters::default();
        let p = p.unwrap_or(&empty);
        let args_of = |ps: &[ast::ParameterWithDefault]| -> R {
            let v = ps
                .iter()
                .map(|p| self.arg(&p.parameter))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(list::new(v))
        };
        let defaults = self.exprs(
            p.posonlyargs
                .iter()
                .chain(p.args.iter())
                .filter_map(|p| p.default.as_deref()),
        )?;
        let kw_defaults = p
            .kwonlyargs
            .iter()
            .map(|p| self.opt_expr(p.default.as_deref()))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(self.node(
            "arguments",
            vec![
                args_of(&p.posonlyargs)?,
                args_of(&p.args)?,
                self.opt_arg(p.vararg.as_deref())?,
                args_of(&p.kwonlyargs)?,
                list::new(kw_defaults),
                self.opt_arg(p.kwarg.as_deref())?,
                defaults,
            ],
            None,
        ))
    }

    fn operator(&self, op: ast::Operator) -> PyObj {
        use ast::Operator::*;
        self.single(match op {
            Add => "Add",
            Sub => "Sub",
            Mult => "Mult",
            MatMult => "MatMult",
            Div => "Div",
            Mod => "Mod",
            Pow => "Pow",
            LShift => "LShift",
            RShift => "RShift",
            BitOr => "BitOr",
            BitXor => "BitXor",
            BitAnd => "BitAnd",
            FloorDiv => "FloorDiv",
        })
    }

    fn cmpop(&self, op: ast::CmpOp) -> PyObj {
        use ast::CmpOp::*;
        self.single(match op {
            Eq => "Eq",
            NotEq => "NotEq",
            Lt => "Lt",
            LtE => "LtE",
            Gt => "Gt",
            GtE => "GtE",
            Is => "Is",
            IsNot => "IsNot",
            In => "In",
            NotIn => "NotIn",
        })
    }

    fn comprehensions(&self, gens: &[ast::Comprehension]) -> R {
        let v = gens
            .iter()
            .map(|g| {
                Ok(self.node(
                    "comprehension",
                    vec![
                        self.expr(&g.target)?,
                        self.expr(&g.iter)?,
                        self.exprs(&g.ifs)?,
                        int::from_i64(i64::from(g.is_async)),
                    ],
                    None,
                ))
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(list::new(v))
    }

    fn constant(&self, value: PyObj, kind: PyObj, range: TextRange) -> PyObj {
        self.node("Constant", vec![value, kind], Some(range))
    }

    fn int(&self, i: &ast::Int) -> R {
        let v: BigInt = strand_compiler::tree::int_literal(i)
            .map_err(|m| crate::modsupport::raise(&exc::SYNTAX_ERROR_TYPE.to_obj(), m))?;
        Ok(int::from_bigint(v))
    }

    fn expr(&self, e: &Expr) -> R {
        stacker::maybe_grow(64 << 10, 1 << 20, || self.expr_inner(e))
    }

    fn expr_inner(&self, e: &Expr) -> R {
        let r = Some(e.range());
        Ok(match e {
            Expr::BoolOp(x) => self.node(
                "BoolOp",
                vec![
                    self.single(match x.op {
                        ast::BoolOp::And => "And",
                        ast::BoolOp::Or => "Or",
                    }),
                    self.exprs(&x.values)?,
                ],
                r,
            ),
            Expr::Named(x) => self.node(
                "NamedExpr",
                vec![self.expr(&x.target)?, self.expr(&x.value)?],
                r,
            ),
            Expr::BinOp(x) => self.node(
                "BinOp",
                vec![
                    self.expr(&x.left)?,
                    self.operator(x.op),
                    self.expr(&x.right)?,
                ],
                r,
            ),
            Expr::UnaryOp(x) => self.node(
                "UnaryOp",
                vec![
                    self.single(match x.op {
                        ast::UnaryOp::Invert => "Invert",
                        ast::UnaryOp::Not => "Not",
                        ast::UnaryOp::UAdd => "UAdd",
                        ast::UnaryOp::USub => "USub",
                    }),
                    self.expr(&x.operand)?,
                ],
                r,
            ),
            Expr::Lambda(x) => self.node(
                "Lambda",
                vec![
                    self.parameters(x.parameters.as_deref())?,
                    self.expr(&x.body)?,
                ],
                r,
            ),
            Expr::If(x) => self.node(
                "IfExp",
                vec![
                    self.expr(&x.test)?,
                    self.expr(&x.body)?,
                    self.expr(&x.orelse)?,
                ],
                r,
            ),
            Expr::Dict(x) => {
                let keys = x
                    .items
                    .iter()
                    .map(|i| self.opt_expr(i.key.as_ref()))
                    .collect::<PyResult<Vec<_>>>()?;
                let values = self.exprs(x.items.iter().map(|i| &i.value))?;
                self.node("Dict", vec![list::new(keys), values], r)
            }
            Expr::Set(x) => self.node("Set", vec![self.exprs(&x.elts)?], r),
            Expr::ListComp(x) => self.node(
                "ListComp",
                vec![self.expr(&x.elt)?, self.comprehensions(&x.generators)?],
                r,
            ),
            Expr::SetComp(x) => self.node(
                "SetComp",
                vec![self.expr(&x.elt)?, self.comprehensions(&x.generators)?],
                r,
            ),
            Expr::DictComp(x) => {
                let Some(key) = &x.key else {
                    return Err(type_error("syntax that Python 3.11 does not have"));
                };
                self.node(
                    "DictComp",
                    vec![
                        self.expr(key)?,
                        self.expr(&x.value)?,
                        self.comprehensions(&x.generators)?,
                    ],
                    r,
                )
            }
            Expr::Generator(x) => self.node(
                "GeneratorExp",
                vec![self.expr(&x.elt)?, self.comprehensions(&x.generators)?],
                r,
            ),
            Expr::Await(x) => self.node("Await", vec![self.expr(&x.value)?], r),
            Expr::Yield(x) => self.node("Yield", vec![self.opt_expr(x.value.as_deref())?], r),
            Expr::YieldFrom(x) => self.node("YieldFrom", vec![self.expr(&x.value)?], r),
            Expr::Compare(x) => self.node(
                "Compare",
                vec![
                    self.expr(&x.left)?,
                    list::new(x.ops.iter().map(|&o| self.cmpop(o)).collect()),
                    self.exprs(x.comparators.iter())?,
                ],
                r,
            ),
            Expr::Call(x) => {
                let a = &x.arguments;
                let args = a
                    .args
                    .iter()
                    .map(|arg| match arg {
                        // A lone unparenthesized generator expression argument spans
                        // the call's parentheses in CPython.
                        Expr::Generator(g) if !g.parenthesized && a.args.len() == 1 => Ok(self
                            .node(
                                "GeneratorExp",
                                vec![self.expr(&g.elt)?, self.comprehensions(&g.generators)?],
                                Some(a.range),
                            )),
                        _ => self.expr(arg),
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                self.node(
                    "Call",
                    vec![
                        self.expr(&x.func)?,
                        list::new(args),
                        self.keywords(&a.keywords)?,
                    ],
                    r,
                )
            }
            Expr::FString(f) => self.joined_str(f)?,
            Expr::StringLiteral(s) => {
                let value = strand_compiler::tree::str_literal_value(self.source, s);
                let kind = self.string_kind(s.range);
                self.constant(pystr::new(&value), kind, s.range)
            }
            Expr::BytesLiteral(b) => {
                let v: Vec<u8> = b.value.bytes().collect();
                self.constant(bytes::new(&v), singletons::none(), b.range)
            }
            Expr::NumberLiteral(n) => {
                let v = match &n.value {
                    ast::Number::Int(i) => self.int(i)?,
                    ast::Number::Float(f) => float::from_f64(*f),
                    ast::Number::Complex { real, imag } => complex::from_parts(*real, *imag),
                };
                self.constant(v, singletons::none(), n.range)
            }
            Expr::BooleanLiteral(b) => {
                self.constant(singletons::bool_obj(b.value), singletons::none(), b.range)
            }
            Expr::NoneLiteral(n) => self.constant(singletons::none(), singletons::none(), n.range),
            Expr::EllipsisLiteral(n) => {
                self.constant(singletons::ellipsis(), singletons::none(), n.range)
            }
            Expr::Attribute(x) => self.node(
                "Attribute",
                vec![self.expr(&x.value)?, self.ident(&x.attr), self.ctx(x.ctx)],
                r,
            ),
            Expr::Subscript(x) => self.node(
                "Subscript",
                vec![self.expr(&x.value)?, self.expr(&x.slice)?, self.ctx(x.ctx)],
                r,
            ),
            Expr::Starred(x) => {
                self.node("Starred", vec![self.expr(&x.value)?, self.ctx(x.ctx)], r)
            }
            Expr::Name(x) => self.node(
                "Name",
                vec![pystr::intern(x.id.as_str()), self.ctx(x.ctx)],
                r,
            ),
            Expr::List(x) => self.node("List", vec![self.exprs(&x.elts)?, self.ctx(x.ctx)], r),
            Expr::Tuple(x) => self.node("Tuple", vec![self.exprs(&x.elts)?, self.ctx(x.ctx)], r),
            Expr::Slice(x) => self.node(
                "Slice",
                vec![
                    self.opt_expr(x.lower.as_deref())?,
                    self.opt_expr(x.upper.as_deref())?,
                    self.opt_expr(x.step.as_deref())?,
                ],
                r,
            ),
            Expr::TString(_) | Expr::IpyEscapeCommand(_) => {
                return Err(type_error("syntax that Python 3.11 does not have"))
            }
        })
    }

    /// `'u'` when the string at `range` starts with a `u` prefix, else `None`.
    fn string_kind(&self, range: TextRange) -> PyObj {
        match self.source.as_bytes().get(range.start().to_usize()) {
            Some(b'u' | b'U') => pystr::intern("u"),
            _ => singletons::none(),
        }
    }

    /// An f-string (with the literals implicitly concatenated to it) as a
    /// `JoinedStr`.
    fn joined_str(&self, f: &ast::ExprFString) -> R {
        let whole = f.range;
        let mut parts = Parts {
            values: Vec::new(),
            pending: String::new(),
            kind: self.string_kind(whole),
            constant_at: whole,
        };
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(l) => parts
                    .pending
                    .push_str(&strand_compiler::tree::string_part_value(self.source, l)),
                ast::FStringPart::FString(fs) => {
                    self.fstring_elements(&fs.elements, &mut parts, whole, fs.range)?
                }
            }
        }
        parts.flush(self);
        Ok(self.node("JoinedStr", vec![list::new(parts.values)], Some(whole)))
    }

    /// The elements of one f-string token (`token`) of the string at `whole`.
    fn fstring_elements(
        &self,
        elements: &ast::InterpolatedStringElements,
        parts: &mut Parts,
        whole: TextRange,
        token: TextRange,
    ) -> PyResult<()> {
        for el in elements.iter() {
            match el {
                ast::InterpolatedStringElement::Literal(l) => {
                    parts
                        .pending
                        .push_str(&strand_compiler::tree::fstring_literal_value(
                            self.source,
                            l,
                        ))
                }
                ast::InterpolatedStringElement::Interpolation(i) => {
                    let mut conversion: i64 = match i.conversion {
                        ast::ConversionFlag::None => -1,
                        ast::ConversionFlag::Str => 115,
                        ast::ConversionFlag::Repr => 114,
                        ast::ConversionFlag::Ascii => 97,
                    };
                    if let Some(d) = &i.debug_text {
                        let text = &self.source[i.expression.range()];
                        parts.pending.push_str(d.leading());
                        parts.pending.push_str(text);
                        parts.pending.push_str(d.trailing());
                        if conversion == -1 && i.format_spec.is_none() {
                            conversion = 114;
                        }
                    }
                    parts.flush(self);
                    let value = self.expr(&i.expression)?;
                    let spec = match &i.format_spec {
                        None => singletons::none(),
                        Some(spec) => {
                            // As 3.11 places them: the spec's literal text before a
                            // replacement field spans the whole string, its final
                            // literal text and the spec itself span the spec's token.
                            let mut inner = Parts {
                                values: Vec::new(),
                                pending: String::new(),
                                kind: parts.kind.clone(),
                                constant_at: whole,
                            };
                            self.fstring_elements(&spec.elements, &mut inner, whole, token)?;
                            inner.constant_at = token;
                            inner.flush(self);
                            self.node("JoinedStr", vec![list::new(inner.values)], Some(token))
                        }
                    };
                    parts.values.push(self.node(
                        "FormattedValue",
                        vec![value, int::from_i64(conversion), spec],
                        Some(whole),
                    ));
                }
            }
        }
        Ok(())
    }

    fn pattern(&self, p: &Pattern) -> R {
        stacker::maybe_grow(64 << 10, 1 << 20, || self.pattern_inner(p))
    }

    fn patterns<'a>(&self, ps: impl IntoIterator<Item = &'a Pattern>) -> R {
        let v = ps
            .into_iter()
            .map(|p| self.pattern(p))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(list::new(v))
    }

    fn pattern_inner(&self, p: &Pattern) -> R {
        let r = Some(p.range());
        Ok(match p {
            Pattern::MatchValue(x) => self.node("MatchValue", vec![self.expr(&x.value)?], r),
            Pattern::MatchSingleton(x) => {
                let v = match x.value {
                    ast::Singleton::None => singletons::none(),
                    ast::Singleton::True => singletons::bool_obj(true),
                    ast::Singleton::False => singletons::bool_obj(false),
                };
                self.node("MatchSingleton", vec![v], r)
            }
            Pattern::MatchSequence(x) => {
                self.node("MatchSequence", vec![self.patterns(&x.patterns)?], r)
            }
            Pattern::MatchMapping(x) => self.node(
                "MatchMapping",
                vec![
                    self.exprs(x.keys.iter())?,
                    self.patterns(x.patterns.iter())?,
                    self.opt_ident(x.rest.as_ref()),
                ],
                r,
            ),
            Pattern::MatchClass(x) => {
                let a = &x.arguments;
                self.node(
                    "MatchClass",
                    vec![
                        self.expr(&x.cls)?,
                        self.patterns(a.patterns.iter())?,
                        list::new(a.keywords.iter().map(|k| self.ident(&k.attr)).collect()),
                        self.patterns(a.keywords.iter().map(|k| &k.pattern))?,
                    ],
                    r,
                )
            }
            Pattern::MatchStar(x) => {
                self.node("MatchStar", vec![self.opt_ident(x.name.as_ref())], r)
            }
            Pattern::MatchAs(x) => {
                let inner = match &x.pattern {
                    Some(p) => self.pattern(p)?,
                    None => singletons::none(),
                };
                self.node("MatchAs", vec![inner, self.opt_ident(x.name.as_ref())], r)
            }
            Pattern::MatchOr(x) => self.node("MatchOr", vec![self.patterns(&x.patterns)?], r),
        })
    }
}

/// The parts of a `JoinedStr` being built: its values so far and the literal text
/// not yet made a `Constant`.
struct Parts {
    values: Vec<PyObj>,
    pending: String,
    kind: PyObj,
    /// Where this string's `Constant` parts are placed.
    constant_at: TextRange,
}

impl Parts {
    /// Ends the pending literal text as a `Constant` (if there is any).
    fn flush(&mut self, c: &Converter<'_>) {
        if !self.pending.is_empty() {
            let text = std::mem::take(&mut self.pending);
            self.values
                .push(c.constant(pystr::new(&text), self.kind.clone(), self.constant_at));
        }
    }
}
