//! The `termios` module (CPython's Modules/termios.c): POSIX terminal control —
//! `tcgetattr`/`tcsetattr` with CPython's attribute list `[iflag, oflag, cflag, lflag,
//! ispeed, ospeed, cc]` (`cc` a list of one-byte bytes objects, except `VMIN` and
//! `VTIME`, which are ints when `ICANON` is off), `tcsendbreak`, `tcdrain`,
//! `tcflush`, `tcflow`, `tcgetwinsize`/`tcsetwinsize` (3.11), `termios.error` raised
//! as `(errno, strerror)`, and the Linux constants. Descriptors are ints or objects
//! with a `fileno()` method. `tty` and `pty` are built on it.

use strand_objects::args::Args;
use strand_objects::exceptions::type_error;
use strand_objects::{bytes, dict, int, list, module, singletons, tuple, PyObj, PyResult};

use crate::fcntl::fd_of;
use crate::modsupport::{add_int, c_int, new_exception_class, Leaked};
use strand_interp::native_module::add_functions;

/// `termios.error`.
static ERROR: Leaked = Leaked::new();

fn error_class() -> PyObj {
    ERROR.get_or_init(|| {
        new_exception_class(
            "termios",
            "error",
            &[strand_objects::exceptions::EXCEPTION_TYPE.to_obj()],
        )
    })
}

/// `termios.error(errno, strerror)` for the last OS error.
fn error() -> strand_objects::PyErr {
    let e = std::io::Error::last_os_error();
    let code = e.raw_os_error().unwrap_or(0);
    // SAFETY: strerror returns a pointer to a static or thread-local C string.
    let text = unsafe { std::ffi::CStr::from_ptr(libc::strerror(code)) }
        .to_string_lossy()
        .into_owned();
    strand_objects::exceptions::call_exception_class(
        &error_class(),
        &[
            int::from_i64(i64::from(code)),
            strand_objects::str::new(&text),
        ],
    )
}

/// Runs a terminal call detached; -1 is `termios.error`.
fn check(r: libc::c_int) -> PyResult<()> {
    if r == -1 {
        Err(error())
    } else {
        Ok(())
    }
}

fn fd_arg(o: &PyObj) -> PyResult<libc::c_int> {
    fd_of(o)
}

/// `tcgetattr(fd)`.
fn tcgetattr(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tcgetattr", 1, 1)?;
    let fd = fd_arg(&a[0])?;
    // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `t` is a live, properly sized termios.
    check(strand_heap::with_detached(|| unsafe {
        libc::tcgetattr(fd, &mut t)
    }))?;
    // SAFETY: `t` was filled by tcgetattr.
    let (ispeed, ospeed) = unsafe { (libc::cfgetispeed(&t), libc::cfgetospeed(&t)) };
    let canonical = t.c_lflag & libc::ICANON != 0;
    let cc: Vec<PyObj> = t
        .c_cc
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if !canonical && (i == libc::VMIN || i == libc::VTIME) {
                int::from_i64(i64::from(c))
            } else {
                bytes::new(&[c])
            }
        })
        .collect();
    Ok(list::new(vec![
        int::from_i64(i64::from(t.c_iflag)),
        int::from_i64(i64::from(t.c_oflag)),
        int::from_i64(i64::from(t.c_cflag)),
        int::from_i64(i64::from(t.c_lflag)),
        int::from_i64(i64::from(ispeed)),
        int::from_i64(i64::from(ospeed)),
        list::new(cc),
    ]))
}

/// A flag word of the attribute list (a C `tcflag_t`, read as CPython's `PyLong_AsLong`
/// then truncated).
fn flag(o: &PyObj) -> PyResult<libc::tcflag_t> {
    let v = int::to_bigint(&strand_objects::abstract_::index(o)?);
    let v = i64::try_from(&v).map_err(|_| {
        strand_objects::exceptions::overflow_error("Python int too large to convert to C long")
    })?;
    Ok(v as libc::tcflag_t)
}

