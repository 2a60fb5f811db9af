//! Printing tracebacks the way CPython 3.11 does (Python/traceback.c,
//! `tb_printinternal` and `tb_displayline`; PEP 657 for the position markers).
//!
//! Each entry prints `  File "f.py", line N, in name`, the source line with its
//! indentation removed, and, when the failing instruction's span covers only part of
//! that line, a line of markers under the span. For a binary operation the operator is
//! marked with `^` and its operands with `~`; for a subscript, the brackets and index
//! with `^` and the subscripted value with `~` (found by parsing the span's text, as
//! CPython does). More than three consecutive entries for the same file, line and
//! function collapse into `[Previous line repeated N more times]`.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;
use strand_objects::exceptions as exc;
use strand_objects::singletons::is_none;
use strand_objects::{PyErr, PyObj};

use strand_compiler::bytecode::Location;
use strand_objects::str as pystr;

use crate::frame::Frame;

/// Sources of the modules compiled so far, by file name, for the source lines of
/// tracebacks (CPython reads them back from the files through `linecache`).
static SOURCES: std::sync::Mutex<Vec<(String, std::sync::Arc<str>)>> =
    std::sync::Mutex::new(Vec::new());

/// More identical entries in a row than this are summarised (CPython's
/// `TB_RECURSIVE_CUTOFF`).
const RECURSIVE_CUTOFF: usize = 3;

/// At most this many entries are printed, the innermost ones (CPython's default
/// `sys.tracebacklimit`).
const TRACEBACK_LIMIT: usize = 1000;

/// Remembers a module's source text, for the source lines of tracebacks. Pseudo-files
/// (`<string>`, `<frozen threading>`) are not kept: CPython prints no lines for them.
pub fn register_source(filename: &str, source: &str) {
    if filename.starts_with('<') {
        return;
    }
    let mut s = SOURCES.lock().unwrap_or_else(|e| e.into_inner());
    if !s.iter().any(|(f, _)| f == filename) {
        s.push((filename.to_string(), source.into()));
    }
}

/// Line `line` (1-based) of a source file, without its line break: from the
/// registered text, else read from the file as CPython's `_Py_DisplaySourceLine`
/// does (decoded as its PEP 263 declaration says; nothing for pseudo-files or files
/// that cannot be read or decoded).
pub(crate) fn source_line(filename: &str, line: u32) -> Option<String> {
    let registered = {
        let s = SOURCES.lock().unwrap_or_else(|e| e.into_inner());
        s.iter()
            .find(|(f, _)| f == filename)
            .map(|(_, t)| t.clone())
    };
    let text: std::sync::Arc<str> = match registered {
        Some(t) => t,
        None if filename.starts_with('<') => return None,
        None => {
            let bytes = std::fs::read(filename).ok()?;
            crate::syntax_error::decode_file(&bytes, filename)
                .ok()?
                .into()
        }
    };
    text.lines()
        .nth(line.checked_sub(1)? as usize)
        .map(str::to_string)
}

/// The text CPython prints for an uncaught exception: the causes and contexts first
/// (with the sentences that join them), then each traceback and its final line.
/// Exception groups (PEP 654) print as boxes: `Exception Group Traceback`, then each
/// sub-exception under a numbered rule, indented one level deeper.
pub fn format_exception(e: &PyErr) -> String {
    let mut ctx = PrintContext::default();
    let mut out = String::new();
    format_chain(e.value(), &mut ctx, &mut out);
    out
}

/// More sub-exceptions of a group than this are summarised (`and N more
/// exceptions`).
const MAX_GROUP_WIDTH: usize = 15;
/// Groups nested deeper than this are cut short.
const MAX_GROUP_DEPTH: usize = 10;

/// Where the printer is inside nested exception groups (traceback.py's
/// `_ExceptionPrintContext`).
#[derive(Default)]
struct PrintContext {
    seen: Vec<usize>,
    depth: usize,
    need_close: bool,
}

impl PrintContext {
    fn indent(&self) -> String {
        " ".repeat(2 * self.depth)
    }

