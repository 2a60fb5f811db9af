//! The state behind an open file: the OS file, a read-ahead buffer and a write
//! buffer, shared by the layers Python sees (`FileIO`, `Buffered*`,
//! `TextIOWrapper`), so that a text file and its `.buffer` never disagree about the
//! position or the pending bytes.
//!
//! Locking rule (what keeps stop-the-world from ever waiting on I/O): the state is
//! behind a `std::sync::Mutex` that is taken with [`FileCore::lock`] — a contended
//! lock is waited for *detached* — and every system call that may block runs inside
//! [`strand_heap::with_detached`]. While the guard is held, code only touches Rust
//! data and allocates plain objects (str, bytes, exceptions); it never runs Python
//! code or drops references to arbitrary objects (a `__del__` that prints would
//! re-enter the lock).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError, Weak};

/// The default buffer size (`io.DEFAULT_BUFFER_SIZE`).
pub const DEFAULT_BUFFER_SIZE: usize = 8192;

/// How lines end (the `newline` argument of text files).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Newline {
    /// `None`: any of `\n`, `\r`, `\r\n` ends a line on input and reads as `\n`;
    /// `\n` is written as `os.linesep`.
    Universal,
    /// `''`: any of the three ends a line, untranslated.
    UniversalRaw,
    /// `'\n'`.
    Lf,
    /// `'\r'`: lines end with `\r`; `\n` is written as `\r`.
    Cr,
    /// `'\r\n'`: lines end with `\r\n`; `\n` is written as `\r\n`.
    CrLf,
}

/// What ends a line when scanning bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    /// `\n` only.
    Lf,
    /// `\r` only.
    Cr,
    /// `\r\n` only.
    CrLf,
    /// Any of `\n`, `\r`, `\r\n`.
    Any,
}

impl Newline {
    /// The terminator that ends a line on input.
    pub fn term(self) -> Term {
        match self {
            Newline::Universal | Newline::UniversalRaw => Term::Any,
            Newline::Lf => Term::Lf,
            Newline::Cr => Term::Cr,
            Newline::CrLf => Term::CrLf,
        }
    }
}

