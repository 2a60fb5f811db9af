//! `_socket`'s module-level functions besides the socket type (CPython's
//! Modules/socketmodule.c): the name service (`getaddrinfo`, `getnameinfo`,
//! `gethostname`, `gethostbyname[_ex]`, `gethostbyaddr`, `getservbyname`,
//! `getservbyport`, `getprotobyname`, `if_nametoindex`, `if_indextoname`), the
//! address conversions (`inet_aton`, `inet_ntoa`, `inet_pton`, `inet_ntop`), byte
//! order (`htons`, `ntohs`, `htonl`, `ntohl`) and `CMSG_LEN`/`CMSG_SPACE`.
//!
//! The look-ups run detached through the C library's reentrant calls (glibc's
//! `*_r` functions, declared here since the `libc` crate lacks them).

use std::ffi::{CStr, CString};

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{overflow_error, type_error, value_error};
use strand_objects::{bytes, int, list, singletons, str as pystr, tuple, PyObj, PyResult};

use super::addr::{self, c_int, errno_error, idna, make_sockaddr, setipaddr, AddrInfo, SockAddr};
use super::{gai_error, herror, os_error_msg, raise2};

extern "C" {
    fn gethostbyname_r(
        name: *const libc::c_char,
        ret: *mut libc::hostent,
        buf: *mut libc::c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut libc::c_int,
    ) -> libc::c_int;
    fn gethostbyaddr_r(
        addr: *const libc::c_void,
        len: libc::socklen_t,
        ty: libc::c_int,
        ret: *mut libc::hostent,
        buf: *mut libc::c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut libc::c_int,
    ) -> libc::c_int;
    fn getservbyname_r(
        name: *const libc::c_char,
        proto: *const libc::c_char,
        ret: *mut libc::servent,
        buf: *mut libc::c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> libc::c_int;
    fn getservbyport_r(
        port: libc::c_int,
        proto: *const libc::c_char,
        ret: *mut libc::servent,
        buf: *mut libc::c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> libc::c_int;
    fn getprotobyname_r(
        name: *const libc::c_char,
        ret: *mut libc::protoent,
        buf: *mut libc::c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::protoent,
    ) -> libc::c_int;
    fn inet_aton(cp: *const libc::c_char, inp: *mut libc::in_addr) -> libc::c_int;
    fn inet_pton(af: libc::c_int, src: *const libc::c_char, dst: *mut libc::c_void) -> libc::c_int;
    fn inet_ntop(
        af: libc::c_int,
        src: *const libc::c_void,
        dst: *mut libc::c_char,
        size: libc::socklen_t,
    ) -> *const libc::c_char;
}

/// A `str` argument as a C string (CPython's `s` format).
fn str_arg(o: &PyObj, fname: &str, pos: usize) -> PyResult<CString> {
    if !pystr::is_str(o) {
        return Err(type_error(format!(
            "{fname}() argument {pos} must be str, not {}",
            o.ty().name()
        )));
    }
    CString::new(pystr::as_str(o)).map_err(|_| value_error("embedded null character"))
}

/// `getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)`: a list of
/// `(family, type, proto, canonname, sockaddr)`.
fn f_getaddrinfo(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(
        "getaddrinfo",
        0,
        &["host", "port", "family", "type", "proto", "flags"],
        2,
    )?;
    let (hobj, pobj) = (b[0].expect("required"), b[1].expect("required"));
    let host = if singletons::is_none(hobj) {
        None
    } else if pystr::is_str(hobj) || bytes::is_bytes(hobj) {
        Some(idna(hobj)?)
    } else {
        return Err(type_error(
            "getaddrinfo() argument 1 must be string or None",
        ));
    };
    let port = if int::is_int(pobj) {
        let v = int::to_bigint(pobj);
        let v = i64::try_from(&v)
            .map_err(|_| overflow_error("Python int too large to convert to C long"))?;
        Some(CString::new(v.to_string()).expect("digits hold no NUL"))
    } else if pystr::is_str(pobj) {
        Some(
            CString::new(pystr::as_str(pobj))
                .map_err(|_| value_error("embedded null character"))?,
        )
    } else if let Some(p) = bytes::as_bytes_opt(pobj) {
        Some(CString::new(p).map_err(|_| value_error("embedded null byte"))?)
    } else if singletons::is_none(pobj) {
        None
    } else {
        return Err(os_error_msg("Int or String expected"));
    };
    let mut ints = [0; 4];
    for (v, o) in ints.iter_mut().zip(&b[2..]) {
        if let Some(o) = o {
            *v = c_int(o)?;
        }
    }
    let h = addr::hints(ints[0], ints[1], ints[2], ints[3]);
    let res = AddrInfo::lookup(host.as_deref(), port.as_deref(), &h)?;
    let mut out = Vec::new();
    for e in res.iter() {
        // SAFETY: ai_addr holds ai_addrlen bytes.
        let sa = unsafe { SockAddr::from_raw(e.ai_addr, e.ai_addrlen) };
        let canon = if e.ai_canonname.is_null() {
            String::new()
        } else {
            // SAFETY: a NUL-terminated string owned by the list.
            unsafe { CStr::from_ptr(e.ai_canonname) }
                .to_string_lossy()
                .into_owned()
        };
        out.push(tuple::from_vec(vec![
            int::from_i64(i64::from(e.ai_family)),
            int::from_i64(i64::from(e.ai_socktype)),
            int::from_i64(i64::from(e.ai_protocol)),
            pystr::from_string(canon),
            make_sockaddr(&sa)?,
        ]));
    }
    Ok(list::new(out))
}

/// `getnameinfo(sockaddr, flags)`: `(host, port)` strings for a numeric address.
fn f_getnameinfo(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getnameinfo", 2, 2)?;
    let sa = &a[0];
    let flags = c_int(&a[1])?;
    if !tuple::is_tuple(sa) {
        return Err(type_error("getnameinfo() argument 1 must be a tuple"));
    }
    let items = tuple::items(sa);
    let illegal = || type_error("getnameinfo(): illegal sockaddr argument");
    if !(2..=4).contains(&items.len()) || !pystr::is_str(&items[0]) {
        return Err(illegal());
    }
    let host = CString::new(pystr::as_str(&items[0]))
        .map_err(|_| value_error("embedded null character"))?;
    let port = c_int(&items[1])?;
    let u32_of = |o: Option<&PyObj>| -> PyResult<u32> {
        match o {
            None => Ok(0),
            Some(o) if int::is_int(o) => {
                let v = int::to_bigint(o) & num_bigint::BigInt::from(u32::MAX);
                Ok(u32::try_from(&v).unwrap_or(0))
            }
            Some(_) => Err(illegal()),
        }
    };
    let flowinfo = u32_of(items.get(2))?;
    let scope_id = u32_of(items.get(3))?;
    if flowinfo > 0xfffff {
        return Err(overflow_error("getnameinfo(): flowinfo must be 0-1048575."));
    }
    let pbuf = CString::new(port.to_string()).expect("digits hold no NUL");
    let h = addr::hints(libc::AF_UNSPEC, libc::SOCK_DGRAM, 0, libc::AI_NUMERICHOST);
    let res = AddrInfo::lookup(Some(&host), Some(&pbuf), &h)?;
    let mut it = res.iter();
    let e = it
        .next()
        .ok_or_else(|| os_error_msg("sockaddr resolved to multiple addresses"))?;
    if it.next().is_some() {
        return Err(os_error_msg("sockaddr resolved to multiple addresses"));
    }
    // SAFETY: ai_addr holds ai_addrlen bytes.
    let mut sa = unsafe { SockAddr::from_raw(e.ai_addr, e.ai_addrlen) };
    match e.ai_family {
        libc::AF_INET if items.len() != 2 => {
            return Err(os_error_msg("IPv4 sockaddr must be 2 tuple"));
        }
        libc::AF_INET6 => {
            // SAFETY: an AF_INET6 address is a sockaddr_in6.
            let sin6 = unsafe { &mut *(sa.as_mut_ptr() as *mut libc::sockaddr_in6) };
            sin6.sin6_flowinfo = flowinfo.to_be();
            sin6.sin6_scope_id = scope_id;
        }
        _ => {}
    }
    let mut hbuf = [0 as libc::c_char; libc::NI_MAXHOST as usize];
    let mut sbuf = [0 as libc::c_char; 32];
    let (hp, sp, ap, al) = (hbuf.as_mut_ptr(), sbuf.as_mut_ptr(), sa.as_ptr(), sa.len);
    // SAFETY: a valid address and two buffers of the sizes passed.
    let err = strand_heap::with_detached(|| unsafe {
        libc::getnameinfo(ap, al, hp, libc::NI_MAXHOST, sp, 32, flags)
    });
    if err != 0 {
        return Err(gai_error(err));
    }
    // SAFETY: NUL-terminated by getnameinfo.
    let (hs, ss) = unsafe { (CStr::from_ptr(hbuf.as_ptr()), CStr::from_ptr(sbuf.as_ptr())) };
    Ok(tuple::pair(
        pystr::from_string(hs.to_string_lossy().into_owned()),
        pystr::from_string(ss.to_string_lossy().into_owned()),
    ))
}

fn f_gethostname(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("gethostname", 0, 0)?;
    let mut buf = [0 as libc::c_char; 1024];
    // SAFETY: a buffer of the size passed.
    if unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len() - 1) } < 0 {
        return Err(errno_error(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        ));
    }
    // SAFETY: NUL-terminated (the last byte is never written).
    let s = unsafe { CStr::from_ptr(buf.as_ptr()) };
    Ok(pystr::from_string(s.to_string_lossy().into_owned()))
}

