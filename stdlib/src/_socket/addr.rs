//! Socket addresses between Python and C (CPython's `getsockaddrarg`,
//! `makesockaddr`, `setipaddr`, `makeipaddr` and `idna_converter` in
//! Modules/socketmodule.c): `AF_INET` `(host, port)`, `AF_INET6`
//! `(host, port, flowinfo, scope_id)` and `AF_UNIX` paths (Linux's abstract
//! namespace as `bytes`), with CPython 3.11's messages.

use std::ffi::{CStr, CString};

use strand_objects::abstract_ as ab;
use strand_objects::exceptions::{self as exc, overflow_error, type_error};
use strand_objects::{
    bytearray, bytes, int, singletons, str as pystr, tuple, PyErr, PyObj, PyResult,
};

pub(crate) use crate::modsupport::c_int;

use super::{gai_error, os_error_msg};

/// A C socket address: a `sockaddr_storage` and the length of the part in use.
pub(crate) struct SockAddr {
    /// The address (`sa_family` first).
    pub storage: libc::sockaddr_storage,
    /// The bytes of `storage` in use (what the C calls take and return).
    pub len: libc::socklen_t,
}

impl SockAddr {
    /// A zeroed address whose length is the whole storage (a buffer for
    /// `accept`, `recvfrom`, `getsockname`).
    pub fn empty() -> SockAddr {
        SockAddr {
            // SAFETY: sockaddr_storage is plain old data; all zeroes is valid.
            storage: unsafe { std::mem::zeroed() },
            len: std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t,
        }
    }

    /// The address as the C calls take it.
    pub fn as_ptr(&self) -> *const libc::sockaddr {
        (&self.storage as *const libc::sockaddr_storage).cast()
    }

    /// The address as the C calls fill it.
    pub fn as_mut_ptr(&mut self) -> *mut libc::sockaddr {
        (&mut self.storage as *mut libc::sockaddr_storage).cast()
    }

    fn family(&self) -> libc::c_int {
        libc::c_int::from(self.storage.ss_family)
    }

    /// An address copied from `len` bytes at `sa` (an `addrinfo`'s `ai_addr`).
    ///
    /// # Safety
    /// `sa` must point to `len` readable bytes.
    pub unsafe fn from_raw(sa: *const libc::sockaddr, len: libc::socklen_t) -> SockAddr {
        let mut a = SockAddr::empty();
        let n = (len as usize).min(std::mem::size_of::<libc::sockaddr_storage>());
        // SAFETY: `sa` has `len` bytes by the caller's contract; the storage has room
        // for `n`.
        unsafe { std::ptr::copy_nonoverlapping(sa.cast::<u8>(), a.as_mut_ptr().cast::<u8>(), n) };
        a.len = n as libc::socklen_t;
        a
    }
}

/// A host name argument as bytes for the C library (CPython's `idna_converter`):
/// `str` (encoded with the `idna` codec when not ASCII), `bytes` or `bytearray`.
///
/// # Errors
/// `TypeError` for other types and for names holding a NUL.
pub(crate) fn idna(o: &PyObj) -> PyResult<CString> {
    let data = if pystr::is_str(o) {
        let s = pystr::as_str(o);
        if s.is_ascii() {
            s.as_bytes().to_vec()
        } else {
            let enc = ab::call_method(o, "encode", &[pystr::new("idna")])?;
            bytes::as_bytes(&enc).to_vec()
        }
    } else if let Some(b) = bytes::as_bytes_opt(o) {
        b.to_vec()
    } else if bytearray::is_bytearray(o) {
        bytearray::to_vec(o)
    } else {
        return Err(type_error(format!(
            "str, bytes or bytearray expected, not {}",
            o.ty().name()
        )));
    };
    CString::new(data).map_err(|_| type_error("host name must not contain null character"))
}

/// The C `getaddrinfo` list, freed when dropped.
pub(crate) struct AddrInfo(pub *mut libc::addrinfo);

impl AddrInfo {
    /// Runs `getaddrinfo` detached.
    ///
    /// # Errors
    /// The `gaierror` (or, for `EAI_SYSTEM`, the `OSError`) of a failed look-up.
    pub fn lookup(
        host: Option<&CStr>,
        port: Option<&CStr>,
        hints: &libc::addrinfo,
    ) -> PyResult<AddrInfo> {
        let mut res: *mut libc::addrinfo = std::ptr::null_mut();
        let h = host.map_or(std::ptr::null(), CStr::as_ptr);
        let p = port.map_or(std::ptr::null(), CStr::as_ptr);
        // SAFETY: NUL-terminated strings (or null), a valid hints struct and an out
        // pointer, all alive across the call; the call touches no Python object.
        let err =
            strand_heap::with_detached(|| unsafe { libc::getaddrinfo(h, p, hints, &mut res) });
        if err != 0 {
            return Err(gai_error(err));
        }
        Ok(AddrInfo(res))
    }

