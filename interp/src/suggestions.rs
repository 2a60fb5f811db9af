//! "Did you mean" suggestions for `NameError` and `AttributeError` in printed
//! tracebacks (CPython 3.11's Python/suggestions.c, `_Py_Offer_Suggestions`, used
//! by `print_exception`; 3.11's pure-Python `traceback` module has none).
//!
//! The candidate closest to the missing name by a weighted Levenshtein distance
//! over UTF-8 bytes is offered: inserting, deleting or substituting a byte costs 2,
//! substituting an ASCII letter by the same letter in the other case costs 1. A
//! candidate qualifies when its distance is at most `(len(name) + len(candidate) +
//! 3) * 2 / 6` (no more than about a third of the characters change) and strictly
//! below the best so far, so the first of equally close candidates wins. Lists of
//! 750 candidates or more, and names differing in more than 40 bytes after their
//! common prefix and suffix, get no suggestion.
//!
//! Only exact `AttributeError` (candidates: `dir(exc.obj)`) and exact `NameError`
//! (candidates: the local variable names of the innermost traceback frame's code,
//! then its globals, then its builtins) get one, as in CPython.

use strand_objects::exceptions as exc;
use strand_objects::{abstract_ as ab, singletons, str as pystr, PyObj};

/// Candidate lists this long or longer are not searched.
const MAX_CANDIDATE_ITEMS: usize = 750;
/// Names whose differing middle is longer than this many bytes are too far apart.
const MAX_STRING_SIZE: usize = 40;
/// The cost of inserting, deleting or substituting a byte.
const MOVE_COST: usize = 2;
/// The cost of substituting an ASCII letter by itself in the other case.
const CASE_COST: usize = 1;

/// The suggestion for exception `value`, if CPython would print one after its
/// message (`. Did you mean: '{suggestion}'?`). Errors while gathering candidates
/// (a failing `__dir__`, say) mean no suggestion.
pub fn offer(value: &PyObj) -> Option<String> {
    let ty = value.ty().to_obj();
    if ty.is(&exc::ATTRIBUTE_ERROR_TYPE.to_obj()) {
        for_attribute_error(value)
    } else if ty.is(&exc::NAME_ERROR_TYPE.to_obj()) {
        for_name_error(value)
    } else {
        None
    }
}

/// The exception's `name` attribute when it is an exact `str`.
fn exact_name(value: &PyObj) -> Option<PyObj> {
    exc::attr(value, "name").filter(|n| n.is_exact(&pystr::STR_TYPE))
}

fn for_attribute_error(value: &PyObj) -> Option<String> {
    let name = exact_name(value)?;
    let obj = exc::attr(value, "obj").filter(|o| !singletons::is_none(o))?;
    let dir = crate::frame_builtins::object_dir(&obj).ok()?;
    closest(&ab::collect_iter(&dir).ok()?, pystr::as_str(&name))
}

fn for_name_error(value: &PyObj) -> Option<String> {
    let name = exact_name(value)?;
    let name = pystr::as_str(&name);
    let mut tb = exc::payload(value)
        .state()
        .traceback
        .clone()
        .filter(strand_objects::traceback::is_traceback)?;
    while let Some(next) = strand_objects::traceback::next(&tb) {
        tb = next;
    }
    let frame = strand_objects::traceback::frame(&tb).clone();
    let code = ab::getattr_str(&frame, "f_code").ok()?;
    let varnames = ab::getattr_str(&code, "co_varnames").ok()?;
    if let Some(s) = closest(&ab::collect_iter(&varnames).ok()?, name) {
        return Some(s);
    }
    for namespace in ["f_globals", "f_builtins"] {
        let ns = ab::getattr_str(&frame, namespace).ok()?;
        if let Some(s) = closest(&ab::collect_iter(&ns).ok()?, name) {
            return Some(s);
        }
    }
    None
}

/// The candidate closest to `name` (see the module documentation), skipping `name`
/// itself; `None` when no candidate is close enough or one is not a `str`.
fn closest(candidates: &[PyObj], name: &str) -> Option<String> {
    if candidates.len() >= MAX_CANDIDATE_ITEMS {
        return None;
    }
    let mut best: Option<(&str, usize)> = None;
    for c in candidates {
        if !pystr::is_str(c) {
            return None;
        }
        let item = pystr::as_str(c);
        if item == name {
            continue;
        }
        let limit = (name.len() + item.len() + 3) * MOVE_COST / 6;
        let limit = best.map_or(limit, |(_, d)| limit.min(d.saturating_sub(1)));
        let distance = levenshtein(name.as_bytes(), item.as_bytes(), limit);
        if distance > limit {
            continue;
        }
        if best.is_none_or(|(_, d)| distance < d) {
            best = Some((item, distance));
        }
    }
    best.map(|(s, _)| s.to_string())
}

/// The cost of turning byte `a` into byte `b`.
fn substitution_cost(a: u8, b: u8) -> usize {
    if a == b {
        0
    } else if a.eq_ignore_ascii_case(&b) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

/// The weighted edit distance between `a` and `b`, or `max_cost + 1` as soon as it
/// is known to exceed `max_cost`.
fn levenshtein<'a>(mut a: &'a [u8], mut b: &'a [u8], max_cost: usize) -> usize {
    // Common prefixes and suffixes cost nothing.
    while let (Some(x), Some(y)) = (a.first(), b.first()) {
        if x != y {
            break;
        }
        a = &a[1..];
        b = &b[1..];
    }
    while let (Some(x), Some(y)) = (a.last(), b.last()) {
        if x != y {
            break;
        }
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    // One row of the matrix, over the shorter string.
    if b.len() < a.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bi, &bc) in b.iter().enumerate() {
        // `diagonal` is cost(b[..bi], a[..i]); `result` ends as cost(b[..=bi], a).
        let mut diagonal = bi * MOVE_COST;
        result = diagonal;
        let mut row_min = usize::MAX;
        for (i, &ac) in a.iter().enumerate() {
            let substitute = diagonal + substitution_cost(bc, ac);
            diagonal = row[i];
            result = (result.min(diagonal) + MOVE_COST).min(substitute);
            row[i] = result;
            row_min = row_min.min(result);
        }
        if row_min > max_cost {
            return max_cost + 1;
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        let d = |a: &str, b: &str| levenshtein(a.as_bytes(), b.as_bytes(), 100);
        assert_eq!(d("blech", "blech"), 0);
        assert_eq!(d("blech", "blach"), 2);
        assert_eq!(d("blech", "Blech"), 1);
        assert_eq!(d("blch", "blech"), 2);
        assert_eq!(d("", "abc"), 6);
        assert_eq!(d("kitten", "sitting"), 2 * 3);
        // Bails out past the limit.
        assert_eq!(levenshtein(b"abcdef", b"uvwxyz", 3), 4);
    }
}
