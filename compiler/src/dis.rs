//! The disassembler behind `strand --dis`: each instruction with its offset, line,
//! argument and what the argument means (constant, name, local, operator), then the
//! exception table, for a code object and every code object nested in its constants.

use std::fmt::Write as _;

use crate::bytecode::{self, LineTable, Op};
use crate::code::{CodeObject, Constant};

impl CodeObject {
    /// The disassembly of this code and of nested code objects (`strand --dis`).
    pub fn disassemble(&self) -> String {
        let describe = |op: Op, arg: u32| -> String {
            let a = arg as usize;
            match op {
                Op::LOAD_CONST | Op::RETURN_CONST | Op::KW_NAMES => {
                    self.consts.get(a).map(Constant::repr).unwrap_or_default()
                }
                Op::LOAD_GLOBAL => {
                    let n = self.names.get(a >> 1).cloned().unwrap_or_default();
                    if a & 1 == 1 {
                        format!("NULL + {n}")
                    } else {
                        n
                    }
                }
                Op::LOAD_ATTR => {
                    let n = self.names.get(a >> 1).cloned().unwrap_or_default();
                    if a & 1 == 1 {
                        format!("NULL|self + {n}")
                    } else {
                        n
                    }
                }
                Op::STORE_ATTR
                | Op::DELETE_ATTR
                | Op::STORE_GLOBAL
                | Op::DELETE_GLOBAL
                | Op::LOAD_NAME
                | Op::STORE_NAME
                | Op::DELETE_NAME
                | Op::IMPORT_NAME
                | Op::IMPORT_FROM => self.names.get(a).cloned().unwrap_or_default(),
                Op::LOAD_FAST
                | Op::LOAD_FAST_CHECK
                | Op::LOAD_FAST_BORROW
                | Op::STORE_FAST
                | Op::DELETE_FAST => self.varnames.get(a).cloned().unwrap_or_default(),
                Op::LOAD_FAST_LOAD_FAST
                | Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW
                | Op::STORE_FAST_LOAD_FAST
                | Op::STORE_FAST_LOAD_FAST_BORROW
                | Op::STORE_FAST_STORE_FAST => {
                    let name = |i: usize| self.varnames.get(i).cloned().unwrap_or_default();
                    format!("{}, {}", name(a >> 4), name(a & 15))
                }
                Op::LOAD_DEREF
                | Op::STORE_DEREF
                | Op::DELETE_DEREF
                | Op::LOAD_CLOSURE
                | Op::MAKE_CELL
                | Op::LOAD_FROM_DICT_OR_DEREF => self.localsplus_name(a).unwrap_or("").to_string(),
                Op::BINARY_OP => {
                    let base = (arg % u32::from(bytecode::BINARY_OP_INPLACE)) as u8;
                    let sym = bytecode::BinaryOpArg::from_u8(base).map_or("?", |b| b.symbol());
                    if arg >= u32::from(bytecode::BINARY_OP_INPLACE) {
                        format!("{sym}=")
                    } else {
                        sym.to_string()
                    }
                }
                Op::COMPARE_OP => ["<", "<=", "==", "!=", ">", ">="]
                    .get(a >> 4)
                    .copied()
                    .unwrap_or("?")
                    .to_string(),
                _ => String::new(),
            }
        };
        let mut out = format!(
            "Disassembly of <code object {} at line {}>:\n",
            self.qualname, self.firstlineno
        );
        out.push_str(&listing(&self.code, &self.lines, &describe));
        if !self.exceptions.is_empty() {
            out.push_str("ExceptionTable:\n");
            for e in &self.exceptions {
                out.push_str(&format!(
                    "  {} to {} -> {} [{}]{}\n",
                    e.start * 2,
                    e.end * 2,
                    e.target * 2,
                    e.depth,
                    if e.lasti { " lasti" } else { "" }
                ));
            }
        }
        for c in &self.consts {
            if let Constant::Code(inner) = c {
                out.push('\n');
                out.push_str(&inner.disassemble());
            }
        }
        out
    }
}

/// A CPython-`dis`-like listing: `line  offset  NAME  arg (meaning)`, offsets in bytes
/// (two per code unit) as CPython prints them, jump targets marked `>>`.
fn listing(code: &[u16], lines: &LineTable, describe: &dyn Fn(Op, u32) -> String) -> String {
    let Ok(instrs) = bytecode::instructions(code) else {
        return String::from("<invalid bytecode>\n");
    };
    let targets: std::collections::HashSet<usize> =
        instrs.iter().filter_map(|i| i.jump_target()).collect();
    let mut out = String::new();
    let mut last_line = None;
    for ins in &instrs {
        let line = lines.line_of(ins.op_offset);
        if line != last_line && line.is_some() {
            if last_line.is_some() {
                out.push('\n');
            }
            let _ = write!(out, "{:>4}", line.unwrap_or(0));
            last_line = line;
        } else {
            out.push_str("    ");
        }
        let marker = if targets.contains(&ins.offset) {
            ">>"
        } else {
            "  "
        };
        let _ = write!(
            out,
            "      {marker} {:>4} {:<24}",
            ins.offset * 2,
            ins.op.name()
        );
        if ins.op.has_arg() {
            let _ = write!(out, " {:<4}", ins.arg);
            let d = match ins.jump_target() {
                Some(t) => format!("to {}", t * 2),
                None => describe(ins.op, ins.arg),
            };
            if !d.is_empty() {
                let _ = write!(out, " ({d})");
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}