    /// The entries, in the C library's order.
    pub fn iter(&self) -> impl Iterator<Item = &libc::addrinfo> {
        let mut cur = self.0;
        std::iter::from_fn(move || {
            // SAFETY: a list returned by getaddrinfo and not freed before `self` drops.
            let e = unsafe { cur.as_ref()? };
            cur = e.ai_next;
            Some(e)
        })
    }
}

impl Drop for AddrInfo {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: returned by a successful getaddrinfo, freed once.
            unsafe { libc::freeaddrinfo(self.0) };
        }
    }
}

/// Hints for `getaddrinfo`.
pub(crate) fn hints(
    family: libc::c_int,
    socktype: libc::c_int,
    proto: libc::c_int,
    flags: libc::c_int,
) -> libc::addrinfo {
    // SAFETY: addrinfo is plain old data; zero is its "no hint" value.
    let mut h: libc::addrinfo = unsafe { std::mem::zeroed() };
    h.ai_family = family;
    h.ai_socktype = socktype;
    h.ai_protocol = proto;
    h.ai_flags = flags;
    h
}

/// A host name or numeric address resolved to one address of family `af`
/// (`AF_INET`, `AF_INET6` or `AF_UNSPEC`), port 0 (CPython's `setipaddr`): `''`
/// is the wildcard address, `'<broadcast>'` `INADDR_BROADCAST`; numeric addresses
/// need no look-up.
///
/// # Errors
/// `gaierror` from the look-up; `OSError` for the cases CPython names.
pub(crate) fn setipaddr(name: &CStr, af: libc::c_int) -> PyResult<SockAddr> {
    let text = name.to_bytes();
    if text.is_empty() {
        let h = hints(af, libc::SOCK_DGRAM, 0, libc::AI_PASSIVE);
        let res = AddrInfo::lookup(None, Some(c"0"), &h)?;
        let mut it = res.iter();
        let first = it
            .next()
            .ok_or_else(|| os_error_msg("wildcard resolved to multiple address"))?;
        if first.ai_family != libc::AF_INET && first.ai_family != libc::AF_INET6 {
            return Err(os_error_msg("unsupported address family"));
        }
        if it.next().is_some() {
            return Err(os_error_msg("wildcard resolved to multiple address"));
        }
        // SAFETY: ai_addr holds ai_addrlen bytes.
        return Ok(unsafe { SockAddr::from_raw(first.ai_addr, first.ai_addrlen) });
    }
    if text == b"<broadcast>" {
        if af != libc::AF_INET && af != libc::AF_UNSPEC {
            return Err(os_error_msg("address family mismatched"));
        }
        return Ok(inet_addr(u32::MAX.to_be_bytes(), 0));
    }
    let s = std::str::from_utf8(text).unwrap_or("");
    if af == libc::AF_INET || af == libc::AF_UNSPEC {
        if let Some(ip) = parse_ipv4(s) {
            return Ok(inet_addr(ip, 0));
        }
    }
    if (af == libc::AF_INET6 || af == libc::AF_UNSPEC) && !s.contains('%') {
        if let Ok(ip) = s.parse::<std::net::Ipv6Addr>() {
            return Ok(inet6_addr(ip.octets(), 0, 0, 0));
        }
    }
    let h = hints(af, 0, 0, 0);
    let res = AddrInfo::lookup(Some(name), None, &h)?;
    let first = res
        .iter()
        .next()
        .ok_or_else(|| os_error_msg("unknown address family"))?;
    // SAFETY: ai_addr holds ai_addrlen bytes.
    let a = unsafe { SockAddr::from_raw(first.ai_addr, first.ai_addrlen) };
    match a.family() {
        libc::AF_INET | libc::AF_INET6 => Ok(a),
        _ => Err(os_error_msg("unknown address family")),
    }
}

/// A dotted-quad IPv4 address as `inet_pton(AF_INET, ...)` accepts it: exactly
/// four decimal parts of at most three digits, each at most 255.
pub(crate) fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut out {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // glibc refuses a leading zero in a multi-digit part.
        if p.len() > 1 && p.starts_with('0') {
            return None;
        }
        *o = p.parse::<u16>().ok().filter(|v| *v <= 255)? as u8;
    }
    parts.next().is_none().then_some(out)
}

/// An `AF_INET` address.
pub(crate) fn inet_addr(ip: [u8; 4], port: u16) -> SockAddr {
    let mut a = SockAddr::empty();
    // SAFETY: sockaddr_storage is large and aligned enough for any sockaddr.
    let sin = unsafe { &mut *(a.as_mut_ptr() as *mut libc::sockaddr_in) };
    sin.sin_family = libc::AF_INET as libc::sa_family_t;
    sin.sin_port = port.to_be();
    sin.sin_addr.s_addr = u32::from_ne_bytes(ip);
    a.len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    a
}

