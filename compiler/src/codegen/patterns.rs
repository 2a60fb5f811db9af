//! Compiling the `match` statement (PEP 634).
//!
//! The subject stays on the stack while the cases are tried; each case but the last
//! works on a copy. A pattern consumes the value on top of the stack and either jumps
//! to a failure label or falls through having pushed the values it captured. The
//! captured names are stored only once the whole pattern has matched, so a failed
//! pattern binds nothing (CPython's order, which the guard and body then see).
//!
//! A failure can happen with intermediate values (sub-sequences' items, the subject
//! of a class pattern, captures made so far) above the case's base, so each case has
//! a chain of failure labels, one per depth: the label for depth `n` pops one value
//! and falls into the label for `n - 1`, and the label for depth 0 leads to the next
//! case.
//!
//! Captures are kept underneath the values still being matched: a new capture is
//! rotated down below them and below the earlier captures (`rotate`), so that when a
//! pattern completes, the captures sit on top of the base, the first one topmost.

use ruff_python_ast::{self as ast, Expr, Pattern};
use ruff_text_size::Ranged;

use super::{CResult, Compiler, ErrorKind};
use crate::bytecode::Op;
use crate::code::Constant;

/// The state of one case's pattern while it compiles.
#[derive(Default)]
struct PatternState {
    /// Names captured so far, in the order their values sit on the stack.
    stores: Vec<String>,
    /// Values above the captures that a failure must pop (sub-subjects, keys, ...).
    on_top: usize,
    /// `fail_pop[n]`: where to jump on failure with `n` values above the base.
    fail_pop: Vec<usize>,
    /// Whether an irrefutable pattern is allowed here (not in a non-final
    /// alternative or case).
    allow_irrefutable: bool,
}

impl Compiler<'_, '_> {
    /// `match subject: case ...`.
    pub(super) fn match_stmt(&mut self, m: &ast::StmtMatch) -> CResult<()> {
        self.expr(&m.subject)?;
        let end = self.new_label();
        let n = m.cases.len();
        // A final `case _:` needs no pattern code: the case before it consumes the
        // subject whether it matches or not.
        let has_default = n > 1 && m.cases.last().is_some_and(|c| is_wildcard(&c.pattern));
        let tried = n - usize::from(has_default);
        for (i, case) in m.cases.iter().take(tried).enumerate() {
            self.set_loc(&case.pattern);
            // Every case but the last tried one matches a copy of the subject.
            let copies = i + 1 != tried;
            if copies {
                self.emit(Op::COPY, 1);
            }
            let mut pc = PatternState {
                allow_irrefutable: case.guard.is_some() || i + 1 == n,
                ..PatternState::default()
            };
            self.pattern(&case.pattern, &mut pc)?;
            // Matched: the captures are on top, the first one topmost.
            let stores = std::mem::take(&mut pc.stores);
            for name in &stores {
                self.name_op(name, ast::ExprContext::Store);
            }
            if let Some(guard) = &case.guard {
                self.ensure_fail_pop(&mut pc, 0);
                let fail = pc.fail_pop[0];
                self.jump_if(guard, false, fail)?;
            }
            if copies {
                self.emit(Op::POP_TOP, 0);
            }
            self.body(&case.body)?;
            self.jump(Op::JUMP_FORWARD, end);
            // A failed pattern's clean-up belongs to the pattern's line.
            self.set_loc(&case.pattern);
            self.emit_fail_pop(&mut pc);
        }
        if has_default {
            let case = m.cases.last().expect("a default case");
            self.set_loc(&case.pattern);
            self.emit(Op::NOP, 0);
            if let Some(guard) = &case.guard {
                self.jump_if(guard, false, end)?;
            }
            self.body(&case.body)?;
        }
        self.bind(end);
        Ok(())
    }

    /// Makes sure `pc.fail_pop[0..=n]` exist.
    fn ensure_fail_pop(&mut self, pc: &mut PatternState, n: usize) {
        while pc.fail_pop.len() <= n {
            let l = self.new_label();
            pc.fail_pop.push(l);
        }
    }

