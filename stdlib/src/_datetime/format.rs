//! Text forms of the datetime types: `strftime` (CPython's `wrap_strftime`: `%z`,
//! `%Z` and `%f` are expanded here, the rest goes to `time.strftime`), the
//! `isoformat` pieces, and the ISO 8601 parsers behind `fromisoformat` (CPython
//! 3.11's `parse_isoformat_date`, `parse_hh_mm_ss_ff`, `parse_isoformat_time` and
//! `_find_isoformat_datetime_separator`, which accept the basic and extended
//! formats, ISO week dates, `,` or `.` fractions of any length and `Z`).
//!
//! The parsers work on one byte per character of the input (non-ASCII characters
//! become 0xFF, which matches nothing) followed by a NUL, so positions are
//! character positions and reads past a part stop at the terminator, as the C
//! code's reads do.

use strand_objects::abstract_ as ab;
use strand_objects::exceptions::type_error;
use strand_objects::{singletons, str as pystr, PyErr, PyObj, PyResult};

use super::tzinfo::{call_tzname, call_utcoffset, format_offset};
use super::{fields, is_date, is_datetime, is_time, tzinfo_obj};

/// Why an ISO string did not parse.
pub enum IsoError {
    /// Not an accepted form (`Invalid isoformat string: ...`).
    Invalid,
    /// An error to raise as it is.
    Raise(PyErr),
}

/// The parser's view of a string: one byte per character, NUL-terminated.
pub fn iso_bytes(s: &str) -> Vec<u8> {
    let mut v: Vec<u8> = s
        .chars()
        .map(|c| {
            if c.is_ascii() && c != '\0' {
                c as u8
            } else {
                0xff
            }
        })
        .collect();
    v.push(0);
    v
}

fn parse_digits(b: &[u8], p: usize, n: usize) -> Option<(usize, i32)> {
    let mut v = 0i32;
    for i in 0..n {
        let c = *b.get(p + i)?;
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i32::from(c - b'0');
    }
    Some((p + n, v))
}

/// Parses a date of `len` characters at the start of `b` (`parse_isoformat_date`).
fn parse_date_bytes(b: &[u8], len: usize) -> Result<(i32, i32, i32), IsoError> {
    let (mut p, year) = parse_digits(b, 0, 4).ok_or(IsoError::Invalid)?;
    let sep = b[p] == b'-';
    if sep {
        p += 1;
    }
    if b[p] == b'W' {
        p += 1;
        let (np, week) = parse_digits(b, p, 2).ok_or(IsoError::Invalid)?;
        p = np;
        let mut day = 1;
        if p < len {
            if sep {
                if b[p] != b'-' {
                    return Err(IsoError::Invalid);
                }
                p += 1;
            }
            let (_, d) = parse_digits(b, p, 1).ok_or(IsoError::Invalid)?;
            day = d;
        }
        return super::iso_to_ymd(year, week, day).map_err(|_| IsoError::Invalid);
    }
    let (np, month) = parse_digits(b, p, 2).ok_or(IsoError::Invalid)?;
    p = np;
    if sep {
        if b[p] != b'-' {
            return Err(IsoError::Invalid);
        }
        p += 1;
    }
    let (_, day) = parse_digits(b, p, 2).ok_or(IsoError::Invalid)?;
    Ok((year, month, day))
}

/// Parses a whole date string (`date.fromisoformat` checks its length first).
pub fn parse_iso_date(s: &str) -> Result<(i32, i32, i32), IsoError> {
    let b = iso_bytes(s);
    parse_date_bytes(&b, b.len() - 1)
}