/// A host argument of the `gethostby*` functions (CPython's `et` format with the
/// `idna` encoding).
fn host_arg(o: &PyObj, fname: &str) -> PyResult<CString> {
    if !(pystr::is_str(o) || bytes::is_bytes(o) || strand_objects::bytearray::is_bytearray(o)) {
        return Err(type_error(format!(
            "{fname}() argument 1 must be str, bytes or bytearray, not {}",
            o.ty().name()
        )));
    }
    idna(o)
}

fn f_gethostbyname(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("gethostbyname", 1, 1)?;
    let name = host_arg(&a[0], "gethostbyname")?;
    let sa = setipaddr(&name, libc::AF_INET)?;
    Ok(pystr::from_string(addr::ip_string(&sa)?))
}

/// `(name, aliases, addresses)` of a `hostent` (CPython's `gethost_common`).
fn hostent_tuple(h: &libc::hostent) -> PyResult<PyObj> {
    let strings = |mut p: *mut *mut libc::c_char| -> Vec<PyObj> {
        let mut out = Vec::new();
        // SAFETY: a NULL-terminated array of NUL-terminated strings in the buffer.
        unsafe {
            while !p.is_null() && !(*p).is_null() {
                out.push(pystr::from_string(
                    CStr::from_ptr(*p).to_string_lossy().into_owned(),
                ));
                p = p.add(1);
            }
        }
        out
    };
    let mut addrs = Vec::new();
    let mut p = h.h_addr_list;
    // SAFETY: a NULL-terminated array of addresses of `h_length` bytes each.
    unsafe {
        while !p.is_null() && !(*p).is_null() {
            let sa = match h.h_addrtype {
                libc::AF_INET => {
                    let mut ip = [0u8; 4];
                    std::ptr::copy_nonoverlapping((*p).cast::<u8>(), ip.as_mut_ptr(), 4);
                    addr::inet_addr(ip, 0)
                }
                libc::AF_INET6 => {
                    let mut ip = [0u8; 16];
                    std::ptr::copy_nonoverlapping((*p).cast::<u8>(), ip.as_mut_ptr(), 16);
                    addr::inet6_addr(ip, 0, 0, 0)
                }
                _ => return Err(os_error_msg("Address family not supported by protocol")),
            };
            addrs.push(pystr::from_string(addr::ip_string(&sa)?));
            p = p.add(1);
        }
    }
    // SAFETY: h_name is a NUL-terminated string in the buffer.
    let name = unsafe { CStr::from_ptr(h.h_name) }
        .to_string_lossy()
        .into_owned();
    Ok(tuple::from_vec(vec![
        pystr::from_string(name),
        list::new(strings(h.h_aliases)),
        list::new(addrs),
    ]))
}