    /// Emits `op` (a conditional jump) to the failure label for the current depth.
    fn jump_to_fail(&mut self, pc: &mut PatternState, op: Op) {
        let pops = pc.on_top + pc.stores.len();
        self.ensure_fail_pop(pc, pops);
        self.jump(op, pc.fail_pop[pops]);
    }

    /// Binds the failure chain: each label pops one value and falls into the next.
    fn emit_fail_pop(&mut self, pc: &mut PatternState) {
        let labels = std::mem::take(&mut pc.fail_pop);
        for (depth, &label) in labels.iter().enumerate().rev() {
            self.bind(label);
            if depth > 0 {
                self.emit(Op::POP_TOP, 0);
            }
        }
    }

    /// Moves the top of the stack down to depth `n` (1 is the top itself).
    fn rotate(&mut self, n: usize) {
        for i in (2..=n).rev() {
            self.emit(Op::SWAP, i as u32);
        }
    }

    /// Brings the value at depth `n` up to the top, keeping the others in order.
    fn raise(&mut self, n: usize) {
        for i in 2..=n {
            self.emit(Op::SWAP, i as u32);
        }
    }

    /// Captures the value on top as `name`: it is moved below the values still
    /// being matched.
    fn capture(&mut self, name: &ast::Identifier, pc: &mut PatternState) -> CResult<()> {
        let id = name.id.as_str();
        if id == "__debug__" {
            return Err(self.error(
                ErrorKind::Syntax,
                "cannot assign to __debug__",
                name.range(),
            ));
        }
        if pc.stores.iter().any(|s| s == id) {
            return Err(self.error(
                ErrorKind::Syntax,
                format!("multiple assignments to name '{id}' in pattern"),
                name.range(),
            ));
        }
        self.rotate(pc.on_top + pc.stores.len() + 1);
        pc.stores.push(id.to_string());
        Ok(())
    }

    /// A pattern inside another: captures there are allowed even where the whole
    /// pattern must not be irrefutable.
    fn subpattern(&mut self, p: &Pattern, pc: &mut PatternState) -> CResult<()> {
        let allow = std::mem::replace(&mut pc.allow_irrefutable, true);
        let r = self.pattern(p, pc);
        pc.allow_irrefutable = allow;
        r
    }

    /// Compiles `p` against the value on top of the stack (which it consumes).
    fn pattern(&mut self, p: &Pattern, pc: &mut PatternState) -> CResult<()> {
        self.set_loc(p);
        match p {
            Pattern::MatchValue(v) => {
                self.expr(&v.value)?;
                self.emit(Op::COMPARE_OP, 2 << 4);
                self.emit(Op::TO_BOOL, 0);
                self.jump_to_fail(pc, Op::POP_JUMP_IF_FALSE);
            }
            Pattern::MatchSingleton(s) => {
                self.load_const(match s.value {
                    ast::Singleton::None => Constant::None,
                    ast::Singleton::True => Constant::Bool(true),
                    ast::Singleton::False => Constant::Bool(false),
                });
                self.emit(Op::IS_OP, 0);
                self.jump_to_fail(pc, Op::POP_JUMP_IF_FALSE);
            }
            Pattern::MatchAs(a) => self.pattern_as(a, pc)?,
            Pattern::MatchStar(s) => {
                return Err(self.error(ErrorKind::Syntax, "can't use starred name here", s.range()))
            }
            Pattern::MatchSequence(s) => self.pattern_sequence(&s.patterns, pc)?,
            Pattern::MatchMapping(m) => self.pattern_mapping(m, pc)?,
            Pattern::MatchClass(c) => self.pattern_class(c, pc)?,
            Pattern::MatchOr(o) => self.pattern_or(&o.patterns, pc)?,
        }
        Ok(())
    }

