//! The platform clock and time zone as `datetime` uses them (CPython's
//! `_PyTime_localtime`/`_PyTime_gmtime` and `_datetimemodule.c`'s `local`,
//! `local_to_seconds` and timestamp conversions): timestamps become `time_t` plus
//! microseconds with CPython's rounding, `localtime_r`/`gmtime_r` give the fields,
//! and local times are solved back to UTC seconds with PEP 495's fold.

use strand_objects::exceptions::{overflow_error, value_error};
use strand_objects::{float, PyObj, PyResult};

use super::{ymd_to_ord, MAXYEAR, MINYEAR};

/// Seconds from 0001-01-01 (ordinal epoch) to 1970-01-01.
pub const EPOCH: i64 = 719_163 * 86_400;
/// The widest fold or gap PEP 495 probes for (24 hours).
pub const MAX_FOLD_SECONDS: i64 = 24 * 3600;

/// How a timestamp's fraction is rounded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Towards minus infinity (`_PyTime_ROUND_FLOOR`).
    Floor,
    /// To nearest, ties to even (`_PyTime_ROUND_HALF_EVEN`).
    HalfEven,
}

fn out_of_range() -> strand_objects::PyErr {
    overflow_error("timestamp out of range for platform time_t")
}

/// A float's whole part as `time_t`, or the range error.
fn float_to_time_t(d: f64) -> PyResult<i64> {
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&d) {
        return Err(out_of_range());
    }
    Ok(d as i64)
}

/// A timestamp object (int or float) as whole seconds and microseconds
/// (`_PyTime_ObjectToTimeval`); with [`Round::Floor`] and `whole_only` the
/// microseconds are dropped after flooring (`_PyTime_ObjectToTime_t`).
pub fn timestamp_parts(o: &PyObj, round: Round) -> PyResult<(i64, i32)> {
    if float::is_float(o) {
        let d = float::value(o);
        if d.is_nan() {
            return Err(value_error("Invalid value NaN (not a number)"));
        }
        let mut intpart = d.trunc();
        let mut frac = (d - intpart) * 1e6;
        frac = match round {
            Round::HalfEven => {
                let r = frac.round();
                if (r - frac).abs() == 0.5 {
                    2.0 * (frac / 2.0).round()
                } else {
                    r
                }
            }
            Round::Floor => frac.floor(),
        };
        if frac >= 1e6 {
            frac -= 1e6;
            intpart += 1.0;
        } else if frac < 0.0 {
            frac += 1e6;
            intpart -= 1.0;
        }
        return Ok((float_to_time_t(intpart)?, frac as i32));
    }
    let v = strand_objects::int::to_bigint(&strand_objects::abstract_::index(o)?);
    let t = i64::try_from(&v).map_err(|_| out_of_range())?;
    Ok((t, 0))
}

/// Broken-down local (or UTC) time of `t`, as `libc::tm`.
pub fn broken_down(t: i64, local: bool) -> PyResult<libc::tm> {
    let tt: libc::time_t = t;
    // SAFETY: tm is plain data; an all-zero value is valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to a time_t and a tm that outlive the call.
    let r = unsafe {
        if local {
            libc::localtime_r(&tt, &mut tm)
        } else {
            libc::gmtime_r(&tt, &mut tm)
        }
    };
    if r.is_null() {
        let e = std::io::Error::last_os_error();
        let errno = e.raw_os_error().filter(|&n| n != 0).unwrap_or(libc::EINVAL);
        if errno == libc::EOVERFLOW {
            return Err(out_of_range());
        }
        return Err(strand_objects::exceptions::os_error_for(
            i64::from(errno),
            &std::io::Error::from_raw_os_error(errno).to_string(),
            None,
        ));
    }
    Ok(tm)
}

/// Seconds from the ordinal epoch of a UTC date and time (`utc_to_seconds`).
pub fn utc_to_seconds(y: i32, m: i32, d: i32, hh: i32, mm: i32, ss: i32) -> PyResult<i64> {
    if !(MINYEAR..=MAXYEAR).contains(&y) {
        return Err(value_error(format!("year {y} is out of range")));
    }
    Ok(ymd_to_ord(y, m, d) * 86_400 + i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss))
}

/// The fields of `tm` as `(year, month, day, hour, minute, second)` (leap seconds
/// clamp to 59).
pub fn tm_fields(tm: &libc::tm) -> (i32, i32, i32, i32, i32, i32) {
    (
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec.min(59),
    )
}

/// `local(u)`: the local wall time, in ordinal-epoch seconds, at UTC instant `u`
/// (also in ordinal-epoch seconds).
pub fn local(u: i64) -> PyResult<i64> {
    let tm = broken_down(u - EPOCH, true)?;
    let (y, m, d, hh, mm, ss) = tm_fields(&tm);
    utc_to_seconds(y, m, d, hh, mm, ss)
}

/// The UTC instant (ordinal-epoch seconds) of a local wall time, choosing by
/// `fold` in a repeated hour and past the gap in a skipped one
/// (`local_to_seconds`).
pub fn local_to_seconds(
    y: i32,
    m: i32,
    d: i32,
    hh: i32,
    mm: i32,
    ss: i32,
    fold: i32,
) -> PyResult<i64> {
    let t = utc_to_seconds(y, m, d, hh, mm, ss)?;
    let a = local(t)? - t;
    let u1 = t - a;
    let t1 = local(u1)?;
    let b = if t1 == t {
        let u2 = if fold != 0 {
            u1 + MAX_FOLD_SECONDS
        } else {
            u1 - MAX_FOLD_SECONDS
        };
        let bb = local(u2)? - u2;
        if a == bb {
            return Ok(u1);
        }
        bb
    } else {
        t1 - u1
    };
    let u2 = t - b;
    let t2 = local(u2)?;
    if t2 == t {
        return Ok(u2);
    }
    if t1 == t {
        return Ok(u1);
    }
    Ok(if fold != 0 { u1.min(u2) } else { u1.max(u2) })
}

/// The fold of the local time that UTC timestamp `t` (Unix seconds) maps to: 1 when
/// the same wall time also occurred earlier (the second of a repeated hour).
pub fn fold_at(t: i64, fields: (i32, i32, i32, i32, i32, i32)) -> PyResult<i32> {
    let (y, m, d, hh, mm, ss) = fields;
    let result = utc_to_seconds(y, m, d, hh, mm, ss)?;
    let probe = local(EPOCH + t - MAX_FOLD_SECONDS)?;
    let transition = result - probe - MAX_FOLD_SECONDS;
    if transition < 0 {
        let probe = local(EPOCH + t + transition)?;
        if probe == result {
            return Ok(1);
        }
    }
    Ok(0)
}

/// The current time as Unix seconds and microseconds.
pub fn now() -> (i64, i32) {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs() as i64, d.subsec_micros() as i32)
}
