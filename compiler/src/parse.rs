//! The front end: ruff's parser, held to Python 3.11. Syntax that later versions
//! accept (PEP 701 f-strings, type parameters, unparenthesized `except` tuples, ...)
//! is rejected with CPython 3.11's message and position.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::error::ErrorKind;

/// Why [`parse_module_311`] failed.
pub(crate) enum ParseFailure {
    /// A syntax error of every Python version.
    Parse(ruff_python_parser::ParseError),
    /// Syntax that Python versions after 3.11 accept: CPython 3.11's message.
    Newer(&'static str, TextRange),
    /// An error CPython's tokenizer or compiler reports that ruff's parser does not
    /// (nesting too deep, tabs and spaces mixed): the error as it is.
    Other(ErrorKind, String, TextRange),
}

/// CPython's tokenizer limit on open brackets (`MAXLEVEL`).
const MAX_PAREN_LEVEL: usize = 200;
/// CPython's tokenizer limit on indentation levels (`MAXINDENT`).
const MAX_INDENT: usize = 100;

/// A line's indentation measured twice, as CPython's tokenizer does: tabs to the next
/// multiple of 8 columns, and tabs as 1 column.
fn indent_widths(line: &str) -> (usize, usize) {
    let (mut col, mut alt) = (0, 0);
    for c in line.chars() {
        match c {
            ' ' => {
                col += 1;
                alt += 1;
            }
            '\t' => {
                col = (col / 8 + 1) * 8;
                alt += 1;
            }
            '\x0c' => {
                col = 0;
                alt = 0;
            }
            _ => break,
        }
    }
    (col, alt)
}

/// The `SyntaxWarning`s CPython's tokenizer gives for number literals run into a
/// keyword (`1if x else y`, `0x1for`): "invalid decimal literal" and the like, with
/// the offset of the literal.
pub(crate) fn number_warnings(
    source: &str,
    tokens: &[ruff_python_ast::token::Token],
) -> Vec<(String, TextSize)> {
    use ruff_python_ast::token::TokenKind as K;
    let src = source.as_bytes();
    let mut out = Vec::new();
    for t in tokens {
        if !matches!(t.kind(), K::Int | K::Float | K::Complex) {
            continue;
        }
        let end = t.end().to_usize();
        let Some(&c) = src.get(end) else { continue };
        if !(c.is_ascii_alphabetic()) {
            continue;
        }
        let text = &source[t.range()];
        let lower = text.to_ascii_lowercase();
        let kind = if lower.ends_with('j') {
            "imaginary"
        } else if lower.starts_with("0x") {
            "hexadecimal"
        } else if lower.starts_with("0o") {
            "octal"
        } else if lower.starts_with("0b") {
            "binary"
        } else {
            "decimal"
        };
        out.push((format!("invalid {kind} literal"), t.start()));
    }
    out
}

/// A malformed number literal as CPython's tokenizer finds it: its message and where
/// CPython reports it (the `offset` and `end_offset` it gives, as 0-based byte offsets
/// of the characters they name).
struct NumberError {
    message: String,
    at: usize,
    end: usize,
}

/// CPython's tokenizer on the number literal starting at `start` (Parser/tokenizer.c:
/// digits with single underscores between them, `0x`/`0o`/`0b` prefixes, no leading
/// zeros, fraction, exponent, imaginary suffix, and no identifier character right
/// after the literal unless a keyword that may follow a number starts there).
fn number_error(src: &[u8], start: usize) -> Option<NumberError> {
    let at = |i: usize| src.get(i).copied().unwrap_or(0);
    // An error at the cursor `cur` (after backing up): CPython's offset names the
    // character before it.
    let err = |msg: String, cur: usize| {
        Some(NumberError {
            message: msg,
            at: cur.saturating_sub(1),
            end: cur.saturating_sub(1),
        })
    };
    let ident = |c: u8| c >= 128 || c.is_ascii_alphanumeric() || c == b'_';
    // verify_end_of_number: `c` at `i` follows the literal.
    let end_ok = |i: usize, kind: &str| -> Option<NumberError> {
        let c = at(i);
        let rest = &src[i.min(src.len())..];
        let keyword = [
            &b"and"[..],
            b"else",
            b"for",
            b"if",
            b"in",
            b"is",
            b"or",
            b"not",
        ]
        .iter()
        .any(|k| rest.starts_with(k));
        if !keyword && ident(c) {
            return err(format!("invalid {kind} literal"), i);
        }
        None
    };
    // tok_decimal_tail from `i` (a digit there): the index after the digits, or the
    // error.
    let decimal_tail = |mut i: usize| -> Result<usize, Option<NumberError>> {
        loop {
            while at(i).is_ascii_digit() {
                i += 1;
            }
            if at(i) != b'_' {
                return Ok(i);
            }
            i += 1;
            if !at(i).is_ascii_digit() {
                return Err(err("invalid decimal literal".into(), i));
            }
        }
    };
    let mut i = start;
    let first = at(i);
    if first == b'0' && matches!(at(i + 1) | 0x20, b'x' | b'o' | b'b') {
        let (kind, radix) = match at(i + 1) | 0x20 {
            b'x' => ("hexadecimal", 16),
            b'o' => ("octal", 8),
            _ => ("binary", 2),
        };
        i += 2;
        loop {
            if at(i) == b'_' {
                i += 1;
            }
            let c = at(i);
            if !(c as char).is_digit(radix) {
                if radix != 16 && c.is_ascii_digit() {
                    return err(
                        format!("invalid digit '{}' in {kind} literal", c as char),
                        i + 1,
                    );
                }
                return err(format!("invalid {kind} literal"), i);
            }
            while (at(i) as char).is_digit(radix) {
                i += 1;
            }
            if at(i) != b'_' {
                break;
            }
        }
        if radix != 16 && at(i).is_ascii_digit() {
            return err(
                format!("invalid digit '{}' in {kind} literal", at(i) as char),
                i + 1,
            );
        }
        return end_ok(i, kind);
    }
    let fraction = |i: usize| -> Result<usize, Option<NumberError>> {
        // After the '.'.
        if at(i).is_ascii_digit() {
            decimal_tail(i)
        } else {
            Ok(i)
        }
    };
    // Exponent and imaginary parts from `i` (after the digits and fraction).
    let tail = |mut i: usize| -> Option<NumberError> {
        if matches!(at(i), b'e' | b'E') {
            let e = i;
            i += 1;
            if matches!(at(i), b'+' | b'-') {
                i += 1;
                if !at(i).is_ascii_digit() {
                    return err("invalid decimal literal".into(), i);
                }
            } else if !at(i).is_ascii_digit() {
                // `1e` then a name: the literal is `1` if the name may follow it.
                return end_ok(e, "decimal");
            }
            i = match decimal_tail(i) {
                Ok(i) => i,
                Err(e) => return e,
            };
        }
        if matches!(at(i), b'j' | b'J') {
            return end_ok(i + 1, "imaginary");
        }
        end_ok(i, "decimal")
    };
    if first == b'.' {
        return match fraction(i + 1) {
            Ok(i) => tail(i),
            Err(e) => e,
        };
    }
    if first == b'0' {
        // Zeros (with underscores), then maybe digits: only a float or an imaginary
        // number may have leading zeros.
        i += 1;
        loop {
            if at(i) == b'_' {
                i += 1;
                if !at(i).is_ascii_digit() {
                    return err("invalid decimal literal".into(), i);
                }
            }
            if at(i) != b'0' {
                break;
            }
            i += 1;
        }
        let mut nonzero = false;
        if at(i).is_ascii_digit() {
            nonzero = true;
            i = match decimal_tail(i) {
                Ok(i) => i,
                Err(e) => return e,
            };
        }
        let zeros_end = i;
        return match at(i) {
            b'.' => match fraction(i + 1) {
                Ok(i) => tail(i),
                Err(e) => e,
            },
            b'e' | b'E' | b'j' | b'J' => tail(i),
            _ if nonzero => Some(NumberError {
                message: "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers".into(),
                at: start,
                end: zeros_end.saturating_sub(1),
            }),
            _ => end_ok(i, "decimal"),
        };
    }
    i = match decimal_tail(i) {
        Ok(i) => i,
        Err(e) => return e,
    };
    if at(i) == b'.' {
        i = match fraction(i + 1) {
            Ok(i) => i,
            Err(e) => return e,
        };
    }
    tail(i)
}

/// The first bad escape in a string or bytes literal token, as CPython's decoder
/// reports it: `(unicode error) 'unicodeescape' codec can't decode bytes in position
/// S-E: reason` (positions in the literal's body), `(value error) invalid \x escape
/// at position S` for bytes. Raw literals have no escapes.
fn escape_error(token: &str) -> Option<String> {
    let prefix_len = token.find(['\'', '"'])?;
    let prefix = token[..prefix_len].to_ascii_lowercase();
    if prefix.contains('r') || prefix.contains('f') {
        return None;
    }
    let bytes_mode = prefix.contains('b');
    let rest = &token[prefix_len..];
    let quote = if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        3
    } else {
        1
    };
    let body = rest.get(quote..rest.len().checked_sub(quote)?)?.as_bytes();
    let unicode = |s: usize, e: usize, reason: &str| {
        Some(format!(
            "(unicode error) 'unicodeescape' codec can't decode bytes in position {s}-{e}: {reason}"
        ))
    };
    let hex_run = |from: usize, max: usize| {
        body[from.min(body.len())..]
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_hexdigit())
            .count()
    };
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            i += 1;
            continue;
        }
        let s = i;
        let c = body.get(i + 1).copied().unwrap_or(0);
        i += 2;
        match c {
            b'x' => {
                let n = hex_run(i, 2);
                if n < 2 {
                    return if bytes_mode {
                        Some(format!("(value error) invalid \\x escape at position {s}"))
                    } else {
                        unicode(s, s + 1 + n, "truncated \\xXX escape")
                    };
                }
                i += 2;
            }
            b'u' | b'U' if !bytes_mode => {
                let want = if c == b'u' { 4 } else { 8 };
                let n = hex_run(i, want);
                if n < want {
                    let reason = if c == b'u' {
                        "truncated \\uXXXX escape"
                    } else {
                        "truncated \\UXXXXXXXX escape"
                    };
                    return unicode(s, s + 1 + n, reason);
                }
                let digits = std::str::from_utf8(&body[i..i + want]).ok()?;
                if u32::from_str_radix(digits, 16).ok()? > 0x10ffff {
                    return unicode(s, s + 1 + want, "illegal Unicode character");
                }
                i += want;
            }
            b'N' if !bytes_mode => {
                if body.get(i) != Some(&b'{') {
                    return unicode(s, s + 1, "malformed \\N character escape");
                }
                let Some(close) = body[i..].iter().position(|&b| b == b'}') else {
                    return unicode(s, body.len() - 1, "malformed \\N character escape");
                };
                let name = std::str::from_utf8(&body[i + 1..i + close]).ok()?;
                if close == 1 {
                    return unicode(s, i, "malformed \\N character escape");
                }
                if unicode_names2::character(name).is_none() {
                    return unicode(s, i + close, "unknown Unicode character name");
                }
                i += close + 1;
            }
            _ => {}
        }
    }
    None
}

