//! The `strand` command line against `python3`'s: `-c`, `-m`, programs on standard
//! input, `-i`, missing files, `-X` options, and SIGINT.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn strand() -> &'static str {
    env!("CARGO_BIN_EXE_strand")
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strand-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn run(exe: &str, args: &[&str], dir: &PathBuf, stdin: &str) -> Output {
    let mut child = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// Runs both and asserts equal stdout and status (and stderr where `stderr_too`).
fn same(args: &[&str], dir: &PathBuf, stdin: &str, stderr_too: bool) -> Output {
    let want = run("python3", args, dir, stdin);
    let got = run(strand(), args, dir, stdin);
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        String::from_utf8_lossy(&want.stdout),
        "stdout of {args:?}"
    );
    assert_eq!(got.status.code(), want.status.code(), "status of {args:?}");
    if stderr_too {
        assert_eq!(
            String::from_utf8_lossy(&got.stderr),
            String::from_utf8_lossy(&want.stderr),
            "stderr of {args:?}"
        );
    }
    got
}

#[test]
fn command_and_arguments() {
    let dir = scratch("c");
    same(
        &[
            "-c",
            "import sys; print(sys.argv, repr(sys.path[0]))",
            "a",
            "-b",
        ],
        &dir,
        "",
        true,
    );
    same(&["-c", "raise SystemExit(7)"], &dir, "", true);
    same(&["-c", "1/0"], &dir, "", true);
}

#[test]
fn module_switch_runs_modules_and_packages() {
    let dir = scratch("m");
    std::fs::write(
        dir.join("tool.py"),
        "import sys\nprint(__name__, sys.argv[1:])\n",
    )
    .expect("write");
    std::fs::create_dir_all(dir.join("pkg")).expect("pkg");
    std::fs::write(dir.join("pkg/__init__.py"), "").expect("write");
    std::fs::write(
        dir.join("pkg/__main__.py"),
        "print('package main', __name__)\n",
    )
    .expect("write");
    std::fs::write(dir.join("pkg/sub.py"), "from . import helper\nprint(__name__, __package__, __spec__.name, helper.X, type(__loader__).__name__)\n").expect("write");
    std::fs::write(dir.join("pkg/helper.py"), "X = 42\n").expect("write");
    same(&["-m", "tool", "x", "y"], &dir, "", true);
    same(&["-m", "pkg"], &dir, "", true);
    // Relative imports resolve against the package; the module has its spec.
    same(&["-m", "pkg.sub"], &dir, "", true);
    // Everything after the module (or -c's code) is the program's, options too.
    same(&["-m", "tool", "--help", "-c", "x"], &dir, "", true);
    same(&["-mtool", "-X", "y"], &dir, "", true);
    same(
        &["-B", "-c", "import sys; print(sys.argv)", "--version"],
        &dir,
        "",
        true,
    );
    // A package's own __main__ with relative imports (runpy sets __package__).
    same(&["-m", "json.tool", "--help"], &dir, "", false);
    let out = same(&["-m", "no_such_module"], &dir, "", false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("No module named no_such_module"));
}

#[test]
fn program_on_standard_input() {
    let dir = scratch("stdin");
    let program = "import sys\nprint('from stdin', sys.argv)\n";
    same(&[], &dir, program, true);
    same(&["-", "arg"], &dir, program, true);
}

#[test]
fn inspect_runs_the_prompt_after_the_program() {
    let dir = scratch("i");
    let input = "y = x * 2\ny\nif y:\n    print('yes')\n\nz = [1,\n 2]\nz\n";
    let want = run("python3", &["-i", "-c", "x = 21"], &dir, input);
    let got = run(strand(), &["-i", "-c", "x = 21"], &dir, input);
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        String::from_utf8_lossy(&want.stdout)
    );
    assert_eq!(got.status.code(), Some(0));
}

#[test]
fn missing_file_is_status_two() {
    let dir = scratch("missing");
    let out = same(&["no_such_file.py"], &dir, "", false);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("can't open file") && err.contains("[Errno 2] No such file or directory"));
}