    /// Appends `text`, each line prefixed by the indentation and, inside a group, a
    /// margin character (`|`, or `+` on a group's first line).
    fn emit(&self, text: &str, margin: char, out: &mut String) {
        let mut prefix = self.indent();
        if self.depth > 0 {
            prefix.push(margin);
            prefix.push(' ');
        }
        for line in text.split_inclusive('\n') {
            out.push_str(&prefix);
            out.push_str(line);
        }
    }
}

fn format_chain(value: &PyObj, ctx: &mut PrintContext, out: &mut String) {
    // The chain, innermost first: each exception with the sentence that follows it.
    let mut chain: Vec<(Option<&str>, PyObj)> = Vec::new();
    let mut cur = Some(value.clone());
    let mut msg = None;
    while let Some(v) = cur.take() {
        ctx.seen.push(v.addr());
        let (cause, context, suppress) = {
            let st = exc::payload(&v).state();
            (st.cause.clone(), st.context.clone(), st.suppress_context)
        };
        chain.push((msg, v));
        if let Some(c) = cause.filter(|c| !is_none(c) && !ctx.seen.contains(&c.addr())) {
            msg =
                Some("\nThe above exception was the direct cause of the following exception:\n\n");
            cur = Some(c);
        } else if let Some(c) =
            context.filter(|c| !is_none(c) && !suppress && !ctx.seen.contains(&c.addr()))
        {
            msg = Some("\nDuring handling of the above exception, another exception occurred:\n\n");
            cur = Some(c);
        }
    }
    // Printed outermost cause first; each sentence after the exception it explains.
    let mut pending: Option<&str> = None;
    for (msg, v) in chain.iter().rev() {
        if let Some(m) = pending.take() {
            ctx.emit(m, '|', out);
        }
        format_one(v, ctx, out);
        pending = *msg;
    }
}

/// One exception of a chain: its traceback and final line, or, for a group, the
/// group's box with its sub-exceptions.
fn format_one(value: &PyObj, ctx: &mut PrintContext, out: &mut String) {
    let entries = traceback_of(value);
    if !exc::is_exception_group(value) {
        let mut text = String::new();
        format_entries(&entries, &mut text);
        format_exception_only(value, &mut text);
        ctx.emit(&text, '|', out);
        return;
    }
    if ctx.depth > MAX_GROUP_DEPTH {
        ctx.emit(
            &format!("... (max_group_depth is {MAX_GROUP_DEPTH})\n"),
            '|',
            out,
        );
        return;
    }
    let toplevel = ctx.depth == 0;
    if toplevel {
        ctx.depth += 1;
    }
    if !entries.is_empty() {
        let margin = if toplevel { '+' } else { '|' };
        ctx.emit(
            "Exception Group Traceback (most recent call last):\n",
            margin,
            out,
        );
        let mut text = String::new();
        format_entries(&entries, &mut text);
        let body = text
            .strip_prefix("Traceback (most recent call last):\n")
            .unwrap_or(&text);
        ctx.emit(body, '|', out);
    }
    let mut text = String::new();
    format_exception_only(value, &mut text);
    ctx.emit(&text, '|', out);
    let subs = strand_objects::abstract_::getattr_str(value, "exceptions")
        .and_then(|t| strand_objects::abstract_::collect_iter(&t))
        .unwrap_or_default();
    let n = if subs.len() <= MAX_GROUP_WIDTH {
        subs.len()
    } else {
        MAX_GROUP_WIDTH + 1
    };
    ctx.need_close = false;
    for i in 0..n {
        let last = i + 1 == n;
        if last {
            // The closing rule may come from a nested group's own last entry.
            ctx.need_close = true;
        }
        let truncated = i >= MAX_GROUP_WIDTH;
        let title = if truncated {
            " ... ".to_string()
        } else {
            format!(" {} ", i + 1)
        };
        out.push_str(&ctx.indent());
        out.push_str(if i == 0 { "+-" } else { "  " });
        out.push('+');
        out.push_str(&center(&title, 35, '-'));
        out.push('\n');
        ctx.depth += 1;
        if truncated {
            let remaining = subs.len() - MAX_GROUP_WIDTH;
            let s = if remaining > 1 { "s" } else { "" };
            ctx.emit(&format!("and {remaining} more exception{s}\n"), '|', out);
        } else {
            format_chain(&subs[i], ctx, out);
        }
        if last && ctx.need_close {
            out.push_str(&ctx.indent());
            out.push_str("+------------------------------------\n");
            ctx.need_close = false;
        }
        ctx.depth -= 1;
    }
    if toplevel {
        ctx.depth = 0;
    }
}