fn herror_for(code: libc::c_int) -> strand_objects::PyErr {
    // SAFETY: hstrerror returns a static NUL-terminated string.
    let msg = unsafe { CStr::from_ptr(libc::hstrerror(code)) };
    raise2(&herror(), i64::from(code), &msg.to_string_lossy())
}

/// Runs a `gethostby*_r` call and converts its entry (or raises `herror`).
fn hostent_lookup(
    f: impl Fn(
        *mut libc::hostent,
        &mut [libc::c_char],
        *mut *mut libc::hostent,
        *mut libc::c_int,
    ) -> libc::c_int,
) -> PyResult<PyObj> {
    // SAFETY: hostent is plain old data.
    let mut he: libc::hostent = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::hostent = std::ptr::null_mut();
    let mut herr: libc::c_int = 0;
    let (hp, rp, ep) = (
        &mut he as *mut libc::hostent,
        &mut result as *mut _,
        &mut herr as *mut _,
    );
    let mut buf = vec![0 as libc::c_char; 64 * 1024];
    loop {
        let r = strand_heap::with_detached(|| f(hp, &mut buf, rp, ep));
        if r == libc::ERANGE && buf.len() < 1 << 24 {
            let n = buf.len() * 2;
            buf = vec![0; n];
            continue;
        }
        break;
    }
    if result.is_null() {
        return Err(herror_for(if herr == 0 { 1 } else { herr }));
    }
    // SAFETY: filled by the successful call; its strings live in `buf`.
    hostent_tuple(unsafe { &*result })
}