#[test]
fn x_options() {
    let dir = scratch("x");
    let out = run(
        strand(),
        &[
            "-X",
            "stats",
            "-X",
            "gc_threshold=500",
            "-X",
            "other=1",
            "-c",
            "import gc, sys; print(gc.get_threshold()[0], sys._xoptions)",
        ],
        &dir,
        "",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "500 {'stats': True, 'gc_threshold': '500', 'other': '1'}\n"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("strand statistics") && err.contains("collections"));
    let bad = run(strand(), &["-X", "gc_threshold=x", "-c", "pass"], &dir, "");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn sigint_raises_keyboard_interrupt_in_the_main_thread() {
    use std::os::unix::process::ExitStatusExt;
    let dir = scratch("sigint");
    let program = "import time\ntry:\n    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('caught', flush=True)\ni = 0\nwhile True:\n    i += 1\n";
    std::fs::write(dir.join("p.py"), program).expect("write");
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(strand());
    cmd.arg("p.py")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: `signal` is async-signal-safe; the child starts with SIGINT at its default
    // action even when the test runner inherited it ignored (background jobs).
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let child = cmd.spawn().expect("spawn");
    let pid = child.id() as i32;
    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(700));
        // SAFETY: sends SIGINT to the child we spawned (still ours to signal: it is
        // only reaped by `wait_with_output` below).
        unsafe {
            libc::kill(pid, libc::SIGINT);
        }
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "caught\n");
    assert!(String::from_utf8_lossy(&out.stderr).ends_with("KeyboardInterrupt\n"));
    // Like CPython: an uncaught KeyboardInterrupt ends the process by SIGINT.
    assert_eq!(out.status.signal(), Some(libc::SIGINT));
}

#[test]
fn runs_under_a_small_address_space_limit() {
    // The interpreter thread's large stack is only reserved where the address space
    // allows it; under `ulimit -v` a smaller one is used (threads too).
    let dir = scratch("ulimit");
    let code = "import threading\nt = threading.Thread(target=print, args=('thread',))\nt.start(); t.join()\nprint('main')";
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 2000000 && exec '{}' -c \"$0\"",
            strand()
        ))
        .arg(code)
        .current_dir(&dir)
        .output()
        .expect("sh");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "thread\nmain\n");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn growing_past_the_address_space_limit_is_memory_error() {
    // Lists and strings that outgrow `ulimit -v` raise MemoryError (the allocation
    // is fallible) and the program goes on.
    let dir = scratch("grow");
    let code = "\
l = [0] * 1000
try:
    while True:
        l.extend(l)
except MemoryError:
    print('extend', len(l) > 10**6)
del l
s = 'ab' * 1000
try:
    while True:
        s += s
except MemoryError:
    print('concat', len(s) > 10**6)
del s
l = []
try:
    l = [0] * 10**8
    while True:
        l.append(0)
except MemoryError:
    print('append')
del l
print('done')
";
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1500000 && exec '{}' -c \"$0\"",
            strand()
        ))
        .arg(code)
        .current_dir(&dir)
        .output()
        .expect("sh");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "extend True\nconcat True\nappend\ndone\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn sigint_interrupts_reading_standard_input() {
    // Ctrl-C while input() or sys.stdin.read() waits for input that never comes
    // raises KeyboardInterrupt at once (standard input stays open and empty).
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    let dir = scratch("sigint-input");
    let program = "import sys\nprint('ready', flush=True)\ntry:\n    input()\nexcept KeyboardInterrupt:\n    print('input', flush=True)\ntry:\n    sys.stdin.read()\nexcept KeyboardInterrupt:\n    print('read', flush=True)\n";
    std::fs::write(dir.join("p.py"), program).expect("write");
    let mut cmd = Command::new(strand());
    cmd.arg("p.py")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: `signal` is async-signal-safe; the child starts with SIGINT at its default
    // action even when the test runner inherited it ignored (background jobs).
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn");
    let pid = child.id() as i32;
    let _stdin = child.stdin.take().expect("stdin");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    for expected in ["ready", "input", "read"] {
        let line = lines.next().expect("a line").expect("utf-8");
        assert_eq!(line, expected);
        seen.push(line);
        if expected != "read" {
            // SAFETY: sends SIGINT to the child we spawned (not yet reaped).
            unsafe {
                libc::kill(pid, libc::SIGINT);
            }
        }
    }
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
}