    fn pattern_as(&mut self, a: &ast::PatternMatchAs, pc: &mut PatternState) -> CResult<()> {
        let Some(inner) = &a.pattern else {
            // `_` or a bare capture: irrefutable.
            if !pc.allow_irrefutable {
                return Err(match &a.name {
                    Some(n) => self.error(
                        ErrorKind::Syntax,
                        format!(
                            "name capture '{}' makes remaining patterns unreachable",
                            n.id
                        ),
                        a.range(),
                    ),
                    None => self.error(
                        ErrorKind::Syntax,
                        "wildcard makes remaining patterns unreachable",
                        a.range(),
                    ),
                });
            }
            match &a.name {
                Some(n) => self.capture(n, pc)?,
                None => self.emit(Op::POP_TOP, 0),
            }
            return Ok(());
        };
        // `P as name`: match a copy, then capture the value itself.
        pc.on_top += 1;
        self.emit(Op::COPY, 1);
        self.subpattern(inner, pc)?;
        pc.on_top -= 1;
        match &a.name {
            Some(n) => self.capture(n, pc),
            None => {
                self.emit(Op::POP_TOP, 0);
                Ok(())
            }
        }
    }

    fn pattern_sequence(&mut self, pats: &[Pattern], pc: &mut PatternState) -> CResult<()> {
        let star = pats.iter().position(|p| matches!(p, Pattern::MatchStar(_)));
        if pats
            .iter()
            .filter(|p| matches!(p, Pattern::MatchStar(_)))
            .count()
            > 1
        {
            let second = pats
                .iter()
                .filter(|p| matches!(p, Pattern::MatchStar(_)))
                .nth(1)
                .expect("two stars");
            return Err(self.error(
                ErrorKind::Syntax,
                "multiple starred names in sequence pattern",
                second.range(),
            ));
        }
        let n = pats.len();
        // The subject stays while its kind and length are checked.
        pc.on_top += 1;
        self.emit(Op::MATCH_SEQUENCE, 0);
        self.jump_to_fail(pc, Op::POP_JUMP_IF_FALSE);
        let only_star_wildcard = n == 1 && is_star_wildcard(&pats[0]);
        if !only_star_wildcard {
            self.emit(Op::GET_LEN, 0);
            match star {
                Some(_) => {
                    self.load_const(Constant::Int((n - 1).into()));
                    self.emit(Op::COMPARE_OP, 5 << 4);
                }
                None => {
                    self.load_const(Constant::Int(n.into()));
                    self.emit(Op::COMPARE_OP, 2 << 4);
                }
            }
            self.emit(Op::TO_BOOL, 0);
            self.jump_to_fail(pc, Op::POP_JUMP_IF_FALSE);
        }
        if n == 0 || only_star_wildcard {
            pc.on_top -= 1;
            self.emit(Op::POP_TOP, 0);
            return Ok(());
        }
        // Unpack: the subject gives way to its items, the first on top.
        match star {
            Some(i) => {
                let after = n - i - 1;
                self.emit(Op::UNPACK_EX, (i | (after << 8)) as u32);
            }
            None => self.emit(Op::UNPACK_SEQUENCE, n as u32),
        }
        pc.on_top += n - 1;
        for p in pats {
            pc.on_top -= 1;
            match p {
                Pattern::MatchStar(s) => match &s.name {
                    Some(name) => self.capture(name, pc)?,
                    None => self.emit(Op::POP_TOP, 0),
                },
                other => self.subpattern(other, pc)?,
            }
        }
        Ok(())
    }