/// `tcsetattr(fd, when, attributes)`.
fn tcsetattr(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tcsetattr", 3, 3)?;
    let fd = fd_arg(&a[0])?;
    let when = c_int(&a[1])?;
    let attrs = &a[2];
    let items = if list::is_list(attrs) {
        list::to_vec(attrs)
    } else {
        Vec::new()
    };
    if items.len() != 7 {
        return Err(type_error("tcsetattr, arg 3: must be 7 element list"));
    }
    // SAFETY: a zeroed termios is a valid buffer; tcgetattr fills the fields this
    // call does not set (as CPython starts from the current attributes).
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `t` is a live, properly sized termios.
    check(strand_heap::with_detached(|| unsafe {
        libc::tcgetattr(fd, &mut t)
    }))?;
    t.c_iflag = flag(&items[0])?;
    t.c_oflag = flag(&items[1])?;
    t.c_cflag = flag(&items[2])?;
    t.c_lflag = flag(&items[3])?;
    let ispeed = flag(&items[4])? as libc::speed_t;
    let ospeed = flag(&items[5])? as libc::speed_t;
    let cc = &items[6];
    let cc_items = if list::is_list(cc) {
        list::to_vec(cc)
    } else {
        Vec::new()
    };
    if cc_items.len() != libc::NCCS {
        return Err(type_error(format!(
            "tcsetattr: attributes[6] must be {} element list",
            libc::NCCS
        )));
    }
    for (i, v) in cc_items.iter().enumerate() {
        t.c_cc[i] = if bytes::is_bytes(v) && bytes::as_bytes(v).len() == 1 {
            bytes::as_bytes(v)[0]
        } else if int::is_int(v) {
            c_int(v)? as libc::cc_t
        } else {
            return Err(type_error(
                "tcsetattr: elements of attributes must be characters or integers",
            ));
        };
    }
    // SAFETY: `t` is a live termios.
    check(unsafe { libc::cfsetispeed(&mut t, ispeed) })?;
    // SAFETY: as above.
    check(unsafe { libc::cfsetospeed(&mut t, ospeed) })?;
    // SAFETY: as above.
    check(strand_heap::with_detached(|| unsafe {
        libc::tcsetattr(fd, when, &t)
    }))?;
    Ok(singletons::none())
}

/// `tcsendbreak(fd, duration)`.
fn tcsendbreak(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tcsendbreak", 2, 2)?;
    let (fd, duration) = (fd_arg(&a[0])?, c_int(&a[1])?);
    // SAFETY: a plain system call on a descriptor.
    check(strand_heap::with_detached(|| unsafe {
        libc::tcsendbreak(fd, duration)
    }))?;
    Ok(singletons::none())
}

/// `tcdrain(fd)`.
fn tcdrain(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tcdrain", 1, 1)?;
    let fd = fd_arg(&a[0])?;
    // SAFETY: a plain system call on a descriptor.
    check(strand_heap::with_detached(|| unsafe { libc::tcdrain(fd) }))?;
    Ok(singletons::none())
}

/// `tcflush(fd, queue)`.
fn tcflush(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tcflush", 2, 2)?;
    let (fd, queue) = (fd_arg(&a[0])?, c_int(&a[1])?);
    // SAFETY: a plain system call on a descriptor.
    check(unsafe { libc::tcflush(fd, queue) })?;
    Ok(singletons::none())
}

/// `tcflow(fd, action)`.
fn tcflow(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tcflow", 2, 2)?;
    let (fd, action) = (fd_arg(&a[0])?, c_int(&a[1])?);
    // SAFETY: a plain system call on a descriptor.
    check(unsafe { libc::tcflow(fd, action) })?;
    Ok(singletons::none())
}

/// `tcgetwinsize(fd)`: `(rows, columns)`.
fn tcgetwinsize(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tcgetwinsize", 1, 1)?;
    let fd = fd_arg(&a[0])?;
    // SAFETY: a zeroed winsize is a valid buffer for TIOCGWINSZ to fill.
    let mut w: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes one winsize into `w`.
    check(unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut w) })?;
    Ok(tuple::from_vec(vec![
        int::from_i64(i64::from(w.ws_row)),
        int::from_i64(i64::from(w.ws_col)),
    ]))
}