/// `str.center(width, fill)`, with Python's placement of an odd fill character.
fn center(text: &str, width: usize, fill: char) -> String {
    let len = text.chars().count();
    if len >= width {
        return text.to_string();
    }
    let marg = width - len;
    let left = marg / 2 + (marg & width & 1);
    let f = fill.to_string();
    format!("{}{text}{}", f.repeat(left), f.repeat(marg - left))
}

/// The final line(s) of an exception: `Type: message`, or a syntax error's
/// location block.
fn format_exception_only(value: &PyObj, out: &mut String) {
    if value.is_instance_of(&exc::SYNTAX_ERROR_TYPE) {
        format_syntax_error(value, out);
    } else {
        out.push_str(&PyErr::from_value(value.clone()).display_line());
        if let Some(s) = crate::suggestions::offer(value) {
            out.push_str(&format!(". Did you mean: '{s}'?"));
        }
        out.push('\n');
    }
}

/// A `SyntaxError`'s own lines: where it is (`File "f.py", line N`), the offending
/// source line and a caret line under the offending text, then `SyntaxError: msg`
/// (CPython's `print_exception` with `parse_syntax_error` and `print_error_text`).
/// An error whose attributes do not parse (`lineno` not an int, say) is printed as
/// any other exception.
fn format_syntax_error(value: &PyObj, out: &mut String) {
    let Some(p) = SyntaxErrorParts::of(value) else {
        out.push_str(&PyErr::from_value(value.clone()).display_line());
        out.push('\n');
        return;
    };
    out.push_str(&format!("  File \"{}\", line {}\n", p.filename, p.lineno));
    if let Some(text) = &p.text {
        let size = text.len() as i64;
        // Only the first line of a multi-line location is shown, highlighted to its
        // end; carets never run past the text.
        let mut end_offset = if p.end_lineno > p.lineno {
            size
        } else {
            p.end_offset
        };
        if end_offset > size + 1 {
            end_offset = size + 1;
        }
        error_text(text, p.offset, end_offset, out);
    }
    let name = PyErr::from_value(value.clone()).type_name();
    let msg = strand_objects::abstract_::str_string(&p.msg);
    match msg {
        Ok(m) if m.is_empty() => out.push_str(&name),
        Ok(m) => out.push_str(&format!("{name}: {m}")),
        Err(_) => out.push_str(&format!("{name}: <exception str() failed>")),
    }
    out.push('\n');
}

/// What a `SyntaxError` report is made of (CPython's `parse_syntax_error`).
struct SyntaxErrorParts {
    msg: PyObj,
    filename: String,
    lineno: i64,
    /// 1-based column, -1 when unknown.
    offset: i64,
    end_lineno: i64,
    /// -1 when unknown.
    end_offset: i64,
    /// The source line, when it is a `str`.
    text: Option<String>,
}