    fn pattern_mapping(
        &mut self,
        m: &ast::PatternMatchMapping,
        pc: &mut PatternState,
    ) -> CResult<()> {
        let n = m.keys.len();
        pc.on_top += 1;
        self.emit(Op::MATCH_MAPPING, 0);
        self.jump_to_fail(pc, Op::POP_JUMP_IF_FALSE);
        if n == 0 && m.rest.is_none() {
            pc.on_top -= 1;
            self.emit(Op::POP_TOP, 0);
            return Ok(());
        }
        if n > 0 {
            self.emit(Op::GET_LEN, 0);
            self.load_const(Constant::Int(n.into()));
            self.emit(Op::COMPARE_OP, 5 << 4);
            self.emit(Op::TO_BOOL, 0);
            self.jump_to_fail(pc, Op::POP_JUMP_IF_FALSE);
        }
        // The keys: literals (checked for duplicates here) or dotted names.
        let mut seen: Vec<String> = Vec::new();
        for k in &m.keys {
            if let Some((id, repr)) = literal_key(k, &|sl| self.str_value(sl)) {
                if seen.contains(&id) {
                    return Err(self.error(
                        ErrorKind::Syntax,
                        format!("mapping pattern checks duplicate key ({repr})"),
                        k.range(),
                    ));
                }
                seen.push(id);
            } else if !matches!(k, Expr::Attribute(_) | Expr::BinOp(_)) {
                return Err(self.error(
                    ErrorKind::Syntax,
                    "mapping pattern keys may only match literals and attribute lookups",
                    k.range(),
                ));
            }
            self.expr(k)?;
        }
        self.emit(Op::BUILD_TUPLE, n as u32);
        pc.on_top += 1;
        // MATCH_KEYS pushes the values (a tuple) or None.
        self.emit(Op::MATCH_KEYS, 0);
        pc.on_top += 1;
        self.emit(Op::COPY, 1);
        self.jump_to_fail(pc, Op::POP_JUMP_IF_NONE);
        self.emit(Op::UNPACK_SEQUENCE, n as u32);
        pc.on_top -= 1;
        pc.on_top += n;
        for p in &m.patterns {
            pc.on_top -= 1;
            self.subpattern(p, pc)?;
        }
        // Left: the subject and the keys.
        match &m.rest {
            Some(rest) => {
                self.emit(Op::COPY_DICT_WITHOUT_KEYS, 0);
                pc.on_top -= 1;
                self.capture(rest, pc)?;
                pc.on_top -= 1;
                self.emit(Op::POP_TOP, 0);
            }
            None => {
                pc.on_top -= 2;
                self.emit(Op::POP_TOP, 0);
                self.emit(Op::POP_TOP, 0);
            }
        }
        Ok(())
    }

    fn pattern_class(&mut self, c: &ast::PatternMatchClass, pc: &mut PatternState) -> CResult<()> {
        let args = &c.arguments;
        let (npos, nkw) = (args.patterns.len(), args.keywords.len());
        for (i, k) in args.keywords.iter().enumerate() {
            if args.keywords[..i].iter().any(|o| o.attr.id == k.attr.id) {
                return Err(self.error(
                    ErrorKind::Syntax,
                    format!("attribute name repeated in class pattern: {}", k.attr.id),
                    k.attr.range(),
                ));
            }
        }
        self.expr(&c.cls)?;
        let names = args
            .keywords
            .iter()
            .map(|k| Constant::Str(k.attr.id.to_string()))
            .collect();
        self.load_const(Constant::Tuple(names));
        // MATCH_CLASS replaces subject, class and names with the attributes or None.
        self.emit(Op::MATCH_CLASS, npos as u32);
        self.emit(Op::COPY, 1);
        pc.on_top += 1;
        self.jump_to_fail(pc, Op::POP_JUMP_IF_NONE);
        let total = npos + nkw;
        self.emit(Op::UNPACK_SEQUENCE, total as u32);
        pc.on_top -= 1;
        pc.on_top += total;
        let subpatterns = args
            .patterns
            .iter()
            .chain(args.keywords.iter().map(|k| &k.pattern));
        for p in subpatterns {
            pc.on_top -= 1;
            self.subpattern(p, pc)?;
        }
        Ok(())
    }