/// An `AF_INET6` address.
pub(crate) fn inet6_addr(ip: [u8; 16], port: u16, flowinfo: u32, scope_id: u32) -> SockAddr {
    let mut a = SockAddr::empty();
    // SAFETY: sockaddr_storage is large and aligned enough for any sockaddr.
    let sin6 = unsafe { &mut *(a.as_mut_ptr() as *mut libc::sockaddr_in6) };
    sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
    sin6.sin6_port = port.to_be();
    sin6.sin6_flowinfo = flowinfo.to_be();
    sin6.sin6_scope_id = scope_id;
    sin6.sin6_addr.s6_addr = ip;
    a.len = std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t;
    a
}

/// An int argument as a C `unsigned int` without overflow checking (CPython's `I`
/// format: the value modulo 2**32).
fn c_uint_wrapping(o: &PyObj) -> PyResult<u32> {
    if !int::is_int(o) {
        return Err(type_error(format!(
            "an integer is required (got type {})",
            o.ty().name()
        )));
    }
    let v = int::to_bigint(o);
    let m: num_bigint::BigInt = v & num_bigint::BigInt::from(u32::MAX);
    Ok(u32::try_from(&m).unwrap_or(0))
}

/// The port of an address tuple: a C int, then checked to be 0-65535.
fn port_of(o: &PyObj, caller: &str) -> PyResult<u16> {
    let port = c_int(o).map_err(|e| {
        if e.is_instance(&exc::OVERFLOW_ERROR_TYPE) {
            overflow_error(format!("{caller}(): port must be 0-65535."))
        } else {
            e
        }
    })?;
    u16::try_from(port).map_err(|_| overflow_error(format!("{caller}(): port must be 0-65535.")))
}

/// A Python address for a socket of family `family` as a C address (CPython's
/// `getsockaddrarg`); `caller` names the method in messages (`bind`, `connect`).
///
/// # Errors
/// CPython's `TypeError`/`OverflowError`/`OSError` for malformed addresses,
/// `gaierror` when a host name does not resolve.
pub(crate) fn sockaddr_arg(family: libc::c_int, o: &PyObj, caller: &str) -> PyResult<SockAddr> {
    match family {
        libc::AF_UNIX => {
            let path = if pystr::is_str(o) {
                pystr::as_str(o).as_bytes().to_vec()
            } else {
                crate::buffer::bytes_like(o)?
            };
            let mut a = SockAddr::empty();
            // SAFETY: sockaddr_storage is large and aligned enough for any sockaddr.
            let sun = unsafe { &mut *(a.as_mut_ptr() as *mut libc::sockaddr_un) };
            let base = std::mem::offset_of!(libc::sockaddr_un, sun_path);
            let abstract_ns = path.first().is_none_or(|&b| b == 0);
            if (abstract_ns && path.len() > sun.sun_path.len())
                || (!abstract_ns && path.len() >= sun.sun_path.len())
            {
                return Err(os_error_msg("AF_UNIX path too long"));
            }
            sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (d, s) in sun.sun_path.iter_mut().zip(&path) {
                *d = *s as libc::c_char;
            }
            a.len = (base + path.len() + usize::from(!abstract_ns)) as libc::socklen_t;
            Ok(a)
        }
        libc::AF_INET => {
            if !tuple::is_tuple(o) {
                return Err(type_error(format!(
                    "{caller}(): AF_INET address must be tuple, not {}",
                    o.ty().name()
                )));
            }
            let items = tuple::items(o);
            if items.len() != 2 {
                return Err(type_error("AF_INET address must be a pair (host, port)"));
            }
            let host = idna(&items[0])?;
            let port = c_int(&items[1]).map_err(|e| {
                if e.is_instance(&exc::OVERFLOW_ERROR_TYPE) {
                    overflow_error(format!("{caller}(): port must be 0-65535."))
                } else {
                    e
                }
            })?;
            let mut a = setipaddr(&host, libc::AF_INET)?;
            let port = u16::try_from(port)
                .map_err(|_| overflow_error(format!("{caller}(): port must be 0-65535.")))?;
            // SAFETY: setipaddr with AF_INET gives a sockaddr_in.
            let sin = unsafe { &mut *(a.as_mut_ptr() as *mut libc::sockaddr_in) };
            sin.sin_port = port.to_be();
            Ok(a)
        }
        libc::AF_INET6 => {
            if !tuple::is_tuple(o) {
                return Err(type_error(format!(
                    "{caller}(): AF_INET6 address must be tuple, not {}",
                    o.ty().name()
                )));
            }
            let items = tuple::items(o);
            if !(2..=4).contains(&items.len()) {
                return Err(type_error(
                    "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])",
                ));
            }
            let host = idna(&items[0])?;
            let port = port_of(&items[1], caller);
            let flowinfo = items.get(2).map_or(Ok(0), c_uint_wrapping)?;
            let scope_id = items.get(3).map_or(Ok(0), c_uint_wrapping)?;
            let port = port?;
            let mut a = setipaddr(&host, libc::AF_INET6)?;
            if flowinfo > 0xfffff {
                return Err(overflow_error(format!(
                    "{caller}(): flowinfo must be 0-1048575."
                )));
            }
            // SAFETY: setipaddr with AF_INET6 gives a sockaddr_in6.
            let sin6 = unsafe { &mut *(a.as_mut_ptr() as *mut libc::sockaddr_in6) };
            sin6.sin6_port = port.to_be();
            sin6.sin6_flowinfo = flowinfo.to_be();
            sin6.sin6_scope_id = scope_id;
            Ok(a)
        }
        _ => Err(os_error_msg(format!("{caller}(): bad family"))),
    }
}