impl SyntaxErrorParts {
    /// The parts of `value`; `None` when an attribute is missing or a number is not
    /// an int. Only an exact `SyntaxError` contributes its end position.
    fn of(value: &PyObj) -> Option<SyntaxErrorParts> {
        let get = |n: &str| strand_objects::abstract_::getattr_str(value, n).ok();
        let int = |v: &PyObj| {
            if strand_objects::int::is_int(v) {
                strand_objects::int::as_i64(v)
            } else {
                None
            }
        };
        // None stands for `default`; anything else must be an int.
        let number = |v: PyObj, default: i64| {
            if is_none(&v) {
                Some(default)
            } else {
                int(&v)
            }
        };
        let msg = get("msg")?;
        let filename = get("filename")?;
        let filename = if is_none(&filename) {
            "<string>".to_string()
        } else {
            strand_objects::abstract_::str_string(&filename).ok()?
        };
        let lineno = int(&get("lineno")?)?;
        let offset = number(get("offset")?, -1)?;
        let (end_lineno, end_offset) = if value.ty().to_obj().is(&exc::SYNTAX_ERROR_TYPE.to_obj()) {
            // Missing end attributes count as None.
            let none = strand_objects::singletons::none;
            (
                number(get("end_lineno").unwrap_or_else(none), lineno)?,
                number(get("end_offset").unwrap_or_else(none), -1)?,
            )
        } else {
            (lineno, -1)
        };
        let text = get("text")?;
        let text = strand_objects::str::is_str(&text)
            .then(|| strand_objects::str::as_str(&text).to_string());
        Some(SyntaxErrorParts {
            msg,
            filename,
            lineno,
            offset,
            end_lineno,
            end_offset,
            text,
        })
    }
}

/// The source line of a syntax error with its indentation removed, and the carets
/// under columns `offset..end_offset` (1-based; one caret when the end is unknown or
/// not after the start); no caret line when the column is left of the text. As in
/// CPython's `print_error_text`, columns count UTF-8 bytes of the text, and a text
/// of several lines shows the line the column falls in.
fn error_text(text: &str, offset: i64, end_offset: i64, out: &mut String) {
    let carets = if end_offset > 0 && end_offset > offset {
        (end_offset - offset) as usize
    } else {
        1
    };
    let mut text = text.as_bytes();
    let mut offset = offset - 1;
    while let [b' ' | b'\t' | b'\x0c', rest @ ..] = text {
        text = rest;
        offset -= 1;
    }
    let mut len = text.len() as i64;
    if text.last() == Some(&b'\n') {
        len -= 1;
    }
    offset = offset.min(len);
    while let Some(nl) = text.iter().position(|&b| b == b'\n') {
        if nl as i64 >= offset {
            break;
        }
        text = &text[nl + 1..];
        len -= nl as i64 + 1;
        offset -= nl as i64 + 1;
    }
    out.push_str("    ");
    out.push_str(&String::from_utf8_lossy(text));
    if text.get(len.max(0) as usize) != Some(&b'\n') {
        out.push('\n');
    }
    if offset < 0 {
        return;
    }
    out.push_str("    ");
    out.push_str(&" ".repeat(offset as usize));
    out.push_str(&"^".repeat(carets));
    out.push('\n');
}

/// `Traceback (most recent call last):` and the entries, outermost first.
fn format_entries(entries: &[TracebackEntry], out: &mut String) {
    if entries.is_empty() {
        return;
    }
    out.push_str("Traceback (most recent call last):\n");
    let skip = entries.len().saturating_sub(TRACEBACK_LIMIT);
    let mut last: Option<(&str, u32, &str)> = None;
    let mut count = 0usize;
    for e in &entries[skip..] {
        let key = (e.filename.as_str(), e.line, e.name.as_str());
        if last != Some(key) {
            repeated(count, out);
            last = Some(key);
            count = 0;
        }
        count += 1;
        if count <= RECURSIVE_CUTOFF {
            format_entry(e, out);
        }
    }
    repeated(count, out);
}

fn repeated(count: usize, out: &mut String) {
    if count > RECURSIVE_CUTOFF {
        let n = count - RECURSIVE_CUTOFF;
        let s = if n > 1 { "s" } else { "" };
        out.push_str(&format!("  [Previous line repeated {n} more time{s}]\n"));
    }
}

fn format_entry(e: &TracebackEntry, out: &mut String) {
    out.push_str(&format!(
        "  File \"{}\", line {}, in {}\n",
        e.filename, e.line, e.name
    ));
    let Some(text) = source_line(&e.filename, e.line) else {
        return;
    };
    let stripped = text.trim_start_matches([' ', '\t', '\x0c']);
    if stripped.trim().is_empty() {
        return;
    }
    out.push_str("    ");
    out.push_str(stripped.trim_end());
    out.push('\n');
    if let Some(loc) = e.location {
        let indent = text.chars().count() - stripped.chars().count();
        if let Some(markers) = markers(&text, indent, loc) {
            out.push_str("    ");
            out.push_str(&markers);
            out.push('\n');
        }
    }
}