    /// `P1 | P2 | ...`: each alternative matches a copy of the subject with its own
    /// failure chain; a matching one brings its captures into the first
    /// alternative's order, drops the subject and joins the common end.
    fn pattern_or(&mut self, alts: &[Pattern], pc: &mut PatternState) -> CResult<()> {
        let end = self.new_label();
        let mut order: Option<Vec<String>> = None;
        let saved_on_top = pc.on_top;
        for (i, alt) in alts.iter().enumerate() {
            let last = i + 1 == alts.len();
            self.set_loc(alt);
            let mut sub = PatternState {
                allow_irrefutable: last && pc.allow_irrefutable,
                ..PatternState::default()
            };
            self.emit(Op::COPY, 1);
            self.pattern(alt, &mut sub)?;
            let caught = std::mem::take(&mut sub.stores);
            match &order {
                None => order = Some(caught.clone()),
                Some(want) => {
                    let same =
                        want.len() == caught.len() && want.iter().all(|w| caught.contains(w));
                    if !same {
                        return Err(self.error(
                            ErrorKind::Syntax,
                            "alternative patterns bind different names",
                            alt.range(),
                        ));
                    }
                    // Reorder (`current` lists the captures from the bottom up; the
                    // first capture must end on top): raise each name to the top,
                    // the one that belongs deepest first.
                    let mut current: Vec<String> = caught.iter().rev().cloned().collect();
                    for w in want.iter().rev() {
                        let pos = current.iter().position(|c| c == w).expect("same names");
                        let depth = current.len() - pos;
                        self.raise(depth);
                        let v = current.remove(pos);
                        current.push(v);
                    }
                }
            }
            // Drop the subject under the captures.
            self.raise(caught.len() + 1);
            self.emit(Op::POP_TOP, 0);
            self.jump(Op::JUMP_FORWARD, end);
            self.emit_fail_pop(&mut sub);
        }
        // No alternative matched: drop the subject and fail.
        self.emit(Op::POP_TOP, 0);
        self.jump_to_fail(pc, Op::JUMP_FORWARD);
        self.bind(end);
        // The new captures are on top; they belong below the earlier captures and
        // the values still being matched, so raise those above them, deepest first.
        let names = order.unwrap_or_default();
        let k = names.len();
        let above = pc.on_top + pc.stores.len();
        for _ in 0..above {
            self.raise(above + k);
        }
        debug_assert_eq!(saved_on_top, pc.on_top);
        for name in names {
            if pc.stores.contains(&name) {
                return Err(self.error(
                    ErrorKind::Syntax,
                    format!("multiple assignments to name '{name}' in pattern"),
                    alts[0].range(),
                ));
            }
            pc.stores.push(name);
        }
        Ok(())
    }
}

/// `_` (no name, no sub-pattern).
fn is_wildcard(p: &Pattern) -> bool {
    matches!(p, Pattern::MatchAs(a) if a.pattern.is_none() && a.name.is_none())
}

fn is_star_wildcard(p: &Pattern) -> bool {
    matches!(p, Pattern::MatchStar(s) if s.name.is_none())
}

/// A literal mapping key's identity for the duplicate check (equal keys that hash
/// equal, like `1` and `True`, collide as they would in a dict) and its repr;
/// `str_value` gives a string literal's value.
fn literal_key(
    k: &Expr,
    str_value: &dyn Fn(&ast::ExprStringLiteral) -> String,
) -> Option<(String, String)> {
    let c = match k {
        Expr::StringLiteral(s) => Constant::Str(str_value(s)),
        Expr::BytesLiteral(b) => Constant::Bytes(b.value.bytes().collect()),
        Expr::NoneLiteral(_) => Constant::None,
        Expr::BooleanLiteral(b) => Constant::Bool(b.value),
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => Constant::Int(super::int_literal(i).ok()?),
            ast::Number::Float(f) => Constant::Float(*f),
            ast::Number::Complex { .. } => return None,
        },
        Expr::UnaryOp(u) if u.op == ast::UnaryOp::USub => {
            let (id, repr) = literal_key(&u.operand, str_value)?;
            return Some((format!("-{id}"), format!("-{repr}")));
        }
        _ => return None,
    };
    let id = match &c {
        Constant::Str(s) => format!("s:{s}"),
        Constant::Bytes(b) => format!("b:{b:?}"),
        Constant::None => "None".into(),
        Constant::Bool(b) => format!("n:{}", u8::from(*b)),
        Constant::Int(i) => format!("n:{i}"),
        Constant::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("n:{}", *f as i64),
        Constant::Float(f) => format!("f:{f}"),
        _ => return None,
    };
    Some((id, c.repr()))
}