/// `HH[:MM[:SS[.ffffff]]]` in `b[start..end]`: the fields and whether the text
/// goes on past them (`parse_hh_mm_ss_ff`; `None` on a malformed part).
fn parse_hh_mm_ss_ff(b: &[u8], start: usize, end: usize) -> Option<([i32; 4], bool)> {
    let mut vals = [0i32; 4];
    let mut p = start;
    let mut has_sep = true;
    for i in 0..3 {
        let (np, v) = parse_digits(b, p, 2)?;
        vals[i] = v;
        p = np;
        let c = b[p];
        p += 1;
        if i == 0 {
            has_sep = c == b':';
        }
        if p >= end {
            return Some((vals, c != 0));
        } else if has_sep && c == b':' {
            continue;
        } else if c == b'.' || c == b',' {
            break;
        } else if !has_sep {
            p -= 1;
        } else {
            return None;
        }
    }
    let remains = end.saturating_sub(p);
    let to_parse = remains.min(6);
    if to_parse == 0 {
        return None;
    }
    let (mut np, us) = parse_digits(b, p, to_parse)?;
    const CORRECTION: [i32; 5] = [100_000, 10_000, 1_000, 100, 10];
    vals[3] = if to_parse < 6 {
        us * CORRECTION[to_parse - 1]
    } else {
        us
    };
    while b[np].is_ascii_digit() {
        np += 1;
    }
    Some((vals, b[np] != 0))
}

/// A parsed time: fields and, when the text had one, the UTC offset as
/// `(seconds, microseconds)` with the sign applied to both.
pub type IsoTime = ([i32; 4], Option<(i32, i32)>);

/// Parses a time with an optional offset in `b[start..end]`
/// (`parse_isoformat_time`).
fn parse_time_bytes(b: &[u8], start: usize, end: usize) -> Option<IsoTime> {
    let mut tz = start;
    while tz < end && !matches!(b[tz], b'Z' | b'+' | b'-') {
        tz += 1;
    }
    if tz == start && start >= end {
        return None;
    }
    let (vals, more) = parse_hh_mm_ss_ff(b, start, tz)?;
    if tz >= end {
        return if more { None } else { Some((vals, None)) };
    }
    if b[tz] == b'Z' {
        return if b[tz + 1] != 0 {
            None
        } else {
            Some((vals, Some((0, 0))))
        };
    }
    let sign = if b[tz] == b'-' { -1 } else { 1 };
    let (tzv, more) = parse_hh_mm_ss_ff(b, tz + 1, end)?;
    if more {
        return None;
    }
    Some((
        vals,
        Some((sign * (tzv[0] * 3600 + tzv[1] * 60 + tzv[2]), sign * tzv[3])),
    ))
}

/// Parses a time string (`time.fromisoformat`, after its optional `T`).
pub fn parse_iso_time(s: &str) -> Option<IsoTime> {
    let b = iso_bytes(s);
    parse_time_bytes(&b, 0, b.len() - 1)
}

/// Where the date part of a datetime string ends
/// (`_find_isoformat_datetime_separator`; `None`: malformed).
fn find_separator(b: &[u8], len: usize) -> Option<usize> {
    if len == 7 {
        return Some(7);
    }
    if b[4] == b'-' {
        if b[5] == b'W' {
            if len < 8 {
                return None;
            }
            if len > 8 && b[8] == b'-' {
                if len == 9 {
                    return None;
                }
                if len > 10 && b[10].is_ascii_digit() {
                    return Some(8);
                }
                return Some(10);
            }
            return Some(8);
        }
        return Some(10);
    }
    if b[4] == b'W' {
        let mut idx = 7;
        while idx < len && b[idx].is_ascii_digit() {
            idx += 1;
        }
        if idx < 9 {
            return Some(idx);
        }
        return Some(if idx % 2 == 0 { 7 } else { 8 });
    }
    Some(8)
}

/// A parsed datetime: date, time fields and optional offset.
pub type IsoDateTime = ((i32, i32, i32), IsoTime);

/// Parses a datetime string (`datetime.fromisoformat`).
pub fn parse_iso_datetime(s: &str) -> Option<IsoDateTime> {
    let b = iso_bytes(s);
    let len = b.len() - 1;
    if len < 7 {
        return None;
    }
    let sep = find_separator(&b, len)?;
    let date = parse_date_bytes(&b, sep).ok()?;
    if len > sep {
        let t = parse_time_bytes(&b, sep + 1, len)?;
        return Some((date, t));
    }
    Some((date, ([0; 4], None)))
}