fn f_gethostbyname_ex(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("gethostbyname_ex", 1, 1)?;
    let name = host_arg(&a[0], "gethostbyname_ex")?;
    let np = name.as_ptr();
    hostent_lookup(|he, buf, res, herr| {
        // SAFETY: a NUL-terminated name, an entry, a buffer and out pointers.
        unsafe { gethostbyname_r(np, he, buf.as_mut_ptr(), buf.len(), res, herr) }
    })
}

fn f_gethostbyaddr(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("gethostbyaddr", 1, 1)?;
    let name = host_arg(&a[0], "gethostbyaddr")?;
    let sa = setipaddr(&name, libc::AF_UNSPEC)?;
    let family = libc::c_int::from(sa.storage.ss_family);
    let (ap, al): (*const libc::c_void, libc::socklen_t) = if family == libc::AF_INET {
        // SAFETY: an AF_INET address is a sockaddr_in.
        let sin = unsafe { &*(sa.as_ptr() as *const libc::sockaddr_in) };
        ((&sin.sin_addr as *const libc::in_addr).cast(), 4)
    } else {
        // SAFETY: setipaddr gives AF_INET or AF_INET6; this is a sockaddr_in6.
        let sin6 = unsafe { &*(sa.as_ptr() as *const libc::sockaddr_in6) };
        ((&sin6.sin6_addr as *const libc::in6_addr).cast(), 16)
    };
    hostent_lookup(|he, buf, res, herr| {
        // SAFETY: an address of `al` bytes, an entry, a buffer and out pointers.
        unsafe { gethostbyaddr_r(ap, al, family, he, buf.as_mut_ptr(), buf.len(), res, herr) }
    })
}

fn servent_lookup(
    f: impl Fn(*mut libc::servent, &mut [libc::c_char], *mut *mut libc::servent) -> libc::c_int,
) -> Option<libc::servent> {
    // SAFETY: servent is plain old data.
    let mut se: libc::servent = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::servent = std::ptr::null_mut();
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let (sp, rp) = (&mut se as *mut libc::servent, &mut result as *mut _);
    strand_heap::with_detached(|| f(sp, &mut buf, rp));
    // Only the numeric fields are read: the strings point into `buf`.
    (!result.is_null()).then_some(se)
}

fn f_getservbyname(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getservbyname", 1, 2)?;
    let name = str_arg(&a[0], "getservbyname", 1)?;
    let proto = a
        .get(1)
        .map(|p| str_arg(p, "getservbyname", 2))
        .transpose()?;
    let (np, pp) = (
        name.as_ptr(),
        proto.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
    );
    let se = servent_lookup(|se, buf, res| {
        // SAFETY: NUL-terminated strings (or null), an entry, a buffer, an out pointer.
        unsafe { getservbyname_r(np, pp, se, buf.as_mut_ptr(), buf.len(), res) }
    })
    .ok_or_else(|| os_error_msg("service/proto not found"))?;
    Ok(int::from_i64(i64::from(u16::from_be(se.s_port as u16))))
}

fn f_getservbyport(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getservbyport", 1, 2)?;
    let port = c_int(&a[0])?;
    if !(0..=0xffff).contains(&port) {
        return Err(overflow_error("getservbyport: port must be 0-65535."));
    }
    let proto = a
        .get(1)
        .map(|p| str_arg(p, "getservbyport", 2))
        .transpose()?;
    let pp = proto.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
    let nport = libc::c_int::from((port as u16).to_be());
    // SAFETY: servent is plain old data.
    let mut se: libc::servent = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::servent = std::ptr::null_mut();
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let (sp, rp, bp, bl) = (
        &mut se as *mut libc::servent,
        &mut result as *mut _,
        buf.as_mut_ptr(),
        buf.len(),
    );
    // SAFETY: a NUL-terminated protocol (or null), an entry, a buffer, an out pointer.
    strand_heap::with_detached(|| unsafe { getservbyport_r(nport, pp, sp, bp, bl, rp) });
    if result.is_null() {
        return Err(os_error_msg("port/proto not found"));
    }
    // SAFETY: s_name points into `buf`, alive here.
    let name = unsafe { CStr::from_ptr(se.s_name) };
    Ok(pystr::from_string(name.to_string_lossy().into_owned()))
}