/// `tcsetwinsize(fd, winsize)`: `winsize` a two-item sequence `(rows, columns)`.
fn tcsetwinsize(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tcsetwinsize", 2, 2)?;
    let fd = fd_arg(&a[0])?;
    let items = strand_objects::abstract_::collect_iter(&a[1])
        .map_err(|_| type_error("tcsetwinsize, arg 2: must be a two-item sequence"))?;
    if items.len() != 2 {
        return Err(type_error(
            "tcsetwinsize, arg 2: must be a two-item sequence",
        ));
    }
    let dim = |o: &PyObj| -> PyResult<u16> {
        let v = int::to_bigint(&strand_objects::abstract_::index(o)?);
        u16::try_from(&v).map_err(|_| {
            strand_objects::exceptions::overflow_error("winsize value(s) out of range.")
        })
    };
    let (rows, cols) = (dim(&items[0])?, dim(&items[1])?);
    // SAFETY: a zeroed winsize is a valid buffer for TIOCGWINSZ to fill.
    let mut w: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes one winsize into `w` (the pixel sizes are kept).
    check(unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut w) })?;
    w.ws_row = rows;
    w.ws_col = cols;
    // SAFETY: TIOCSWINSZ reads one winsize from `w`.
    check(unsafe { libc::ioctl(fd, libc::TIOCSWINSZ, &w) })?;
    Ok(singletons::none())
}