/// The tzinfo for a parsed offset: `timezone.utc` for zero, else a fixed
/// `timezone` (`tzinfo_from_isoformat_results`).
pub fn tzinfo_for(offset: Option<(i32, i32)>) -> PyResult<PyObj> {
    match offset {
        None => Ok(singletons::none()),
        Some((0, 0)) => Ok(super::tzinfo::utc()),
        Some((s, us)) => {
            let delta = super::timedelta::from_parts(0, i64::from(s), i64::from(us))?;
            super::tzinfo::new_timezone(&delta, None)
        }
    }
}

// ---------------------------------------------------------------------------------
// isoformat
// ---------------------------------------------------------------------------------

/// `HH:MM:SS[.ffffff]` etc. for `timespec` (`auto`, `hours`, `minutes`,
/// `seconds`, `milliseconds`, `microseconds`), or `ValueError: Unknown timespec
/// value`.
pub fn clock_text(h: i32, m: i32, s: i32, us: i32, timespec: &str) -> PyResult<String> {
    let spec = if timespec == "auto" {
        if us == 0 {
            "seconds"
        } else {
            "microseconds"
        }
    } else {
        timespec
    };
    Ok(match spec {
        "hours" => format!("{h:02}"),
        "minutes" => format!("{h:02}:{m:02}"),
        "seconds" => format!("{h:02}:{m:02}:{s:02}"),
        "milliseconds" => format!("{h:02}:{m:02}:{s:02}.{:03}", us / 1000),
        "microseconds" => format!("{h:02}:{m:02}:{s:02}.{us:06}"),
        _ => {
            return Err(strand_objects::exceptions::value_error(
                "Unknown timespec value",
            ))
        }
    })
}

/// The `±HH<sep>MM[...]` form of `tz.utcoffset(arg)`, empty when it is `None`
/// (`format_utcoffset`).
pub fn utcoffset_text(tz: &PyObj, arg: &PyObj, sep: &str) -> PyResult<String> {
    match call_utcoffset(tz, arg)? {
        None => Ok(String::new()),
        Some(off) => Ok(format_offset(super::timedelta::total_us(&off), sep)),
    }
}

// ---------------------------------------------------------------------------------
// strftime
// ---------------------------------------------------------------------------------

