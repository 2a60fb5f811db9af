//! `repr(str)` and `ascii()` (Objects/unicodeobject.c, `unicode_repr`), and the
//! printable test they use (`Py_UNICODE_ISPRINTABLE`).

use unicode_general_category::{get_general_category, GeneralCategory as Gc};

/// `str.isprintable()` for one character (Python's `Py_UNICODE_ISPRINTABLE`): not in
/// the categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs, except the space.
pub fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !matches!(
        get_general_category(c),
        Gc::Control
            | Gc::Format
            | Gc::Surrogate
            | Gc::PrivateUse
            | Gc::Unassigned
            | Gc::LineSeparator
            | Gc::ParagraphSeparator
            | Gc::SpaceSeparator
    )
}

/// The first of the 2048 code points that stand for lone surrogates in strand's
/// strings (see [`surrogate_char`]).
pub const SURROGATE_STAND_IN: u32 = 0x10_F000;

/// The character that stands for the lone surrogate `cp` (U+D800..U+DFFF) in strand's
/// strings. Text is UTF-8, which cannot hold surrogates, so each is kept as the
/// private-use code point U+10F000 + (cp - 0xD800), in plane 16 but short of its
/// end, so that the edge cases programs test (U+10FFFF, the noncharacters U+10FFFE
/// and U+10FFFF, U+100000) stay themselves: `'\ud800' != '\udc00'`, `len`, `ord`,
/// `chr`, `repr` and the codecs' surrogate errors and handlers behave as CPython's.
/// The cost: those 2048 private-use code points (U+10F000..U+10F7FF, which Unicode
/// assigns no meaning) read as surrogates.
pub fn surrogate_char(cp: u32) -> Option<char> {
    (0xD800..=0xDFFF)
        .contains(&cp)
        .then(|| char::from_u32(SURROGATE_STAND_IN + (cp - 0xD800)))
        .flatten()
}

/// The lone surrogate `c` stands for, if it is one of [`surrogate_char`]'s stand-ins.
pub fn as_surrogate(c: char) -> Option<u32> {
    let v = c as u32;
    (SURROGATE_STAND_IN..SURROGATE_STAND_IN + 0x800)
        .contains(&v)
        .then(|| 0xD800 + (v - SURROGATE_STAND_IN))
}

/// Whether `s` holds a lone surrogate's stand-in (all start with the byte 0xF4).
pub fn has_surrogates(s: &str) -> bool {
    s.as_bytes().contains(&0xF4) && s.chars().any(|c| as_surrogate(c).is_some())
}

/// A character's code point as Python sees it (lone surrogates' own values).
pub fn code_point(c: char) -> u32 {
    as_surrogate(c).unwrap_or(c as u32)
}

/// The character that holds code point `cp` in strand's strings: the character
/// itself, or a lone surrogate's stand-in (`None` past U+10FFFF).
pub fn from_code_point(cp: u32) -> Option<char> {
    char::from_u32(cp).or_else(|| surrogate_char(cp))
}

/// The `surrogateescape` error handler on encoding: the bytes that the characters
/// U+DC80..U+DCFF among `chars` escape (each the byte of its low 8 bits); `None`
/// if any other character is among them (the handler then raises the error).
pub fn escaped_bytes(chars: &[char]) -> Option<Vec<u8>> {
    chars
        .iter()
        .map(|&c| match as_surrogate(c) {
            Some(s @ 0xdc80..=0xdcff) => Some((s - 0xdc00) as u8),
            _ => None,
        })
        .collect()
}

/// The `surrogateescape` error handler on decoding: the lone surrogates
/// U+DC80..U+DCFF that stand for the undecodable bytes at the start of `data` (at
/// most 4, all 0x80 or above), and how many bytes they stand for (0: the handler
/// raises the error).
pub fn escape_bytes(data: &[u8]) -> (String, usize) {
    let n = data.iter().take(4).take_while(|&&b| b >= 0x80).count();
    let text = data[..n]
        .iter()
        .filter_map(|&b| surrogate_char(0xdc00 + u32::from(b)))
        .collect();
    (text, n)
}

/// The `surrogatepass` error handler on UTF-8 encoding: the lone surrogates of
/// `chars` as the three bytes UTF-8 would give them; `None` if any character of
/// `chars` is not a lone surrogate (the handler then raises the error).
pub fn surrogates_utf8(chars: &[char]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(chars.len() * 3);
    for &c in chars {
        let s = as_surrogate(c)?;
        out.extend_from_slice(&[
            0xe0 | (s >> 12) as u8,
            0x80 | ((s >> 6) & 0x3f) as u8,
            0x80 | (s & 0x3f) as u8,
        ]);
    }
    Some(out)
}

