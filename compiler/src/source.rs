//! Source bytes to text, as CPython's tokenizer decodes them (PEP 263): a UTF-8 byte
//! order mark, a `coding` declaration in a comment on the first line (or the second,
//! when the first holds no code), UTF-8 otherwise. This module decodes UTF-8,
//! Latin-1 and ASCII; a source that declares another encoding
//! ([`foreign_encoding`]) is for the interpreter to decode through the codec
//! registry ([`decode`] reports it as CPython reports an unknown encoding).
//!
//! Errors are `SyntaxError`s with CPython 3.11's messages. Those CPython reports with
//! no position (an unknown encoding, a file that is not UTF-8) have line 0.

use crate::error::{CompileError, ErrorKind};

/// What the source was read from: CPython words some messages differently for files
/// and for `bytes` given to `compile()`/`exec()`/`eval()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A file (the script, a module), by name.
    File(&'a str),
    /// A `bytes` object passed to `compile()`, `exec()` or `eval()`.
    Bytes,
}

/// The encodings strand decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Latin1,
    Ascii,
}

/// Decodes source bytes to text by PEP 263.
///
/// # Errors
/// CPython's `SyntaxError` for an unknown or unusable encoding, or bytes that are not
/// valid in the encoding.
pub fn decode(bytes: &[u8], origin: Origin<'_>) -> Result<String, CompileError> {
    let (bom, body) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let declared = declared_encoding(body);
    let encoding = match &declared {
        None => Encoding::Utf8,
        Some(name) => match normal_name(name) {
            Some(e) => e,
            None => {
                let message = match origin {
                    Origin::File(_) => format!("encoding problem: {name}"),
                    Origin::Bytes => format!("unknown encoding: {name}"),
                };
                return Err(CompileError::unplaced(ErrorKind::Syntax, message));
            }
        },
    };
    // CPython accepts a BOM only with "utf-8" itself (or "utf-8-..."), `utf8` not.
    let utf8_name = declared.as_deref().is_none_or(|name| {
        let n = name.to_ascii_lowercase().replace('_', "-");
        n == "utf-8" || n.starts_with("utf-8-")
    });
    if bom && !utf8_name {
        let name = declared.as_deref().unwrap_or_default();
        let shown = if encoding == Encoding::Latin1 {
            "iso-8859-1"
        } else {
            name
        };
        return Err(CompileError::unplaced(
            ErrorKind::Syntax,
            format!("encoding problem: {shown} with BOM"),
        ));
    }
    match encoding {
        Encoding::Latin1 => Ok(body.iter().map(|&b| char::from(b)).collect()),
        Encoding::Ascii => match body.iter().position(|b| !b.is_ascii()) {
            None => Ok(body.iter().map(|&b| char::from(b)).collect()),
            Some(at) => Err(CompileError::unplaced(
                ErrorKind::Syntax,
                match origin {
                    Origin::File(_) => "encoding problem: ascii".to_string(),
                    Origin::Bytes => format!(
                        "'ascii' codec can't decode byte {:#04x} in position {at}: ordinal not in range(128)",
                        body[at]
                    ),
                },
            )),
        },
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(text) => Ok(text.to_string()),
            Err(e) => Err(not_utf8(body, &e, declared.is_some(), origin)),
        },
    }
}

/// The encoding a `coding` declaration names when it is one [`decode`] does not
/// decode itself (anything but UTF-8, Latin-1 and ASCII), and whether a UTF-8 byte
/// order mark precedes the source: the caller decodes such a source through the
/// codec registry (CPython's tokenizer decodes through the codec the declaration
/// names). `None` for a source [`decode`] handles.
pub fn foreign_encoding(bytes: &[u8]) -> Option<(String, bool)> {
    let (bom, body) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    declared_encoding(body)
        .filter(|name| normal_name(name).is_none())
        .map(|name| (name, bom))
}