/// The value of a (non-raw, non-bytes) string literal token, escapes decoded, with
/// lone surrogates kept as their stand-in characters
/// (`strand_literal::str::surrogate_char`); `None` for raw literals and for tokens
/// it cannot decode (whose errors the parser reports).
pub(crate) fn decode_str_token(token: &str) -> Option<String> {
    let prefix_len = token.find(['\'', '"'])?;
    let prefix = token[..prefix_len].to_ascii_lowercase();
    if prefix.contains('r') || prefix.contains('b') || prefix.contains('f') {
        return None;
    }
    let rest = &token[prefix_len..];
    let quote = if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        3
    } else {
        1
    };
    decode_escapes(rest.get(quote..rest.len().checked_sub(quote)?)?)
}

/// The text of a (non-raw) string literal's body with its escapes decoded, lone
/// surrogates kept as their stand-in characters; `None` if it cannot be decoded.
pub(crate) fn decode_escapes(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            v = v * 16 + chars.next()?.to_digit(16)?;
        }
        Some(v)
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let ch = match e {
            '\n' => continue,
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                continue;
            }
            '\\' | '\'' | '"' => e,
            'a' => '\x07',
            'b' => '\x08',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            '0'..='7' => {
                let mut v = e.to_digit(8)?;
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                char::from_u32(v)?
            }
            'x' => char::from_u32(hex(&mut chars, 2)?)?,
            'u' | 'U' => {
                let v = hex(&mut chars, if e == 'u' { 4 } else { 8 })?;
                char::from_u32(v).or_else(|| strand_literal::str::surrogate_char(v))?
            }
            'N' => {
                if chars.next()? != '{' {
                    return None;
                }
                let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                unicode_names2::character(&name)?
            }
            other => {
                out.push('\\');
                other
            }
        };
        out.push(ch);
    }
    Some(out)
}