/// The constants libc names.
const FROM_LIBC: &[(&str, i64)] = &[
    ("B0", libc::B0 as i64),
    ("B1000000", libc::B1000000 as i64),
    ("B110", libc::B110 as i64),
    ("B115200", libc::B115200 as i64),
    ("B1152000", libc::B1152000 as i64),
    ("B1200", libc::B1200 as i64),
    ("B134", libc::B134 as i64),
    ("B150", libc::B150 as i64),
    ("B1500000", libc::B1500000 as i64),
    ("B1800", libc::B1800 as i64),
    ("B19200", libc::B19200 as i64),
    ("B200", libc::B200 as i64),
    ("B2000000", libc::B2000000 as i64),
    ("B230400", libc::B230400 as i64),
    ("B2400", libc::B2400 as i64),
    ("B2500000", libc::B2500000 as i64),
    ("B300", libc::B300 as i64),
    ("B3000000", libc::B3000000 as i64),
    ("B3500000", libc::B3500000 as i64),
    ("B38400", libc::B38400 as i64),
    ("B4000000", libc::B4000000 as i64),
    ("B460800", libc::B460800 as i64),
    ("B4800", libc::B4800 as i64),
    ("B50", libc::B50 as i64),
    ("B500000", libc::B500000 as i64),
    ("B57600", libc::B57600 as i64),
    ("B576000", libc::B576000 as i64),
    ("B600", libc::B600 as i64),
    ("B75", libc::B75 as i64),
    ("B921600", libc::B921600 as i64),
    ("B9600", libc::B9600 as i64),
    ("BRKINT", libc::BRKINT as i64),
    ("BS0", libc::BS0 as i64),
    ("BS1", libc::BS1 as i64),
    ("BSDLY", libc::BSDLY as i64),
    ("CBAUD", libc::CBAUD as i64),
    ("CBAUDEX", libc::CBAUDEX as i64),
    ("CIBAUD", libc::CIBAUD as i64),
    ("CLOCAL", libc::CLOCAL as i64),
    ("CR0", libc::CR0 as i64),
    ("CR1", libc::CR1 as i64),
    ("CR2", libc::CR2 as i64),
    ("CR3", libc::CR3 as i64),
    ("CRDLY", libc::CRDLY as i64),
    ("CREAD", libc::CREAD as i64),
    ("CRTSCTS", libc::CRTSCTS as i64),
    ("CS5", libc::CS5 as i64),
    ("CS6", libc::CS6 as i64),
    ("CS7", libc::CS7 as i64),
    ("CS8", libc::CS8 as i64),
    ("CSIZE", libc::CSIZE as i64),
    ("CSTOPB", libc::CSTOPB as i64),
    ("ECHO", libc::ECHO as i64),
    ("ECHOCTL", libc::ECHOCTL as i64),
    ("ECHOE", libc::ECHOE as i64),
    ("ECHOK", libc::ECHOK as i64),
    ("ECHOKE", libc::ECHOKE as i64),
    ("ECHONL", libc::ECHONL as i64),
    ("ECHOPRT", libc::ECHOPRT as i64),
    ("EXTA", libc::EXTA as i64),
    ("EXTB", libc::EXTB as i64),
    ("FF0", libc::FF0 as i64),
    ("FF1", libc::FF1 as i64),
    ("FFDLY", libc::FFDLY as i64),
    ("FIOASYNC", libc::FIOASYNC as i64),
    ("FIOCLEX", libc::FIOCLEX as i64),
    ("FIONBIO", libc::FIONBIO as i64),
    ("FIONCLEX", libc::FIONCLEX as i64),
    ("FIONREAD", libc::FIONREAD as i64),
    ("FLUSHO", libc::FLUSHO as i64),
    ("HUPCL", libc::HUPCL as i64),
    ("ICANON", libc::ICANON as i64),
    ("ICRNL", libc::ICRNL as i64),
    ("IEXTEN", libc::IEXTEN as i64),
    ("IGNBRK", libc::IGNBRK as i64),
    ("IGNCR", libc::IGNCR as i64),
    ("IGNPAR", libc::IGNPAR as i64),
    ("IMAXBEL", libc::IMAXBEL as i64),
    ("INLCR", libc::INLCR as i64),
    ("INPCK", libc::INPCK as i64),
    ("ISIG", libc::ISIG as i64),
    ("ISTRIP", libc::ISTRIP as i64),
    ("IUCLC", libc::IUCLC as i64),
    ("IXANY", libc::IXANY as i64),
    ("IXOFF", libc::IXOFF as i64),
    ("IXON", libc::IXON as i64),
    ("NCCS", libc::NCCS as i64),
    ("NL0", libc::NL0 as i64),
    ("NL1", libc::NL1 as i64),
    ("NLDLY", libc::NLDLY as i64),
    ("NOFLSH", libc::NOFLSH as i64),
    ("OCRNL", libc::OCRNL as i64),
    ("OFDEL", libc::OFDEL as i64),
    ("OFILL", libc::OFILL as i64),
    ("OLCUC", libc::OLCUC as i64),
    ("ONLCR", libc::ONLCR as i64),
    ("ONLRET", libc::ONLRET as i64),
    ("ONOCR", libc::ONOCR as i64),
    ("OPOST", libc::OPOST as i64),
    ("PARENB", libc::PARENB as i64),
    ("PARMRK", libc::PARMRK as i64),
    ("PARODD", libc::PARODD as i64),
    ("PENDIN", libc::PENDIN as i64),
    ("TAB0", libc::TAB0 as i64),
    ("TAB1", libc::TAB1 as i64),
    ("TAB2", libc::TAB2 as i64),
    ("TAB3", libc::TAB3 as i64),
    ("TABDLY", libc::TABDLY as i64),
    ("TCFLSH", libc::TCFLSH as i64),
    ("TCGETA", libc::TCGETA as i64),
    ("TCGETS", libc::TCGETS as i64),
    ("TCIFLUSH", libc::TCIFLUSH as i64),
    ("TCIOFF", libc::TCIOFF as i64),
    ("TCIOFLUSH", libc::TCIOFLUSH as i64),
    ("TCION", libc::TCION as i64),
    ("TCOFLUSH", libc::TCOFLUSH as i64),
    ("TCOOFF", libc::TCOOFF as i64),
    ("TCOON", libc::TCOON as i64),
    ("TCSADRAIN", libc::TCSADRAIN as i64),
    ("TCSAFLUSH", libc::TCSAFLUSH as i64),
    ("TCSANOW", libc::TCSANOW as i64),
    ("TCSBRK", libc::TCSBRK as i64),
    ("TCSBRKP", libc::TCSBRKP as i64),
    ("TCSETA", libc::TCSETA as i64),
    ("TCSETAF", libc::TCSETAF as i64),
    ("TCSETAW", libc::TCSETAW as i64),
    ("TCSETS", libc::TCSETS as i64),
    ("TCSETSF", libc::TCSETSF as i64),
    ("TCSETSW", libc::TCSETSW as i64),
    ("TCXONC", libc::TCXONC as i64),
    ("TIOCCONS", libc::TIOCCONS as i64),
    ("TIOCEXCL", libc::TIOCEXCL as i64),
    ("TIOCGETD", libc::TIOCGETD as i64),
    ("TIOCGICOUNT", libc::TIOCGICOUNT as i64),
    ("TIOCGLCKTRMIOS", libc::TIOCGLCKTRMIOS as i64),
    ("TIOCGPGRP", libc::TIOCGPGRP as i64),
    ("TIOCGSERIAL", libc::TIOCGSERIAL as i64),
    ("TIOCGSOFTCAR", libc::TIOCGSOFTCAR as i64),
    ("TIOCGWINSZ", libc::TIOCGWINSZ as i64),
    ("TIOCINQ", libc::TIOCINQ as i64),
    ("TIOCLINUX", libc::TIOCLINUX as i64),
    ("TIOCMBIC", libc::TIOCMBIC as i64),
    ("TIOCMBIS", libc::TIOCMBIS as i64),
    ("TIOCMGET", libc::TIOCMGET as i64),
    ("TIOCMIWAIT", libc::TIOCMIWAIT as i64),
    ("TIOCMSET", libc::TIOCMSET as i64),
    ("TIOCM_CAR", libc::TIOCM_CAR as i64),
    ("TIOCM_CD", libc::TIOCM_CD as i64),
    ("TIOCM_CTS", libc::TIOCM_CTS as i64),
    ("TIOCM_DSR", libc::TIOCM_DSR as i64),
    ("TIOCM_DTR", libc::TIOCM_DTR as i64),
    ("TIOCM_LE", libc::TIOCM_LE as i64),
    ("TIOCM_RI", libc::TIOCM_RI as i64),
    ("TIOCM_RNG", libc::TIOCM_RNG as i64),
    ("TIOCM_RTS", libc::TIOCM_RTS as i64),
    ("TIOCM_SR", libc::TIOCM_SR as i64),
    ("TIOCM_ST", libc::TIOCM_ST as i64),
    ("TIOCNOTTY", libc::TIOCNOTTY as i64),
    ("TIOCNXCL", libc::TIOCNXCL as i64),
    ("TIOCOUTQ", libc::TIOCOUTQ as i64),
    ("TIOCPKT", libc::TIOCPKT as i64),
    ("TIOCSCTTY", libc::TIOCSCTTY as i64),
    ("TIOCSERCONFIG", libc::TIOCSERCONFIG as i64),
    ("TIOCSERGETLSR", libc::TIOCSERGETLSR as i64),
    ("TIOCSERGETMULTI", libc::TIOCSERGETMULTI as i64),
    ("TIOCSERGSTRUCT", libc::TIOCSERGSTRUCT as i64),
    ("TIOCSERGWILD", libc::TIOCSERGWILD as i64),
    ("TIOCSERSETMULTI", libc::TIOCSERSETMULTI as i64),
    ("TIOCSERSWILD", libc::TIOCSERSWILD as i64),
    ("TIOCSETD", libc::TIOCSETD as i64),
    ("TIOCSLCKTRMIOS", libc::TIOCSLCKTRMIOS as i64),
    ("TIOCSPGRP", libc::TIOCSPGRP as i64),
    ("TIOCSSERIAL", libc::TIOCSSERIAL as i64),
    ("TIOCSSOFTCAR", libc::TIOCSSOFTCAR as i64),
    ("TIOCSTI", libc::TIOCSTI as i64),
    ("TIOCSWINSZ", libc::TIOCSWINSZ as i64),
    ("TOSTOP", libc::TOSTOP as i64),
    ("VDISCARD", libc::VDISCARD as i64),
    ("VEOF", libc::VEOF as i64),
    ("VEOL", libc::VEOL as i64),
    ("VEOL2", libc::VEOL2 as i64),
    ("VERASE", libc::VERASE as i64),
    ("VINTR", libc::VINTR as i64),
    ("VKILL", libc::VKILL as i64),
    ("VLNEXT", libc::VLNEXT as i64),
    ("VMIN", libc::VMIN as i64),
    ("VQUIT", libc::VQUIT as i64),
    ("VREPRINT", libc::VREPRINT as i64),
    ("VSTART", libc::VSTART as i64),
    ("VSTOP", libc::VSTOP as i64),
    ("VSUSP", libc::VSUSP as i64),
    ("VSWTC", libc::VSWTC as i64),
    ("VT0", libc::VT0 as i64),
    ("VT1", libc::VT1 as i64),
    ("VTDLY", libc::VTDLY as i64),
    ("VTIME", libc::VTIME as i64),
    ("VWERASE", libc::VWERASE as i64),
    ("XCASE", libc::XCASE as i64),
    ("XTABS", libc::XTABS as i64),
];