/// Whitespace as CPython's traceback code counts it.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c' | '\n' | '\r')
}

/// The marker line under `line` (whose first `indent` characters are not printed) for
/// an instruction at `loc`, or `None` where CPython prints none: unknown columns,
/// or a span that covers the whole printed line with nothing to single out in it.
fn markers(line: &str, indent: usize, loc: Location) -> Option<String> {
    if loc.end_line < loc.line || (loc.line == loc.end_line && loc.end_col <= loc.col) {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let start = char_offset(line, loc.col as usize)?;
    let mut end;
    let mut anchors = None;
    if loc.line == loc.end_line {
        end = char_offset(line, loc.end_col as usize)?;
        let segment: String = chars.get(start..end)?.iter().collect();
        anchors = anchors_in(&segment).map(|(l, r, primary_tilde)| {
            let l = char_offset(&segment, l).unwrap_or(0) + start;
            let r = char_offset(&segment, r).unwrap_or(segment.len()) + start;
            (l, r, primary_tilde)
        });
    } else {
        // A span over several lines is marked to the end of its first line.
        end = chars
            .iter()
            .rposition(|c| !is_space(*c))
            .map_or(0, |i| i + 1);
    }
    end = end.min(chars.len());
    let printed_len = chars.len() - indent;
    if end.saturating_sub(start) == printed_len && anchors.is_none() {
        return None;
    }
    let (primary, secondary) = match anchors {
        Some((_, _, true)) => ('~', '^'),
        _ => ('^', '^'),
    };
    let mut s = String::new();
    for k in indent..end {
        s.push(if k < start {
            ' '
        } else if anchors.is_some_and(|(l, r, _)| l <= k && k < r) {
            secondary
        } else {
            primary
        });
    }
    Some(s)
}

/// The character offset of byte offset `byte` in `s` (`None` past its end or inside a
/// character).
fn char_offset(s: &str, byte: usize) -> Option<usize> {
    if byte > s.len() || !s.is_char_boundary(byte) {
        return None;
    }
    Some(s[..byte].chars().count())
}

/// The part of an expression's text that CPython singles out: for `a + b`, the
/// operator; for `a[i]`, the brackets and what they hold. Returns byte offsets
/// `(left, right)` into `segment` and whether the rest is marked with `~`.
fn anchors_in(segment: &str) -> Option<(usize, usize, bool)> {
    let parsed = ruff_python_parser::parse_module(segment).ok()?;
    let [Stmt::Expr(stmt)] = parsed.syntax().body.as_slice() else {
        return None;
    };
    let bytes = segment.as_bytes();
    let ws = |i: usize| bytes.get(i).is_some_and(|b| is_space(char::from(*b)));
    match &*stmt.value {
        Expr::BinOp(b) => {
            let (from, to) = (b.left.end().to_usize(), b.right.start().to_usize());
            let mut found = None;
            for (i, &b) in bytes.iter().enumerate().take(to).skip(from) {
                if ws(i) {
                    continue;
                }
                let mut right = i + 1;
                if i + 1 < to && !ws(i + 1) {
                    right += 1;
                }
                // A closing parenthesis of the left operand is not the operator.
                if i + 1 < to && b == b')' {
                    found = Some((i, right, false));
                    continue;
                }
                return Some((i, right, true));
            }
            found
        }
        Expr::Subscript(s) => {
            let len = bytes.len();
            let mut left = s.value.end().to_usize();
            let mut right = s.slice.end().to_usize() + 1;
            while left < len && bytes[left] != b'[' {
                left += 1;
            }
            while right < len && bytes[right] != b']' {
                right += 1;
            }
            if right < len {
                right += 1;
            }
            Some((left, right.min(len), true))
        }
        _ => None,
    }
}

/// One traceback entry: where an exception passed through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracebackEntry {
    /// `co_filename`.
    pub filename: String,
    /// Line of the instruction.
    pub line: u32,
    /// `co_name`.
    pub name: String,
    /// The failing instruction's source span, where it has one.
    pub location: Option<Location>,
}