/// The error for bytes that are not UTF-8: CPython names the file and line when no
/// encoding was declared, and reports the codec's error otherwise.
fn not_utf8(
    body: &[u8],
    e: &std::str::Utf8Error,
    declared: bool,
    origin: Origin<'_>,
) -> CompileError {
    let at = e.valid_up_to();
    let byte = body[at];
    let line = body[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    if let (Origin::File(name), false) = (origin, declared) {
        return CompileError::unplaced(
            ErrorKind::Syntax,
            format!(
                "Non-UTF-8 code starting with '\\x{byte:02x}' in file {name} on line {line}, but no encoding declared; see https://peps.python.org/pep-0263/ for details"
            ),
        );
    }
    let line_start = body[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let reason = match e.error_len() {
        None => "unexpected end of data",
        Some(_) if (0x80..0xc2).contains(&byte) || byte >= 0xf5 => "invalid start byte",
        Some(_) => "invalid continuation byte",
    };
    let mut err = CompileError::unplaced(
        ErrorKind::Syntax,
        format!(
            "(unicode error) 'utf-8' codec can't decode byte {byte:#04x} in position {}: {reason}",
            at - line_start
        ),
    );
    err.line = line as u32;
    err
}

/// The encoding a `coding` comment declares on line 1, or on line 2 when line 1 is
/// blank or a comment (CPython's `check_coding_spec`).
fn declared_encoding(body: &[u8]) -> Option<String> {
    let mut lines = body.split(|&b| b == b'\n');
    let first = lines.next()?;
    if let Some(name) = coding_spec(first) {
        return Some(name);
    }
    let code = first
        .iter()
        .take_while(|&&b| b != b'#' && b != b'\r')
        .any(|&b| !matches!(b, b' ' | b'\t' | b'\x0c'));
    if code {
        return None;
    }
    coding_spec(lines.next()?)
}

/// `coding[:=] name` in a comment line (`# -*- coding: latin-1 -*-`,
/// `# vim: set fileencoding=utf-8 :`).
fn coding_spec(line: &[u8]) -> Option<String> {
    let rest = line
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\x0c'))
        .map(|i| &line[i..])?;
    if rest.first() != Some(&b'#') {
        return None;
    }
    let text = String::from_utf8_lossy(rest);
    let mut from = 0;
    while let Some(i) = text[from..].find("coding") {
        let after = &text[from + i + "coding".len()..];
        if let Some(value) = after.strip_prefix([':', '=']) {
            let value = value.trim_start_matches([' ', '\t']);
            let name: String = value
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                return Some(name);
            }
        }
        from += i + "coding".len();
    }
    None
}

/// The encoding a declared name means (Python's codec aliases, lowercased, `_` and
/// `-` alike), or `None` for encodings strand does not decode.
fn normal_name(name: &str) -> Option<Encoding> {
    let n = name.to_ascii_lowercase().replace('_', "-");
    match n.as_str() {
        "utf-8" | "utf8" | "u8" | "utf" | "cp65001" => Some(Encoding::Utf8),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "8859" | "cp819" | "latin" | "l1"
        | "iso-latin-1" | "iso-ir-100" | "csisolatin1" => Some(Encoding::Latin1),
        "ascii" | "us-ascii" | "646" | "us" | "ansi-x3.4-1968" | "cp367" | "csascii" | "ibm367"
        | "iso646-us" | "iso-ir-6" => Some(Encoding::Ascii),
        // CPython's `get_normal_name`: "utf-8-..." and "latin-1-..." variants.
        _ if n.starts_with("utf-8-") => Some(Encoding::Utf8),
        _ if n.starts_with("latin-1-") || n.starts_with("iso-8859-1-") => Some(Encoding::Latin1),
        _ => None,
    }
}

/// CPython's error for a NUL character in a source file: at its line, whose text
/// ends there.
///
/// # Errors
/// The `SyntaxError` if `text` holds a NUL.
pub fn check_no_nul(text: &str) -> Result<(), CompileError> {
    let Some(at) = text.find('\0') else {
        return Ok(());
    };
    let mut e = CompileError::unplaced(ErrorKind::Syntax, "source code cannot contain null bytes");
    e.line = text[..at].matches('\n').count() as u32 + 1;
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_are_found_where_pep_263_puts_them() {
        assert_eq!(
            declared_encoding(b"# -*- coding: latin-1 -*-\nx"),
            Some("latin-1".into())
        );
        assert_eq!(
            declared_encoding(b"#!/usr/bin/env python\n# vim: set fileencoding=utf8 :\n"),
            Some("utf8".into())
        );
        assert_eq!(declared_encoding(b"x = 1\n# coding: latin-1\n"), None);
        assert_eq!(declared_encoding(b"x = 1 # coding: latin-1\n"), None);
    }

    #[test]
    fn latin_1_decodes_every_byte() {
        let text = decode(b"# coding: latin-1\nx = '\xe9'\n", Origin::Bytes).expect("decodes");
        assert!(text.contains('\u{e9}'));
    }

    #[test]
    fn undeclared_non_utf8_names_the_file_and_line() {
        let e = decode(b"x = 1\ny = '\xe9'\n", Origin::File("p.py")).expect_err("not utf-8");
        assert!(e
            .message
            .starts_with("Non-UTF-8 code starting with '\\xe9' in file p.py on line 2"));
        let e = decode(b"# coding: bogus\n", Origin::File("p.py")).expect_err("unknown");
        assert_eq!(e.message, "encoding problem: bogus");
    }
}