fn f_getprotobyname(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getprotobyname", 1, 1)?;
    let name = str_arg(&a[0], "getprotobyname", 1)?;
    // SAFETY: protoent is plain old data.
    let mut pe: libc::protoent = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::protoent = std::ptr::null_mut();
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let (np, pp, rp, bp, bl) = (
        name.as_ptr(),
        &mut pe as *mut _,
        &mut result as *mut _,
        buf.as_mut_ptr(),
        buf.len(),
    );
    // SAFETY: a NUL-terminated name, an entry, a buffer, an out pointer.
    strand_heap::with_detached(|| unsafe { getprotobyname_r(np, pp, bp, bl, rp) });
    if result.is_null() {
        return Err(os_error_msg("protocol not found"));
    }
    Ok(int::from_i64(i64::from(pe.p_proto)))
}

fn f_if_nametoindex(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("if_nametoindex", 1, 1)?;
    let name = if pystr::is_str(&a[0]) {
        pystr::as_str(&a[0]).as_bytes().to_vec()
    } else {
        crate::buffer::bytes_like(&a[0])?
    };
    let name = CString::new(name).map_err(|_| value_error("embedded null byte"))?;
    // SAFETY: a NUL-terminated name.
    let i = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if i == 0 {
        return Err(os_error_msg("no interface with this name"));
    }
    Ok(int::from_i64(i64::from(i)))
}

fn f_if_indextoname(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("if_indextoname", 1, 1)?;
    let v = int::to_bigint(&ab::index(&a[0])?);
    let i = u32::try_from(&v).map_err(|_| overflow_error("index is too large"))?;
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: a buffer of IF_NAMESIZE bytes, as the call requires.
    let r = unsafe { libc::if_indextoname(i, buf.as_mut_ptr()) };
    if r.is_null() {
        return Err(errno_error(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        ));
    }
    // SAFETY: NUL-terminated by the successful call.
    let s = unsafe { CStr::from_ptr(buf.as_ptr()) };
    Ok(pystr::from_string(s.to_string_lossy().into_owned()))
}

fn f_inet_aton(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("inet_aton", 1, 1)?;
    let s = str_arg(&a[0], "inet_aton", 1)?;
    let mut ia = libc::in_addr { s_addr: 0 };
    // SAFETY: a NUL-terminated string and an in_addr to fill.
    if unsafe { inet_aton(s.as_ptr(), &mut ia) } == 0 {
        return Err(os_error_msg(
            "illegal IP address string passed to inet_aton",
        ));
    }
    Ok(bytes::new(&ia.s_addr.to_ne_bytes()))
}

fn f_inet_ntoa(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("inet_ntoa", 1, 1)?;
    let b = crate::buffer::bytes_like(&a[0])?;
    if b.len() != 4 {
        return Err(os_error_msg("packed IP wrong length for inet_ntoa"));
    }
    Ok(pystr::from_string(format!(
        "{}.{}.{}.{}",
        b[0], b[1], b[2], b[3]
    )))
}

fn f_inet_pton(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("inet_pton", 2, 2)?;
    let af = c_int(&a[0])?;
    let s = str_arg(&a[1], "inet_pton", 2)?;
    let mut out = [0u8; 16];
    // SAFETY: a NUL-terminated string and 16 bytes, enough for either family.
    let r = unsafe { inet_pton(af, s.as_ptr(), out.as_mut_ptr().cast()) };
    if r < 0 {
        return Err(errno_error(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        ));
    }
    if r == 0 {
        return Err(os_error_msg(
            "illegal IP address string passed to inet_pton",
        ));
    }
    Ok(bytes::new(if af == libc::AF_INET {
        &out[..4]
    } else {
        &out
    }))
}