/// The numeric host of an `AF_INET`/`AF_INET6` address (CPython's `makeipaddr`:
/// `getnameinfo` with `NI_NUMERICHOST`, so an IPv6 scope shows as `%name`).
pub(crate) fn ip_string(a: &SockAddr) -> PyResult<String> {
    let mut host = [0 as libc::c_char; libc::NI_MAXHOST as usize];
    // SAFETY: a valid address of `len` bytes and a buffer of the size passed.
    let err = unsafe {
        libc::getnameinfo(
            a.as_ptr(),
            a.len,
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            std::ptr::null_mut(),
            0,
            libc::NI_NUMERICHOST,
        )
    };
    if err != 0 {
        return Err(gai_error(err));
    }
    // SAFETY: getnameinfo NUL-terminates the host on success.
    Ok(unsafe { CStr::from_ptr(host.as_ptr()) }
        .to_string_lossy()
        .into_owned())
}

/// A C address as Python sees it (CPython's `makesockaddr`): `None` for an empty
/// address, `(host, port)` for `AF_INET`, `(host, port, flowinfo, scope_id)` for
/// `AF_INET6`, a `str` path (or `bytes` for Linux's abstract namespace) for
/// `AF_UNIX`, and `(family, sa_data)` for any other family.
pub(crate) fn make_sockaddr(a: &SockAddr) -> PyResult<PyObj> {
    if a.len == 0 {
        return Ok(singletons::none());
    }
    match a.family() {
        libc::AF_INET => {
            // SAFETY: an AF_INET address is a sockaddr_in.
            let sin = unsafe { &*(a.as_ptr() as *const libc::sockaddr_in) };
            Ok(tuple::pair(
                pystr::from_string(ip_string(a)?),
                int::from_i64(i64::from(u16::from_be(sin.sin_port))),
            ))
        }
        libc::AF_INET6 => {
            // SAFETY: an AF_INET6 address is a sockaddr_in6.
            let sin6 = unsafe { &*(a.as_ptr() as *const libc::sockaddr_in6) };
            Ok(tuple::from_vec(vec![
                pystr::from_string(ip_string(a)?),
                int::from_i64(i64::from(u16::from_be(sin6.sin6_port))),
                int::from_i64(i64::from(u32::from_be(sin6.sin6_flowinfo))),
                int::from_i64(i64::from(sin6.sin6_scope_id)),
            ]))
        }
        libc::AF_UNIX => {
            // SAFETY: an AF_UNIX address is a sockaddr_un.
            let sun = unsafe { &*(a.as_ptr() as *const libc::sockaddr_un) };
            let base = std::mem::offset_of!(libc::sockaddr_un, sun_path);
            let n = (a.len as usize)
                .saturating_sub(base)
                .min(sun.sun_path.len());
            let path: Vec<u8> = sun.sun_path[..n].iter().map(|&c| c as u8).collect();
            if n > 0 && path[0] == 0 {
                return Ok(bytes::new(&path));
            }
            let end = path.iter().position(|&b| b == 0).unwrap_or(n);
            Ok(pystr::from_string(
                String::from_utf8_lossy(&path[..end]).into_owned(),
            ))
        }
        fam => {
            // SAFETY: every address starts with a sockaddr.
            let sa = unsafe { &*a.as_ptr() };
            let data: Vec<u8> = sa.sa_data.iter().map(|&c| c as u8).collect();
            Ok(tuple::pair(
                int::from_i64(i64::from(fam)),
                bytes::new(&data),
            ))
        }
    }
}

/// An `OSError` for `errno` (CPython's `set_error`).
pub(crate) fn errno_error(code: i32) -> PyErr {
    exc::from_io_error(&std::io::Error::from_raw_os_error(code), None)
}