/// The first error CPython's tokenizer reports that ruff's lexer does not: more than
/// 200 open brackets, 100 indentation levels, or indentation that compares with an
/// enclosing level one way with tabs as 8 columns and another with tabs as 1
/// (`TabError`; ruff's lexer accepts some such lines).
fn tokenizer_error(
    source: &str,
    tokens: &[ruff_python_ast::token::Token],
) -> Option<(ErrorKind, String, TextRange, TextSize)> {
    use ruff_python_ast::token::TokenKind as K;
    let (mut parens, mut indent) = (0usize, 0usize);
    let mut levels: Vec<(usize, usize)> = vec![(0, 0)];
    let mut line_start = true;
    for (index, t) in tokens.iter().enumerate() {
        let kind = t.kind();
        let first = source
            .as_bytes()
            .get(t.start().to_usize())
            .copied()
            .unwrap_or(0);
        let number = matches!(kind, K::Int | K::Float | K::Complex)
            || (kind == K::Unknown && first.is_ascii_digit());
        if number {
            if let Some(e) = number_error(source.as_bytes(), t.start().to_usize()) {
                let pos = |i: usize| TextSize::try_from(i).unwrap_or_default();
                return Some((
                    ErrorKind::Syntax,
                    e.message,
                    TextRange::new(pos(e.at), pos(e.end)),
                    t.start(),
                ));
            }
        }
        if kind == K::String {
            if let Some(message) = escape_error(&source[t.range()]) {
                // CPython's parser reports it once it has read the next token, there.
                let next = tokens[index + 1..]
                    .iter()
                    .find(|n| !n.kind().is_trivia())
                    .map_or(TextRange::empty(t.end()), |n| match n.kind() {
                        K::Newline | K::EndOfFile => TextRange::empty(n.start()),
                        _ => n.range(),
                    });
                return Some((ErrorKind::Syntax, message, next, t.start()));
            }
        }
        if line_start
            && !matches!(
                kind,
                K::Indent | K::Dedent | K::Comment | K::NonLogicalNewline
            )
        {
            line_start = false;
            let begin = source[..t.start().to_usize()]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let (col, alt) = indent_widths(&source[begin..]);
            let at = TextRange::empty(TextSize::try_from(begin).unwrap_or_default());
            let tab = (
                ErrorKind::Tab,
                "inconsistent use of tabs and spaces in indentation".to_string(),
                at,
                at.start(),
            );
            while levels.len() > 1 && levels.last().is_some_and(|&(c, _)| col < c) {
                levels.pop();
            }
            let &(top_col, top_alt) = levels.last().unwrap_or(&(0, 0));
            if col == top_col {
                if alt != top_alt {
                    return Some(tab);
                }
            } else if col > top_col {
                if alt <= top_alt {
                    return Some(tab);
                }
                levels.push((col, alt));
            }
        }
        match kind {
            K::Newline => line_start = true,
            K::Lpar | K::Lsqb | K::Lbrace => {
                parens += 1;
                if parens > MAX_PAREN_LEVEL {
                    return Some((
                        ErrorKind::Syntax,
                        "too many nested parentheses".to_string(),
                        TextRange::empty(t.start()),
                        t.start(),
                    ));
                }
            }
            K::Rpar | K::Rsqb | K::Rbrace => parens = parens.saturating_sub(1),
            K::Indent => {
                indent += 1;
                if indent >= MAX_INDENT {
                    return Some((
                        ErrorKind::Indentation,
                        "too many levels of indentation".to_string(),
                        TextRange::empty(t.start()),
                        t.start(),
                    ));
                }
            }
            K::Dedent => indent = indent.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// What an AST depth check walks: a module's statements or one expression.
#[derive(Clone, Copy)]
pub(crate) enum Tree<'a> {
    /// A module body.
    Body(&'a [ast::Stmt]),
    /// An expression (`eval` mode).
    Expr(&'a Expr),
}

impl<'a> Tree<'a> {
    /// The tree of a parse result.
    pub(crate) fn of(m: &'a ast::Mod) -> Tree<'a> {
        match m {
            ast::Mod::Module(m) => Tree::Body(&m.body),
            ast::Mod::Expression(e) => Tree::Expr(&e.body),
        }
    }
}

/// Whether an AST nests deeper than `limit` expressions, statements and patterns.
/// The walk stops at the limit, so its own recursion is bounded.
pub(crate) fn nests_deeper_than(tree: Tree<'_>, limit: usize) -> bool {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Depth {
        depth: usize,
        limit: usize,
        exceeded: bool,
    }
    impl Depth {
        fn enter(&mut self) -> bool {
            self.depth += 1;
            if self.depth > self.limit {
                self.exceeded = true;
            }
            !self.exceeded
        }
    }
    impl<'a> Visitor<'a> for Depth {
        fn visit_stmt(&mut self, s: &'a ast::Stmt) {
            if self.enter() {
                stacker::maybe_grow(64 << 10, 1 << 20, || visitor::walk_stmt(self, s));
            }
            self.depth -= 1;
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            if self.enter() {
                stacker::maybe_grow(64 << 10, 1 << 20, || visitor::walk_expr(self, e));
            }
            self.depth -= 1;
        }
        fn visit_pattern(&mut self, p: &'a ast::Pattern) {
            if self.enter() {
                stacker::maybe_grow(64 << 10, 1 << 20, || visitor::walk_pattern(self, p));
            }
            self.depth -= 1;
        }
    }
    let mut d = Depth {
        depth: 0,
        limit,
        exceeded: false,
    };
    match tree {
        Tree::Body(body) => {
            for s in body {
                d.visit_stmt(s);
                if d.exceeded {
                    break;
                }
            }
        }
        Tree::Expr(e) => d.visit_expr(e),
    }
    d.exceeded
}

/// Parses `source` as Python 3.11 (the language `python3` is here): syntax added
/// after 3.11 (PEP 701 f-strings, type parameters, ...) is a `SyntaxError` with
/// CPython 3.11's message.
pub(crate) fn parse_module_311(
    source: &str,
) -> Result<ruff_python_parser::Parsed<ast::ModModule>, ParseFailure> {
    let parsed = parse_311(source, ruff_python_parser::Mode::Module)?;
    Ok(parsed
        .try_into_module()
        .expect("a module parse gives a module"))
}

/// [`parse_module_311`] for one expression (`eval` mode): an [`ast::Mod::Expression`].
pub(crate) fn parse_expression_311(
    source: &str,
) -> Result<ruff_python_parser::Parsed<ast::Mod>, ParseFailure> {
    parse_311(source, ruff_python_parser::Mode::Expression)
}

/// Parses `source` as Python 3.11 in ruff's `mode` (see [`parse_module_311`]).
pub(crate) fn parse_311(
    source: &str,
    mode: ruff_python_parser::Mode,
) -> Result<ruff_python_parser::Parsed<ast::Mod>, ParseFailure> {
    use ruff_python_parser::{ParseOptions, UnsupportedSyntaxErrorKind as Kind};
    let options = ParseOptions::from(mode).with_target_version(ast::PythonVersion::PY311);
    let parsed = ruff_python_parser::parse_unchecked(source, options);
    let nesting = tokenizer_error(source, parsed.tokens());
    let first_error = parsed.errors().first().cloned();
    let failure = match (nesting, first_error) {
        (Some((kind, message, at, order)), e)
            if e.as_ref().is_none_or(|e| e.location.start() >= order) =>
        {
            Some(ParseFailure::Other(kind, message, at))
        }
        (_, Some(e)) => Some(ParseFailure::Parse(e)),
        _ => None,
    };
    if let Some(f) = failure {
        // Dropping walks the tree recursively, which could overflow the stack on a
        // tree deeper than the compiler accepts: such a tree (only ever from source
        // that fails to compile) is leaked instead.
        if nests_deeper_than(Tree::of(parsed.syntax()), crate::codegen::max_nesting()) {
            std::mem::forget(parsed);
        }
        return Err(f);
    }
    if let Some(e) = parsed.unsupported_syntax_errors().first() {
        // The parser's kinds for f-strings and comprehensions are private types; its
        // description tells them apart.
        let described = e.to_string();
        let message = match e.kind {
            Kind::Pep701FString(_) if described.contains("backslash") => {
                "f-string expression part cannot include a backslash"
            }
            Kind::Pep701FString(_) if described.contains("comments") => {
                "f-string expression part cannot include '#'"
            }
            Kind::Pep701FString(_) => "f-string: expecting '}'",
            Kind::UnparenthesizedExceptionTypes => "multiple exception types must be parenthesized",
            Kind::UnpackingInComprehension(_) if described.contains("dictionary") => {
                "dict unpacking cannot be used in dict comprehension"
            }
            Kind::UnpackingInComprehension(_) => {
                "iterable unpacking cannot be used in comprehension"
            }
            _ => "invalid syntax",
        };
        let at = if matches!(e.kind, Kind::Pep701FString(_)) {
            fstring_error_range(&parsed, e.range)
        } else {
            e.range
        };
        return Err(ParseFailure::Newer(message, at));
    }
    Ok(parsed)
}

/// Where CPython 3.11 reports an error inside an f-string: at the token after the
/// whole string literal (its parser sees the string only once it is complete), the
/// f-string's implicit concatenations included.
fn fstring_error_range(parsed: &ruff_python_parser::Parsed<ast::Mod>, at: TextRange) -> TextRange {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Outermost {
        at: TextSize,
        found: Option<TextRange>,
    }
    impl<'a> Visitor<'a> for Outermost {
        fn visit_expr(&mut self, e: &'a Expr) {
            if let Expr::FString(f) = e {
                if f.range.contains(self.at) && self.found.is_none_or(|r| f.range.len() > r.len()) {
                    self.found = Some(f.range);
                }
            }
            visitor::walk_expr(self, e);
        }
    }
    let ast::Mod::Module(module) = parsed.syntax() else {
        return at;
    };
    let mut v = Outermost {
        at: at.start(),
        found: None,
    };
    v.visit_body(&module.body);
    let Some(string) = v.found else {
        return at;
    };
    parsed
        .tokens()
        .iter()
        .find(|t| t.start() >= string.end() && !t.kind().is_trivia())
        .map_or(at, |t| t.range())
}