/// Runs `exe FILE` with standard output a pipe that the reader closes after the first
/// line (as `exe FILE | head -1`): the first line, then standard error and status.
fn run_into_closed_pipe(exe: &str, dir: &PathBuf) -> (String, String, Option<i32>) {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(exe)
        .arg("p.py")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    {
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        out.read_line(&mut first).expect("first line");
    }
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("wait");
    (first, err, status.code())
}

#[test]
fn broken_pipe_ends_as_cpython_does() {
    let dir = scratch("pipe");
    std::fs::write(dir.join("p.py"), "for i in range(10**6):\n    print(i)\n").expect("write");
    let want = run_into_closed_pipe("python3", &dir);
    let got = run_into_closed_pipe(strand(), &dir);
    assert_eq!(got, want);
}

/// CPython's start-up options, as `sys.flags` and their effects show them: `-O`/`-OO`
/// (asserts, `__debug__`, docstrings), `-W` (`sys.warnoptions`), `-I`/`-E`/`-P`
/// (environment and the script's directory), `-B`, `-s`, `-S`, `-v`, `-b`, `-u`.
#[test]
fn cpython_startup_options() {
    let dir = scratch("flags");
    std::fs::write(
        dir.join("prog.py"),
        "import sys\n\
         def f():\n    'doc'\n    assert False, 'kept'\n    return 'asserts skipped'\n\
         try:\n    print(f())\nexcept AssertionError as e:\n    print('assert', e)\n\
         print(__debug__, f.__doc__, sys.warnoptions)\n\
         fl = sys.flags\n\
         print(fl.optimize, fl.ignore_environment, fl.isolated, fl.safe_path, fl.no_user_site,\n\
               fl.no_site, fl.dont_write_bytecode, fl.verbose, fl.bytes_warning)\n",
    )
    .expect("write program");
    for args in [
        &["prog.py"][..],
        &["-O", "prog.py"],
        &["-OO", "prog.py"],
        &["-W", "ignore", "-W", "error::DeprecationWarning", "prog.py"],
        &["-I", "prog.py"],
        &["-E", "-P", "-B", "-s", "-S", "prog.py"],
        &["-u", "-c", "import sys; print(sys.flags.optimize)"],
    ] {
        same(args, &dir, "", true);
    }
    // -P keeps the current directory off sys.path; without it, it leads.
    let path0 = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["-c", "import sys; print('' in sys.path)"]);
        String::from_utf8_lossy(&same(&a, &dir, "", true).stdout).into_owned()
    };
    assert_eq!(path0(&[]), "True\n");
    assert_eq!(path0(&["-P"]), "False\n");
}

/// Runs `exe script` in `dir` with bytecode writing allowed (the test environment may
/// set `PYTHONDONTWRITEBYTECODE`), plus `extra` arguments before the script.
fn run_caching(exe: &str, extra: &[&str], dir: &PathBuf, script: &str) -> Output {
    Command::new(exe)
        .args(extra)
        .arg(script)
        .current_dir(dir)
        .env_remove("PYTHONDONTWRITEBYTECODE")
        .env_remove("PYTHONPYCACHEPREFIX")
        .output()
        .expect("spawn")
}

fn set_mtime(path: &PathBuf, secs: u64) {
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open source");
    f.set_modified(std::time::UNIX_EPOCH + Duration::from_secs(secs))
        .expect("set mtime");
}