fn f_inet_ntop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("inet_ntop", 2, 2)?;
    let af = c_int(&a[0])?;
    let packed = crate::buffer::bytes_like(&a[1])?;
    let want = match af {
        libc::AF_INET => 4,
        libc::AF_INET6 => 16,
        _ => return Err(value_error(format!("unknown address family {af}"))),
    };
    if packed.len() != want {
        return Err(value_error("invalid length of packed IP address string"));
    }
    let mut out = [0 as libc::c_char; 64];
    // SAFETY: an address of the family's size and a buffer of the size passed.
    let r = unsafe { inet_ntop(af, packed.as_ptr().cast(), out.as_mut_ptr(), 64) };
    if r.is_null() {
        return Err(errno_error(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        ));
    }
    // SAFETY: NUL-terminated by the successful call.
    let s = unsafe { CStr::from_ptr(out.as_ptr()) };
    Ok(pystr::from_string(s.to_string_lossy().into_owned()))
}

/// `htons`/`ntohs`: a C int checked to fit 16 unsigned bits, byte-swapped.
fn short_swap(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn(name, 1, 1)?;
    let x = c_int(&a[0])?;
    if x < 0 {
        return Err(overflow_error(format!(
            "{name}: can't convert negative Python int to C 16-bit unsigned integer"
        )));
    }
    if x > 0xffff {
        return Err(overflow_error(format!(
            "{name}: Python int too large to convert to C 16-bit unsigned integer"
        )));
    }
    Ok(int::from_i64(i64::from((x as u16).swap_bytes())))
}

/// `htonl`/`ntohl`: an int of at most 32 bits, byte-swapped.
fn long_swap(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn(name, 1, 1)?;
    if !int::is_int(&a[0]) {
        return Err(type_error(format!(
            "expected int, {} found",
            a[0].ty().name()
        )));
    }
    let v = int::to_bigint(&a[0]);
    if v.sign() == num_bigint::Sign::Minus {
        return Err(overflow_error(
            "can't convert negative value to unsigned int",
        ));
    }
    let v = u64::try_from(&v)
        .map_err(|_| overflow_error("Python int too large to convert to C unsigned long"))?;
    let v = u32::try_from(v).map_err(|_| overflow_error("int larger than 32 bits"))?;
    Ok(int::from_i64(i64::from(v.swap_bytes())))
}

/// `CMSG_LEN(n)` / `CMSG_SPACE(n)`.
fn cmsg(a: &[PyObj], k: Option<&PyObj>, space: bool) -> PyResult<PyObj> {
    let name = if space { "CMSG_SPACE" } else { "CMSG_LEN" };
    Args::new(a, k).expect_fn(name, 1, 1)?;
    let n = int::to_isize(&ab::index(&a[0])?)?;
    let limit = (i32::MAX as isize) - 64;
    let n = u32::try_from(n)
        .ok()
        .filter(|&n| (n as isize) <= limit)
        .ok_or_else(|| overflow_error(format!("{name}() argument out of range")))?;
    // SAFETY: pure arithmetic on the length.
    let v = unsafe {
        if space {
            libc::CMSG_SPACE(n)
        } else {
            libc::CMSG_LEN(n)
        }
    };
    Ok(int::from_i64(i64::from(v)))
}

/// Adds the functions of this file to `_socket`.
pub(super) fn add_functions(m: &PyObj) {
    strand_interp::native_module::add_functions(
        m,
        "_socket",
        &[
            ("getaddrinfo", f_getaddrinfo),
            ("getnameinfo", f_getnameinfo),
            ("gethostname", f_gethostname),
            ("gethostbyname", f_gethostbyname),
            ("gethostbyname_ex", f_gethostbyname_ex),
            ("gethostbyaddr", f_gethostbyaddr),
            ("getservbyname", f_getservbyname),
            ("getservbyport", f_getservbyport),
            ("getprotobyname", f_getprotobyname),
            ("if_nametoindex", f_if_nametoindex),
            ("if_indextoname", f_if_indextoname),
            ("inet_aton", f_inet_aton),
            ("inet_ntoa", f_inet_ntoa),
            ("inet_pton", f_inet_pton),
            ("inet_ntop", f_inet_ntop),
            ("htons", |a, k| short_swap(a, k, "htons")),
            ("ntohs", |a, k| short_swap(a, k, "ntohs")),
            ("htonl", |a, k| long_swap(a, k, "htonl")),
            ("ntohl", |a, k| long_swap(a, k, "ntohl")),
            ("CMSG_LEN", |a, k| cmsg(a, k, false)),
            ("CMSG_SPACE", |a, k| cmsg(a, k, true)),
        ],
    );
}