/// Errors of the buffered layer, turned into Python exceptions by the caller (after
/// the lock is released).
#[derive(Debug)]
pub enum IoFail {
    /// An OS error.
    Os(std::io::Error),
    /// The file is closed.
    Closed,
    /// `io.UnsupportedOperation` with this message.
    Unsupported(&'static str),
    /// `ValueError` with this message.
    Value(String),
    /// `OSError` with this message (no errno).
    OsMsg(&'static str),
    /// Text layer: a chunk just read is not valid UTF-8; the bytes from the start of
    /// the chunk (the `UnicodeDecodeError` positions count from there).
    Decode(Vec<u8>),
    /// SIGINT arrived while the main thread waited for input: `KeyboardInterrupt`.
    Interrupted,
}

impl From<std::io::Error> for IoFail {
    fn from(e: std::io::Error) -> IoFail {
        IoFail::Os(e)
    }
}

/// Runs a system call detached (see the module docs).
#[inline]
pub fn blocking<R>(f: impl FnOnce() -> R) -> R {
    strand_heap::with_detached(f)
}

/// Waits until `f` has input to read. On the main thread, the wait wakes up to look
/// for SIGINT, which the signal watcher thread records (the `read` itself would be
/// restarted, never interrupted): Ctrl-C during `input()` or `sys.stdin.read()` raises
/// `KeyboardInterrupt` at once, as CPython's interrupted `read` does. Other threads,
/// and files that are always readable, go straight to the `read`.
fn wait_readable(f: &File) -> Result<(), IoFail> {
    use std::os::fd::AsRawFd;
    let Some(slice) = strand_interp::signals::wait_slice() else {
        return Ok(());
    };
    let timeout = i32::try_from(slice.as_millis()).unwrap_or(i32::MAX);
    loop {
        if strand_interp::signals::interrupt_pending() {
            return Err(IoFail::Interrupted);
        }
        let mut pfd = libc::pollfd {
            fd: f.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = blocking(|| unsafe { libc::poll(&mut pfd, 1, timeout) });
        if ready != 0 {
            // Readable, at end of file, failed or not pollable: `read` reports which.
            return Ok(());
        }
    }
}

/// Retries a call interrupted by a signal.
fn retry<R>(mut f: impl FnMut() -> std::io::Result<R>) -> std::io::Result<R> {
    loop {
        match f() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// The mutable state of an open file. See the module docs.
pub struct FileState {
    /// The OS file; `None` once closed. Never dropped implicitly: closing decides
    /// whether the descriptor is closed (`closefd`).
    file: Option<ManuallyDrop<File>>,
    /// The descriptor (kept after closing, for reprs).
    pub fd: i32,
    /// Close the descriptor when the file is closed.
    pub closefd: bool,
    /// Opened for reading.
    pub readable: bool,
    /// Opened for writing.
    pub writable: bool,
    /// Opened with `a` (every write goes to the end).
    pub appending: bool,
    seekable: Option<bool>,
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    /// Flush when the write buffer reaches this size.
    pub buf_size: usize,
    /// Text layer: flush after a write that contains a newline.
    pub line_buffering: bool,
    /// Flush after every write.
    pub write_through: bool,
    /// Text layer: `tell()` allowed (iteration with `next()` disables it, as in
    /// CPython, until the end of the file or a seek).
    pub telling: bool,
    /// Text layer, strict UTF-8: check each chunk as it is read (CPython decodes
    /// whole chunks, so a bad byte fails the read that brought it in). Set only
    /// around text reads: the binary layers share this state.
    pub check_utf8: bool,
    /// How far into `rbuf` the bytes were checked by `check_utf8`.
    checked: usize,
}

/// An open file's shared state. See the module docs.
pub struct FileCore {
    state: Mutex<FileState>,
    /// The name assigned to the raw file's `name` attribute after opening (CPython
    /// keeps it in the FileIO's dict; `tempfile` assigns it), seen by every layer.
    /// Held only to clone or swap the reference.
    renamed: Mutex<Option<strand_objects::PyObj>>,
    /// `del f.name` ran (and no name was assigned since).
    name_deleted: std::sync::atomic::AtomicBool,
    /// The text layer's `mode` once assigned (CPython's `open()` and
    /// `tokenize.open` set it in the TextIOWrapper's dict). Held only to clone or swap.
    text_mode: Mutex<Option<strand_objects::PyObj>>,
}

/// Every writable file, for the flush at exit.
static WRITABLE: Mutex<Vec<Weak<FileCore>>> = Mutex::new(Vec::new());

impl FileCore {
    /// The name assigned after opening, if any.
    pub fn renamed(&self) -> Option<strand_objects::PyObj> {
        self.renamed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether the name was deleted (`del f.name`).
    pub fn name_deleted(&self) -> bool {
        self.name_deleted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Deletes the name (`del f.name`); returns the assigned one it drops (drop it
    /// after this returns).
    pub fn delete_name(&self) -> Option<strand_objects::PyObj> {
        self.name_deleted
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.renamed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// Assigns the name; returns the one replaced (drop it after this returns).
    pub fn rename(&self, name: strand_objects::PyObj) -> Option<strand_objects::PyObj> {
        self.name_deleted
            .store(false, std::sync::atomic::Ordering::Relaxed);
        self.renamed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(name)
    }

    /// The text layer's assigned `mode`, if any.
    pub fn text_mode(&self) -> Option<strand_objects::PyObj> {
        self.text_mode
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Assigns the text layer's `mode`; returns the one replaced (drop it after this
    /// returns).
    pub fn set_text_mode(&self, mode: strand_objects::PyObj) -> Option<strand_objects::PyObj> {
        self.text_mode
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(mode)
    }

    /// Wraps an open OS file. `closefd == false` leaves the descriptor open when the
    /// file is closed (the standard streams, `open(fd, closefd=False)`).
    pub fn new(
        file: File,
        readable: bool,
        writable: bool,
        appending: bool,
        closefd: bool,
    ) -> Arc<FileCore> {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        let core = Arc::new(FileCore {
            renamed: Mutex::new(None),
            name_deleted: std::sync::atomic::AtomicBool::new(false),
            text_mode: Mutex::new(None),
            state: Mutex::new(FileState {
                file: Some(ManuallyDrop::new(file)),
                fd,
                closefd,
                readable,
                writable,
                appending,
                seekable: None,
                rbuf: Vec::new(),
                rpos: 0,
                wbuf: Vec::new(),
                buf_size: DEFAULT_BUFFER_SIZE,
                line_buffering: false,
                write_through: false,
                telling: true,
                check_utf8: false,
                checked: 0,
            }),
        });
        if writable {
            let mut w = WRITABLE.lock().unwrap_or_else(|e| e.into_inner());
            if w.len() >= 64 {
                w.retain(|c| c.strong_count() > 0);
            }
            w.push(Arc::downgrade(&core));
        }
        core
    }

    /// Takes the state's lock; a contended lock is waited for detached, so that a
    /// thread blocked here never holds up a stop-the-world.
    pub fn lock(&self) -> MutexGuard<'_, FileState> {
        match self.state.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                blocking(|| self.state.lock().unwrap_or_else(|p| p.into_inner()))
            }
        }
    }

    /// Called when one of the file's Python objects dies: the last of them closes
    /// the file (no detaching: deallocs may run where the thread must stay
    /// attached). Errors are dropped, as CPython's finalizer does with everything
    /// but the report.
    ///
    /// Unlike CPython, where the death of any layer closes the file, the file stays
    /// open while another layer (a `.buffer` or `.raw` kept by the program, or a
    /// `TextIOWrapper` built over it) is alive.
    pub fn close_on_dealloc(self: &Arc<Self>) {
        if Arc::strong_count(self) > 1 {
            return;
        }
        let mut st = match self.state.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return,
        };
        let st = &mut *st;
        if let Some(f) = st.file.as_deref() {
            let _ = retry(|| (&*f).write_all(&st.wbuf));
        }
        let _ = st.release_file();
    }
}

/// Flushes every open writable file (at interpreter exit).
pub fn flush_all() {
    let cores: Vec<Arc<FileCore>> = {
        let w = WRITABLE.lock().unwrap_or_else(|e| e.into_inner());
        w.iter().filter_map(Weak::upgrade).collect()
    };
    for c in cores {
        let _ = c.lock().flush();
    }
}

impl FileState {
    /// `true` once closed.
    pub fn is_closed(&self) -> bool {
        self.file.is_none()
    }

    fn file(&self) -> Result<&File, IoFail> {
        self.file.as_deref().ok_or(IoFail::Closed)
    }

    /// Fails with `Closed` if the file is closed.
    pub fn check_open(&self) -> Result<(), IoFail> {
        self.file().map(|_| ())
    }

    /// Writes out the write buffer.
    pub fn flush(&mut self) -> Result<(), IoFail> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let FileState { file, wbuf, .. } = self;
        let f: &File = file.as_deref().ok_or(IoFail::Closed)?;
        let r = blocking(|| retry(|| (&*f).write_all(wbuf)));
        wbuf.clear();
        r.map_err(IoFail::Os)
    }

    /// Flushes and closes (the descriptor too if `closefd`). Closing twice is a
    /// no-op.
    pub fn close(&mut self) -> Result<(), IoFail> {
        if self.file.is_none() {
            return Ok(());
        }
        let r = self.flush();
        let c = self.release_file();
        r.and(c)
    }

    /// Drops the buffers and closes the descriptor (if `closefd`); the `close(2)`
    /// error, such as `EBADF` for a descriptor closed behind the file's back (which
    /// dropping a `File` would not report, and debug builds of std abort on).
    fn release_file(&mut self) -> Result<(), IoFail> {
        use std::os::fd::IntoRawFd;
        self.wbuf.clear();
        self.clear_read_ahead();
        if let Some(f) = self.file.take() {
            if self.closefd {
                let fd = ManuallyDrop::into_inner(f).into_raw_fd();
                // SAFETY: `fd` was owned by the file just taken apart; it is closed
                // once, here.
                if unsafe { libc::close(fd) } != 0 {
                    return Err(IoFail::Os(std::io::Error::last_os_error()));
                }
            }
        }
        Ok(())
    }

    /// Whether the OS file supports seeking (cached).
    pub fn seekable(&mut self) -> Result<bool, IoFail> {
        if let Some(s) = self.seekable {
            return Ok(s);
        }
        let s = self.file()?.stream_position().is_ok();
        self.seekable = Some(s);
        Ok(s)
    }

    /// Bytes read ahead and not yet consumed.
    pub fn avail(&self) -> usize {
        self.rbuf.len() - self.rpos
    }

    /// The read-ahead bytes not yet consumed.
    pub fn window(&self) -> &[u8] {
        &self.rbuf[self.rpos..]
    }

    /// Consumes `n` read-ahead bytes.
    pub fn consume(&mut self, n: usize) {
        self.rpos = (self.rpos + n).min(self.rbuf.len());
    }

    /// Gives back the last `n` consumed bytes (still in the buffer: nothing was read
    /// since they were consumed).
    pub fn unconsume(&mut self, n: usize) {
        self.rpos = self.rpos.saturating_sub(n);
    }

    fn clear_read_ahead(&mut self) {
        self.rbuf.clear();
        self.rpos = 0;
        self.checked = 0;
    }

    /// Reads more bytes after the unconsumed ones; `Ok(false)` at end of file.
    pub fn fill(&mut self) -> Result<bool, IoFail> {
        if self.rpos > 0 {
            self.rbuf.drain(..self.rpos);
            self.checked = self.checked.saturating_sub(self.rpos);
            self.rpos = 0;
        }
        let more = self.fill_raw()?;
        if more && self.check_utf8 {
            let start = self.checked.max(self.rpos);
            match std::str::from_utf8(&self.rbuf[start..]) {
                Ok(_) => self.checked = self.rbuf.len(),
                Err(e) if e.error_len().is_none() => self.checked = start + e.valid_up_to(),
                Err(_) => return Err(IoFail::Decode(self.rbuf[start..].to_vec())),
            }
        }
        Ok(more)
    }

    fn fill_raw(&mut self) -> Result<bool, IoFail> {
        let old = self.rbuf.len();
        let want = self.buf_size.max(1);
        self.rbuf.resize(old + want, 0);
        let FileState { file, rbuf, .. } = self;
        let f: &File = match file.as_deref() {
            Some(f) => f,
            None => {
                rbuf.truncate(old);
                return Err(IoFail::Closed);
            }
        };
        let tail = &mut rbuf[old..];
        if let Err(e) = wait_readable(f) {
            rbuf.truncate(old);
            return Err(e);
        }
        let r = blocking(|| retry(|| (&*f).read(tail)));
        match r {
            Ok(n) => {
                rbuf.truncate(old + n);
                Ok(n > 0)
            }
            Err(e) => {
                rbuf.truncate(old);
                Err(IoFail::Os(e))
            }
        }
    }

    /// Before reading: the file must be readable; pending writes go out first.
    pub fn prepare_read(&mut self, what: &'static str) -> Result<(), IoFail> {
        self.check_open()?;
        if !self.readable {
            return Err(IoFail::Unsupported(what));
        }
        self.flush()
    }

    /// Before writing: the file must be writable; bytes read ahead are given back to
    /// the OS position, so the write lands where the reader stopped.
    pub fn prepare_write(&mut self, what: &'static str) -> Result<(), IoFail> {
        self.check_open()?;
        if !self.writable {
            return Err(IoFail::Unsupported(what));
        }
        self.drop_read_ahead()
    }

    fn drop_read_ahead(&mut self) -> Result<(), IoFail> {
        let back = self.avail();
        self.clear_read_ahead();
        if back > 0 && self.seekable()? {
            let f = self.file()?;
            (&*f).seek(SeekFrom::Current(-(back as i64)))?;
        }
        Ok(())
    }

    /// Reads everything up to the end of the file.
    pub fn read_all(&mut self) -> Result<Vec<u8>, IoFail> {
        let mut out = self.window().to_vec();
        self.clear_read_ahead();
        let f = self.file()?;
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            wait_readable(f)?;
            let n = blocking(|| retry(|| (&*f).read(&mut chunk)))?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&chunk[..n]);
        }
    }

    /// Reads up to `n` bytes (fewer only at the end of the file).
    pub fn read_n(&mut self, n: usize) -> Result<Vec<u8>, IoFail> {
        while self.avail() < n {
            if !self.fill()? {
                break;
            }
        }
        let k = n.min(self.avail());
        let out = self.window()[..k].to_vec();
        self.consume(k);
        Ok(out)
    }

    /// One `read` system call of at most `n` bytes, after whatever is buffered
    /// (`FileIO.read`, `read1`).
    pub fn read_once(&mut self, n: usize) -> Result<Vec<u8>, IoFail> {
        if self.avail() > 0 {
            let k = n.min(self.avail());
            let out = self.window()[..k].to_vec();
            self.consume(k);
            return Ok(out);
        }
        let f = self.file()?;
        let mut buf = vec![0u8; n];
        wait_readable(f)?;
        let got = blocking(|| retry(|| (&*f).read(&mut buf)))?;
        buf.truncate(got);
        Ok(buf)
    }

    /// The bytes of the next line, terminator included (`term`), at most `limit`
    /// bytes; empty at end of file.
    pub fn read_line(&mut self, limit: Option<usize>, term: Term) -> Result<Vec<u8>, IoFail> {
        let end = self.line_end(limit, term)?;
        let out = self.window()[..end].to_vec();
        self.consume(end);
        Ok(out)
    }

    /// Reads ahead until the window holds the next whole line (or `limit` bytes, or
    /// the rest of the file) and returns the line's length in the window, terminator
    /// included; nothing is consumed.
    pub fn line_end(&mut self, limit: Option<usize>, term: Term) -> Result<usize, IoFail> {
        let mut from = 0;
        let end = loop {
            let win = self.window();
            match find_line_end(win, from, term, false) {
                Ok(end) => break end,
                Err(_) if limit.is_some_and(|l| win.len() >= l) => break win.len(),
                Err(resume) => from = resume,
            }
            if !self.fill()? {
                let win = self.window();
                break find_line_end(win, 0, term, true).unwrap_or(win.len());
            }
            // `fill` moved the unconsumed bytes to the front: `from` still indexes
            // the window.
        };
        Ok(limit.map_or(end, |l| end.min(l)))
    }

    /// Appends to the write buffer, flushing as the buffer size and the flags ask.
    /// `newline_seen`: the data contains a line end (for line buffering).
    pub fn write(&mut self, data: &[u8], newline_seen: bool) -> Result<(), IoFail> {
        self.wbuf.extend_from_slice(data);
        if self.wbuf.len() >= self.buf_size
            || self.write_through
            || (self.line_buffering && newline_seen)
        {
            self.flush()?;
        }
        Ok(())
    }

    /// One `write` system call (`FileIO.write`); returns the bytes written.
    pub fn write_once(&mut self, data: &[u8]) -> Result<usize, IoFail> {
        self.flush()?;
        let f = self.file()?;
        Ok(blocking(|| retry(|| (&*f).write(data)))?)
    }

    /// The logical position: the OS position less the unconsumed read-ahead plus the
    /// pending writes.
    pub fn tell(&mut self) -> Result<u64, IoFail> {
        let f = self.file()?;
        let raw = (&*f).stream_position()?;
        if self.appending && !self.wbuf.is_empty() {
            self.flush()?;
            let f = self.file()?;
            return Ok((&*f).stream_position()?);
        }
        Ok((raw + self.wbuf.len() as u64).saturating_sub(self.avail() as u64))
    }

    /// Moves to `pos` relative to `whence` (0 start, 1 current, 2 end); returns the
    /// new absolute position.
    pub fn seek(&mut self, pos: i64, whence: i32) -> Result<u64, IoFail> {
        self.flush()?;
        let avail = self.avail() as i64;
        let target = match whence {
            0 => {
                if pos < 0 {
                    return Err(IoFail::Os(std::io::Error::from_raw_os_error(22)));
                }
                SeekFrom::Start(pos as u64)
            }
            1 => SeekFrom::Current(pos - avail),
            _ => SeekFrom::End(pos),
        };
        let f = self.file()?;
        let r = (&*f).seek(target)?;
        self.clear_read_ahead();
        Ok(r)
    }

    /// Truncates (or extends) the file to `size` bytes, or to the current position.
    pub fn truncate(&mut self, size: Option<u64>) -> Result<u64, IoFail> {
        let pos = self.tell()?;
        self.flush()?;
        let size = size.unwrap_or(pos);
        let f = self.file()?;
        blocking(|| f.set_len(size))?;
        Ok(size)
    }

    /// `isatty()`.
    pub fn isatty(&self) -> Result<bool, IoFail> {
        use std::io::IsTerminal;
        Ok(self.file()?.is_terminal())
    }
}

/// Where the first line of `win` (searched from `from`) ends: `Ok(end)` just after its
/// terminator, or `Err(resume)` if more bytes are needed (a `\r` at the very end may
/// be the start of `\r\n`), with where to resume the search. At end of file
/// (`eof`) a trailing `\r` ends the line.
pub fn find_line_end(win: &[u8], from: usize, term: Term, eof: bool) -> Result<usize, usize> {
    let n = win.len();
    let find = |c: u8| {
        win[from.min(n)..]
            .iter()
            .position(|&b| b == c)
            .map(|i| i + from)
    };
    match term {
        Term::Lf => find(b'\n').map(|i| i + 1).ok_or(n),
        Term::Cr => find(b'\r').map(|i| i + 1).ok_or(n),
        Term::CrLf => {
            let mut i = from;
            while i < n {
                if win[i] == b'\r' {
                    if i + 1 < n {
                        if win[i + 1] == b'\n' {
                            return Ok(i + 2);
                        }
                    } else if !eof {
                        return Err(i);
                    }
                }
                i += 1;
            }
            Err(n)
        }
        Term::Any => {
            for i in from..n {
                match win[i] {
                    b'\n' => return Ok(i + 1),
                    b'\r' if i + 1 < n => {
                        return Ok(if win[i + 1] == b'\n' { i + 2 } else { i + 1 });
                    }
                    b'\r' if eof => return Ok(i + 1),
                    b'\r' => return Err(i),
                    _ => {}
                }
            }
            Err(n)
        }
    }
}