/// The traceback of an exception, outermost frame first.
pub fn traceback_of(exc_value: &PyObj) -> Vec<TracebackEntry> {
    let tb = exc::payload(exc_value).state().traceback.clone();
    let Some(tb) = tb.filter(strand_objects::traceback::is_traceback) else {
        return Vec::new();
    };
    strand_objects::traceback::entries(&tb, usize::MAX)
        .iter()
        .map(|t| {
            let frame = strand_objects::traceback::frame(t);
            let code = crate::frame_object::code(frame);
            let c = strand_objects::function::code(&code);
            let line = strand_objects::traceback::lineno(t).max(0) as u32;
            let pc = (strand_objects::traceback::lasti(t).max(0) / 2) as usize;
            let location = crate::code::code_data(&code)
                .code
                .lines
                .location_of(pc)
                .filter(|l| l.line == line);
            TracebackEntry {
                filename: pystr::as_str(c.filename()).to_string(),
                line,
                name: pystr::as_str(&c.name).to_string(),
                location,
            }
        })
        .collect()
}

/// Records that `e` passes through `frame` at instruction `pc` (CPython's
/// `PyTraceBack_Here`): a traceback entry for the frame goes in front of the
/// exception's traceback, and a freshly raised exception (no traceback yet) is
/// chained to the exception being handled (`__context__`).
pub(crate) fn add_entry(frame: &Frame, e: &PyErr, pc: usize) {
    let v = e.value();
    let payload = exc::payload(v);
    let tb = payload.state().traceback.clone();
    if tb.is_none() {
        let current = crate::exc_info::current_exception();
        if let Some(cur) = current {
            let mut st = payload.state();
            if st.context.is_none() && !cur.is(v) {
                st.context = Some(cur);
            }
        }
    }
    let frame_obj = crate::frame_object::of(frame);
    let line = crate::frame_object::line_at(&frame.code(), pc);
    let lasti = i32::try_from(pc * 2).unwrap_or(i32::MAX);
    let entry = strand_objects::traceback::new(tb, frame_obj, lasti, line as i32);
    let old = payload.state().traceback.replace(entry);
    drop(old);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, col: u32, end_col: u32) -> Location {
        Location {
            line,
            end_line: line,
            col,
            end_col,
        }
    }

    #[test]
    fn binary_operator_is_singled_out() {
        let line = "    return a + b";
        assert_eq!(
            markers(line, 4, at(1, 11, 16)).as_deref(),
            Some("       ~~^~~")
        );
        let line = "y = x[0] // 0";
        assert_eq!(
            markers(line, 0, at(1, 4, 13)).as_deref(),
            Some("    ~~~~~^^~~")
        );
    }

    #[test]
    fn subscript_marks_brackets() {
        let line = "    return (x)  [  1 ]";
        assert_eq!(
            markers(line, 4, at(1, 11, 22)).as_deref(),
            Some("       ~~~~~^^^^^^")
        );
    }

    #[test]
    fn whole_line_spans_print_no_markers() {
        assert_eq!(markers("    f()", 4, at(1, 4, 7)), None);
        assert_eq!(
            markers("x = f(1)", 0, at(1, 4, 8)).as_deref(),
            Some("    ^^^^")
        );
    }

    #[test]
    fn multi_line_span_marks_to_end_of_first_line() {
        let loc = Location {
            line: 1,
            end_line: 2,
            col: 5,
            end_col: 10,
        };
        assert_eq!(markers("x = (1 +  ", 0, loc).as_deref(), Some("     ^^^"));
    }

    #[test]
    fn columns_are_utf8_bytes() {
        // "é" is two bytes: the span of `x[9]` starts at byte 10, character 9.
        let line = "s = 'é'; x[9]";
        assert_eq!(
            markers(line, 0, at(1, 10, 14)).as_deref(),
            Some("         ~^^^")
        );
    }
}