/// The text of a str that must encode to UTF-8 (lone surrogates raise
/// `UnicodeEncodeError`, as CPython's `PyUnicode_AsUTF8` does).
fn utf8_checked(s: &PyObj) -> PyResult<String> {
    let b = strand_objects::bytes::encode(s, "utf-8", "strict")?;
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// `strftime` for a date, time or datetime: expands `%z`, `%Z` and `%f` and hands
/// the rest with `timetuple` to `time.strftime` (`wrap_strftime`). `tzinfoarg` is
/// what the tzinfo's methods receive (the datetime, or `None` for a time).
pub fn wrap_strftime(
    object: &PyObj,
    format: &PyObj,
    timetuple: &PyObj,
    tzinfoarg: &PyObj,
) -> PyResult<PyObj> {
    if !pystr::is_str(format) {
        return Err(type_error(format!(
            "strftime() argument 1 must be str, not {}",
            format.ty().name()
        )));
    }
    let tz = if is_datetime(object) || is_time(object) {
        tzinfo_obj(object)
    } else {
        singletons::none()
    };
    let fmt = utf8_checked(format)?;
    let fmt = fmt.as_str();
    let mut out = String::with_capacity(fmt.len());
    let (mut z, mut big_z, mut f): (Option<String>, Option<String>, Option<String>) =
        (None, None, None);
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            None => out.push('%'),
            Some('z') => {
                if z.is_none() {
                    z = Some(if singletons::is_none(&tz) {
                        String::new()
                    } else {
                        utcoffset_text(&tz, tzinfoarg, "")?
                    });
                }
                out.push_str(z.as_deref().unwrap_or_default());
            }
            Some('Z') => {
                if big_z.is_none() {
                    let name = call_tzname(&tz, tzinfoarg)?;
                    big_z = Some(if singletons::is_none(&name) {
                        String::new()
                    } else {
                        let escaped = ab::call_method(
                            &name,
                            "replace",
                            &[pystr::new("%"), pystr::new("%%")],
                        )?;
                        if !pystr::is_str(&escaped) {
                            return Err(type_error("tzname.replace() did not return a string"));
                        }
                        utf8_checked(&escaped)?
                    });
                }
                out.push_str(big_z.as_deref().unwrap_or_default());
            }
            Some('f') => {
                if f.is_none() {
                    let us = if is_datetime(object) || is_time(object) || !is_date(object) {
                        fields(object).us
                    } else {
                        0
                    };
                    f = Some(format!("{us:06}"));
                }
                out.push_str(f.as_deref().unwrap_or_default());
            }
            Some(other) => {
                out.push('%');
                out.push(other);
            }
        }
    }
    let time = super::import("time")?;
    ab::call_method(
        &time,
        "strftime",
        &[pystr::from_string(out), timetuple.clone()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_in_every_form() {
        let ok = |s: &str| parse_iso_date(s).ok();
        assert_eq!(ok("2021-07-04"), Some((2021, 7, 4)));
        assert_eq!(ok("20210704"), Some((2021, 7, 4)));
        assert_eq!(ok("2021-W27-7"), Some((2021, 7, 11)));
        assert_eq!(ok("2021W277"), Some((2021, 7, 11)));
        assert_eq!(ok("2021-W27"), Some((2021, 7, 5)));
        assert!(ok("2021-0704").is_none());
        assert!(ok("2021-07/04").is_none());
        assert!(ok("20x1-07-04").is_none());
    }

    #[test]
    fn iso_times_fractions_and_offsets() {
        let t = |s: &str| parse_iso_time(s);
        assert_eq!(t("12:30"), Some(([12, 30, 0, 0], None)));
        assert_eq!(t("123045.5"), Some(([12, 30, 45, 500_000], None)));
        assert_eq!(t("12:30:45,1234567"), Some(([12, 30, 45, 123_456], None)));
        assert_eq!(t("12Z"), Some(([12, 0, 0, 0], Some((0, 0)))));
        assert_eq!(
            t("12:30-05:30:15.5"),
            Some(([12, 30, 0, 0], Some((-19_815, -500_000))))
        );
        assert!(t("12:3").is_none());
        assert!(t("12:30:45.").is_none());
        assert!(t("12:30+").is_none());
        assert!(t("12Zx").is_none());
    }

    #[test]
    fn datetime_separators() {
        let dt = |s: &str| parse_iso_datetime(s).map(|(d, (t, _))| (d, t));
        assert_eq!(
            dt("2011-11-04T00:05:23"),
            Some(((2011, 11, 4), [0, 5, 23, 0]))
        );
        assert_eq!(
            dt("2011-11-04\u{1234}01"),
            Some(((2011, 11, 4), [1, 0, 0, 0]))
        );
        assert_eq!(dt("20111104T0005"), Some(((2011, 11, 4), [0, 5, 0, 0])));
        assert_eq!(dt("2011-W44-5"), Some(((2011, 11, 4), [0, 0, 0, 0])));
        assert!(dt("2011-11-04T").is_none());
        assert!(dt("2011-1").is_none());
    }

    #[test]
    fn clock_text_per_timespec() {
        let c = |spec: &str| clock_text(1, 2, 3, 4567, spec).ok();
        assert_eq!(c("auto").as_deref(), Some("01:02:03.004567"));
        assert_eq!(c("hours").as_deref(), Some("01"));
        assert_eq!(c("milliseconds").as_deref(), Some("01:02:03.004"));
        assert_eq!(
            clock_text(1, 2, 3, 0, "auto").ok().as_deref(),
            Some("01:02:03")
        );
    }
}