/// Constants the libc crate does not name, with their Linux values (the C headers
/// named beside them).
const LINUX_ONLY: &[(&str, i64)] = &[
    ("CDSUSP", 25),               // `CTRL('y')`, sys/ttydefaults.h
    ("CEOF", 4),                  // `CTRL('d')`
    ("CEOL", 0),                  // `_POSIX_VDISABLE`
    ("CEOT", 4),                  // `CEOF`
    ("CERASE", 127),              // DEL
    ("CFLUSH", 15),               // `CTRL('o')`
    ("CINTR", 3),                 // `CTRL('c')`
    ("CKILL", 21),                // `CTRL('u')`
    ("CLNEXT", 22),               // `CTRL('v')`
    ("CQUIT", 28),                // `CTRL('\\')`
    ("CRPRNT", 18),               // `CTRL('r')`
    ("CSTART", 17),               // `CTRL('q')`
    ("CSTOP", 19),                // `CTRL('s')`
    ("CSUSP", 26),                // `CTRL('z')`
    ("CWERASE", 23),              // `CTRL('w')`
    ("IOCSIZE_MASK", 1073676288), // asm-generic/ioctl.h
    ("IOCSIZE_SHIFT", 16),        // asm-generic/ioctl.h
    ("NCC", 8),                   // asm-generic/termios.h
    ("N_MOUSE", 2),               // line disciplines, linux/tty.h
    ("N_PPP", 3),
    ("N_SLIP", 1),
    ("N_STRIP", 4),
    ("N_TTY", 0),
    ("TIOCPKT_DATA", 0), // asm-generic/ioctls.h
    ("TIOCPKT_DOSTOP", 32),
    ("TIOCPKT_FLUSHREAD", 1),
    ("TIOCPKT_FLUSHWRITE", 2),
    ("TIOCPKT_NOSTOP", 16),
    ("TIOCPKT_START", 8),
    ("TIOCPKT_STOP", 4),
    ("TIOCSER_TEMT", 1),
    ("VSWTCH", 7), // `VSWTC`'s other name
];

/// The `termios` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("termios");
    add_functions(
        &m,
        "termios",
        &[
            ("tcgetattr", tcgetattr),
            ("tcsetattr", tcsetattr),
            ("tcsendbreak", tcsendbreak),
            ("tcdrain", tcdrain),
            ("tcflush", tcflush),
            ("tcflow", tcflow),
            ("tcgetwinsize", tcgetwinsize),
            ("tcsetwinsize", tcsetwinsize),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "error", error_class());
    for (name, value) in FROM_LIBC.iter().chain(LINUX_ONLY) {
        add_int(&d, name, *value);
    }
    m
}