/// The `surrogatepass` error handler on UTF-8 decoding: the lone surrogate whose
/// three-byte UTF-8 form starts `data`, if it does.
pub fn utf8_surrogate(data: &[u8]) -> Option<char> {
    match *data {
        [0xed, b1 @ 0xa0..=0xbf, b2 @ 0x80..=0xbf, ..] => {
            surrogate_char(0xd000 | (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f))
        }
        _ => None,
    }
}

/// Python's order of two strings: by code point, lone surrogates at their own
/// values (UTF-8's byte order is code-point order except for their stand-ins,
/// which sort past every other character).
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) else {
        return x.len().cmp(&y.len());
    };
    // The strings agree before byte i, so they share its character's start.
    let start = (0..=i).rev().find(|&s| a.is_char_boundary(s)).unwrap_or(0);
    let first = |t: &str| t[start..].chars().next().map_or(0, code_point);
    first(a).cmp(&first(b))
}

/// Python's `repr()` of a string.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_ascii() => out.push(c),
            c if as_surrogate(c).is_some() => out.push_str(&format!("\\u{:04x}", code_point(c))),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// `ascii()` of a string: the repr with every non-ASCII character escaped.
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        match c as u32 {
            0..=0x7f => out.push(c),
            n @ 0x80..=0xff => out.push_str(&format!("\\x{n:02x}")),
            n @ 0x100..=0xffff => out.push_str(&format!("\\u{n:04x}")),
            n => out.push_str(&format!("\\U{n:08x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_escapes_like_python() {
        assert_eq!(repr_str("abc"), "'abc'");
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(repr_str("'\""), "'\\'\"'");
        assert_eq!(repr_str("a\nb\t\\"), "'a\\nb\\t\\\\'");
        assert_eq!(repr_str("\x00\x7f"), "'\\x00\\x7f'");
        assert_eq!(repr_str("é€"), "'é€'");
        assert_eq!(repr_str("\u{a0}"), "'\\xa0'");
        assert_eq!(repr_str("\u{200b}"), "'\\u200b'");
        assert_eq!(ascii_escape(&repr_str("é")), "'\\xe9'");
    }

    #[test]
    fn lone_surrogates_round_trip_through_their_stand_ins() {
        let hi = surrogate_char(0xd800).expect("stand-in");
        let lo = from_code_point(0xdfff).expect("stand-in");
        assert_ne!(hi, lo);
        assert_eq!((code_point(hi), code_point(lo)), (0xd800, 0xdfff));
        assert_eq!(from_code_point(0x41), Some('A'));
        assert_eq!(from_code_point(0x110000), None);
        assert!(has_surrogates(&format!("a{hi}")) && !has_surrogates("a\u{10ffff}x"));
        assert_eq!(repr_str(&format!("{hi}x")), "'\\ud800x'");
        use std::cmp::Ordering::*;
        assert_eq!(compare(&format!("a{hi}"), "a\u{e000}"), Less);
        assert_eq!(compare("a\u{10000}", &format!("a{hi}")), Greater);
        assert_eq!(
            (compare("ab", "abc"), compare("b", "ab"), compare("é", "é")),
            (Less, Greater, Equal)
        );
    }

    #[test]
    fn surrogate_error_handlers_match_cpython() {
        let esc = from_code_point(0xdcff).expect("stand-in");
        assert_eq!(escaped_bytes(&[esc]), Some(vec![0xff]));
        assert_eq!(escaped_bytes(&[from_code_point(0xd800).expect("s")]), None);
        assert_eq!(
            escape_bytes(&[0xff, 0xfe, 0x41]),
            (format!("{esc}{}", from_code_point(0xdcfe).expect("s")), 2)
        );
        assert_eq!(escape_bytes(&[0x41]).1, 0);
        let hi = from_code_point(0xd800).expect("s");
        assert_eq!(surrogates_utf8(&[hi]), Some(vec![0xed, 0xa0, 0x80]));
        assert_eq!(surrogates_utf8(&['a']), None);
        assert_eq!(utf8_surrogate(&[0xed, 0xa0, 0x80, 0x41]), Some(hi));
        assert_eq!(utf8_surrogate(&[0xed, 0x9f, 0xbf]), None);
    }
}