/// A module imported twice: the first run writes `__pycache__/NAME.TAG.pyc` with
/// strand's cache tag, the second reads it (shown by a source edited behind the
/// cache's back, with size and mtime unchanged, which CPython does not notice either),
/// and a changed mtime or a corrupt file make it compile again.
#[test]
fn imported_modules_are_cached_in_pycache() {
    let dir = scratch("pycache");
    let tag_out = Command::new(strand())
        .args(["-c", "import sys; print(sys.implementation.cache_tag)"])
        .output()
        .expect("spawn");
    let tag = String::from_utf8_lossy(&tag_out.stdout).trim().to_string();
    assert!(
        tag.len() == 15
            && tag.starts_with("strand-")
            && tag[7..].bytes().all(|b| b.is_ascii_hexdigit()),
        "cache tag {tag:?}"
    );
    let src = dir.join("cached_mod.py");
    let write_src = |value: u32| {
        std::fs::write(
            &src,
            format!("VALUE = {value}\ndef fail():\n    raise ValueError('from cached code')\n"),
        )
        .expect("write source");
    };
    std::fs::write(
        dir.join("main.py"),
        "import importlib, sys\nm = importlib.import_module('cached_mod')\nprint(m.VALUE)\n\
         if len(sys.argv) > 1:\n    m.fail()\n",
    )
    .expect("write main");
    write_src(1);
    set_mtime(&src, 1_700_000_000);
    let pyc = dir
        .join("__pycache__")
        .join(format!("cached_mod.{tag}.pyc"));
    let stdout = |o: &Output| String::from_utf8_lossy(&o.stdout).trim().to_string();

    // -B writes nothing.
    let out = run_caching(strand(), &["-B"], &dir, "main.py");
    assert_eq!(
        stdout(&out),
        "1",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!pyc.exists(), "-B must not write {}", pyc.display());

    let out = run_caching(strand(), &[], &dir, "main.py");
    assert_eq!(
        stdout(&out),
        "1",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = std::fs::read(&pyc).expect("the first import writes the cache");
    assert_eq!(&data[..4], b"\xa7\r\r\n", "3.11's magic number");
    assert_eq!(&data[4..8], &[0, 0, 0, 0], "timestamp-based");
    assert_eq!(
        &data[8..12],
        &1_700_000_000u32.to_le_bytes(),
        "source mtime"
    );
    assert_eq!(data[16], b'c', "marshal's code type");

    // Same size, same mtime: the cache is used (as CPython would).
    write_src(2);
    set_mtime(&src, 1_700_000_000);
    let out = run_caching(strand(), &[], &dir, "main.py");
    assert_eq!(stdout(&out), "1", "the second run reads the cache");

    // Code from the cache still shows its source lines in tracebacks.
    let out = Command::new(strand())
        .args(["main.py", "fail"])
        .current_dir(&dir)
        .env_remove("PYTHONDONTWRITEBYTECODE")
        .output()
        .expect("spawn");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("raise ValueError('from cached code')"),
        "traceback: {err}"
    );

    // A changed mtime invalidates it; it is written again.
    set_mtime(&src, 1_700_000_100);
    let out = run_caching(strand(), &[], &dir, "main.py");
    assert_eq!(stdout(&out), "2", "a changed source is compiled again");
    let data = std::fs::read(&pyc).expect("rewritten");
    assert_eq!(&data[8..12], &1_700_000_100u32.to_le_bytes());

    // A corrupt cache file (valid header, damaged code) fails the import with
    // marshal's ValueError, as a corrupt `.pyc` does in CPython (importlib checks
    // only the header); a changed source makes it stale and it is written again.
    let mut bad = data.clone();
    let n = bad.len();
    bad[n - 3] ^= 0x55;
    std::fs::write(&pyc, &bad).expect("corrupt");
    let out = run_caching(strand(), &[], &dir, "main.py");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ValueError: bad marshal data"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    write_src(3);
    set_mtime(&src, 1_700_000_200);
    let out = run_caching(strand(), &[], &dir, "main.py");
    assert_eq!(
        stdout(&out),
        "3",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Hash-based files (PEP 552) written by CPython's py_compile, which runs on
    // strand's marshal and `_imp.source_hash`: an unchecked one is used as it is, a
    // checked one only while the source's hash matches.
    std::fs::write(
        dir.join("pc.py"),
        "import py_compile, sys\n\
         mode = getattr(py_compile.PycInvalidationMode, sys.argv[1])\n\
         py_compile.compile('cached_mod.py', invalidation_mode=mode)\n",
    )
    .expect("write pc.py");
    let py_compile = |mode: &str| {
        let out = Command::new(strand())
            .args(["pc.py", mode])
            .current_dir(&dir)
            .output()
            .expect("spawn");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(&pyc).expect("py_compile writes the cache file")[4]
    };
    write_src(4);
    assert_eq!(py_compile("UNCHECKED_HASH"), 1);
    write_src(5);
    let out = run_caching(strand(), &[], &dir, "main.py");
    assert_eq!(stdout(&out), "4", "an unchecked hash-based file is used");
    assert_eq!(py_compile("CHECKED_HASH"), 3);
    let out = run_caching(strand(), &[], &dir, "main.py");
    assert_eq!(stdout(&out), "5", "a checked file whose hash matches");
    write_src(6);
    let out = run_caching(strand(), &[], &dir, "main.py");
    assert_eq!(
        stdout(&out),
        "6",
        "a checked file whose hash differs is not used"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `importlib.util.cache_from_source`/`source_from_cache` use strand's tag, with
/// `-O`'s `opt-1` and `-X pycache_prefix`'s tree.
#[test]
fn cache_paths_follow_cpythons_rules() {
    let dir = scratch("cache-paths");
    let code = "import importlib.util as u, sys\n\
                p = u.cache_from_source('/a/b/m.py')\n\
                print(p.replace(sys.implementation.cache_tag, 'TAG'))\n\
                print(u.source_from_cache(p) if sys.pycache_prefix is None else sys.pycache_prefix)\n";
    let out = |args: &[&str]| {
        let o = Command::new(strand())
            .args(args)
            .args(["-c", code])
            .current_dir(&dir)
            .env_remove("PYTHONPYCACHEPREFIX")
            .output()
            .expect("spawn");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    assert_eq!(out(&[]), "/a/b/__pycache__/m.TAG.pyc\n/a/b/m.py\n");
    assert_eq!(
        out(&["-O"]),
        "/a/b/__pycache__/m.TAG.opt-1.pyc\n/a/b/m.py\n"
    );
    assert_eq!(
        out(&["-X", "pycache_prefix=/tmp/pfx"]),
        "/tmp/pfx/a/b/m.TAG.pyc\n/tmp/pfx\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `_imp.find_frozen(name, withdata=True)` gives the frozen module's code as marshal
/// data that `get_frozen_object` and `marshal.loads` take back (strand only:
/// CPython 3.11's deep-frozen modules give empty data).
#[test]
fn frozen_module_marshal_data_round_trips() {
    let dir = scratch("frozen");
    let program = "import _imp, marshal\n\
        data, ispkg, origname = _imp.find_frozen('__phello__', withdata=True)\n\
        print(type(data).__name__, len(data) > 0, ispkg, origname)\n\
        code = _imp.get_frozen_object('__phello__', data)\n\
        print(code.co_filename)\n\
        ns = {}\n\
        exec(marshal.loads(data), ns)\n\
        ns['main']()\n\
        print(ns['initialized'])\n\
        try:\n    _imp.get_frozen_object('__phello__', marshal.dumps(1))\n\
        except TypeError as e:\n    print(e)\n";
    let out = run(strand(), &["-c", program], &dir, "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "bytes True True __phello__\n<frozen __phello__>\nHello world!\nTrue\n\
         frozen object '__phello__' is not a code object\n",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
