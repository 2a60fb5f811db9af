//! Running a program as `__main__` the way the `python3` command does
//! (Modules/main.c, Lib/runpy.py): a script file, `-c` code, `-m` module, a program
//! read from standard input, or the interactive prompt; then waiting for non-daemon
//! threads, and the exit status (`SystemExit`'s code, 1 after an uncaught exception,
//! death by SIGINT after an uncaught `KeyboardInterrupt`).

use std::io::Read as _;

use strand_objects::abstract_ as ab;
use strand_objects::{dict, int, module, singletons, str as pystr, PyErr};

use strand_interp::code::load_code;
use strand_interp::state::{sys_module, sys_modules};
use strand_interp::syntax_error::syntax_error;
use strand_interp::sys::set_argv;
use strand_interp::{eval, format_exception, import, signals};

use crate::exit::{report_exception, Exit};

/// What the command runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// A script file, as given on the command line.
    File(String),
    /// `-c CODE`.
    Command(String),
    /// `-m MODULE`: a module found on `sys.path`, run as `__main__`.
    Module(String),
    /// The program text on standard input (`-`, or no program with a non-terminal
    /// standard input).
    Stdin,
    /// The interactive prompt.
    Interactive,
}

/// Command-line options that change how the program runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `--dis`: print the bytecode instead of running (files and `-c` only).
    pub dis: bool,
    /// `-i`: enter the interactive prompt after the program.
    pub inspect: bool,
    /// `-q`: no banner at the interactive prompt.
    pub quiet: bool,
    /// `-X stats`: print heap and collector statistics to stderr at exit.
    pub stats: bool,
    /// `-X gc_threshold=N`: the collector's allocation threshold.
    pub gc_threshold: Option<usize>,
    /// Every `-X` option as given (`sys._xoptions`).
    pub xoptions: Vec<String>,
    /// Every `-W` option as given (`sys.warnoptions`).
    pub warnoptions: Vec<String>,
    /// What `sys.flags` reports.
    pub flags: strand_interp::sys::Flags,
    /// The command line as given (`sys.orig_argv`).
    pub orig_argv: Vec<String>,
}

/// Runs `program` with `args` (the rest of the command line, `sys.argv[1:]`) on the
/// calling thread, which must have a large stack (deep Python recursion must reach
/// `RecursionError` first).
pub fn run(program: &Program, args: &[String], options: &Options) -> Exit {
    if let Err(message) = strand_interp::sys::stdlib_dir() {
        eprintln!("strand: {message}");
        return Exit::Status(1);
    }
    let ts = strand_heap::ThreadState::attach_new();
    strand_stdlib::install();
    signals::install(&ts);
    if let Some(t) = options.gc_threshold {
        strand_gc::set_threshold(t);
    }
    set_xoptions(&options.xoptions);
    strand_interp::sys::configure(&options.flags, &options.warnoptions, &options.orig_argv);
    strand_objects::bytes::set_check_codec_args(options.flags.dev_mode);
    // CPython's importlib becomes the import system, as CPython's `init_importlib`
    // makes it once `sys` is configured.
    if let Ok(lib) = strand_interp::sys::stdlib_dir() {
        if let Err(e) = import::install_importlib(&lib) {
            eprint!("{}", format_exception(&e));
            eprintln!("strand: importlib could not be installed");
            return Exit::Status(1);
        }
    }
    // As CPython's `init_interp_main`: with warning options, `warnings` is imported
    // now, so that it applies them (`_processoptions`) before the program runs.
    if !options.warnoptions.is_empty() {
        if let Err(e) = import::import_by_name("warnings") {
            eprintln!("'import warnings' failed; traceback:");
            eprint!("{}", format_exception(&e));
        }
    }
    let exit = run_program(program, args, options);
    if exit != Exit::Interrupted {
        shutdown_threads();
    }
    // Then, as Py_FinalizeEx: the atexit callbacks, the main module's teardown, and
    // the final flush of every open file.
    strand_stdlib::atexit::run_exitfuncs();
    strand_interp::sys::set_finalizing();
    finalize_main();
    strand_stdlib::_io::flush_all();
    let _ = std::io::Write::flush(&mut std::io::stdout());
    if options.stats {
        eprint!("{}", stats_report());
    }
    drop(ts);
    exit
}

fn run_program(program: &Program, args: &[String], options: &Options) -> Exit {
    let main = module::new_module("__main__");
    let globals = module::module_dict(&main);
    // As CPython's __main__: an empty `__annotations__` from the start.
    dict::set_item_str(&globals, "__annotations__", dict::new());
    dict::set_item_str(&sys_modules(), "__main__", main.clone());
    let (source, filename, argv0, path0) = match program {
        Program::Interactive => {
            let path0 = (!options.flags.safe_path).then_some("");
            set_argv(&argv_with(String::new(), args), path0);
            return crate::repl::interact(&globals, options.quiet);
        }
        Program::Command(code) => (
            code.clone(),
            "<string>".to_string(),
            "-c".into(),
            String::new(),
        ),
        Program::Stdin => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("strand: can't read standard input: {e}");
                return Exit::Status(2);
            }
            let text = match strand_interp::syntax_error::decode_file(&bytes, "<stdin>") {
                Ok(t) => t,
                Err(e) => return report_exception(&e),
            };
            let argv0 = if args.is_empty() {
                String::new()
            } else {
                "-".into()
            };
            (text, "<stdin>".into(), argv0, String::new())
        }
        Program::File(path) => {
            let bytes = match std::fs::read(path) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!(
                        "strand: can't open file '{}': [Errno {}] {}",
                        absolute(path),
                        e.raw_os_error().unwrap_or(0),
                        io_message(&e)
                    );
                    return Exit::Status(2);
                }
            };
            // Like CPython (3.9+), the main script's file name is made absolute and
            // its directory leads sys.path.
            let filename = absolute(path);
            let source = match strand_interp::syntax_error::decode_file(&bytes, &filename) {
                Ok(t) => t,
                Err(e) => return report_exception(&e),
            };
            let dir = std::path::Path::new(&filename)
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            (source, filename, path.clone(), dir)
        }
        Program::Module(name) => {
            let cwd = std::env::current_dir()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let path0 = (!options.flags.safe_path).then_some(cwd.as_str());
            set_argv(&argv_with("-m".into(), args), path0);
            let exit = match run_module(name) {
                Ok(()) => Exit::Status(0),
                Err(e) => report_exception(&e),
            };
            if options.inspect && exit != Exit::Interrupted {
                return crate::repl::interact(&globals, true);
            }
            return exit;
        }
    };
    let path0 = (!options.flags.safe_path).then_some(path0.as_str());
    set_argv(&argv_with(argv0, args), path0);
    let code = match strand_compiler::compile_module(&source, &filename) {
        Ok(c) => c,
        Err(e) => return report_exception(&syntax_error(&e, &source, &filename)),
    };
    if options.dis {
        print!("{}", code.disassemble());
        return Exit::Status(0);
    }
    if !filename.starts_with('<') {
        dict::set_item_str(&globals, "__file__", pystr::new(&filename));
        dict::set_item_str(&globals, "__cached__", singletons::none());
    }
    strand_interp::traceback::register_source(&filename, &source);
    let result = eval::run_code(&load_code(&code), &globals);
    let exit = match result {
        Ok(_) => Exit::Status(0),
        Err(e) => report_exception(&e),
    };
    if options.inspect && exit != Exit::Interrupted {
        return crate::repl::interact(&globals, true);
    }
    exit
}

fn argv_with(first: String, rest: &[String]) -> Vec<String> {
    std::iter::once(first).chain(rest.iter().cloned()).collect()
}

fn absolute(path: &str) -> String {
    std::path::absolute(path).map_or_else(|_| path.to_string(), |p| p.display().to_string())
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        std::io::ErrorKind::IsADirectory => "Is a directory".into(),
        _ => e.to_string(),
    }
}

/// `-m name`: as CPython's `pymain_run_module`, `runpy._run_module_as_main(name,
/// True)` finds the module through the import system (a package runs its
/// `__main__` submodule), sets `sys.argv[0]` to its file and runs it in `__main__`'s
/// namespace with `__spec__`, `__loader__`, `__package__` and `__file__` set. A
/// module that cannot be found ends with `SystemExit("<executable>: No module named
/// ...")`, as in CPython.
fn run_module(name: &str) -> Result<(), PyErr> {
    let runpy = import::import(
        &pystr::new("runpy"),
        &singletons::none(),
        &strand_objects::tuple::from_vec(vec![pystr::new("*")]),
        &int::from_i64(0),
    )?;
    let run = ab::getattr_str(&runpy, "_run_module_as_main")?;
    ab::call(&run, &[pystr::new(name), int::bool_obj(true)], None).map(drop)
}

/// `sys._xoptions`: `-X name=value` as `{'name': 'value'}`, a bare `-X name` as
/// `{'name': True}`.
fn set_xoptions(xoptions: &[String]) {
    let d = dict::new();
    for x in xoptions {
        match x.split_once('=') {
            Some((k, v)) => dict::set_item_str(&d, k, pystr::new(v)),
            None => dict::set_item_str(&d, x, int::bool_obj(true)),
        }
    }
    dict::set_item_str(&module::module_dict(&sys_module()), "_xoptions", d);
}

/// Like CPython's `Py_FinalizeEx` for the main program: a collection first (garbage
/// cycles die while everything else is intact), then, as `finalize_modules`,
/// `__main__` leaves `sys.modules` and a collection frees it with everything only it
/// reached (its dict is in cycles with the functions and classes defined in it), so
/// `__del__` methods and the `finally` blocks of suspended generators held by module
/// globals run before the process exits. Warnings are no longer shown by then (the
/// warnings machinery is gone in CPython).
fn finalize_main() {
    strand_gc::collect();
    strand_interp::runtime_warning::silence_for_shutdown();
    let _ = dict::del_item(&sys_modules(), &pystr::new("__main__"));
    strand_gc::collect();
}

/// Like CPython's `wait_for_thread_shutdown`: waits for the non-daemon threads
/// (`threading._shutdown`), if `threading` was imported. What it raises (an atexit
/// function registered with `threading._register_atexit` failing, a
/// `KeyboardInterrupt` while joining) is reported as unraisable in the `threading`
/// module and leaves the exit status alone.
fn shutdown_threads() {
    let Some(threading) = dict::get_item_str(&sys_modules(), "threading") else {
        return;
    };
    let r = ab::getattr_str(&threading, "_shutdown").and_then(|f| ab::call0(&f));
    if let Err(e) = r {
        strand_objects::unraisable::write_unraisable(&e, &threading);
    }
}

/// The `-X stats` report: heap counters and collector totals.
pub fn stats_report() -> String {
    let h = strand_heap::stats();
    let g = strand_gc::stats();
    let kinds = ["gc", "gc+preheader", "non-gc", "raw"];
    let mut out = String::from("strand statistics\n");
    out.push_str("  heap (allocations / frees / live, by kind):\n");
    for (i, k) in kinds.iter().enumerate() {
        out.push_str(&format!(
            "    {k:<13} {:>12} {:>12} {:>10}\n",
            h.allocations[i],
            h.frees[i],
            h.allocations[i] as i64 - h.frees[i] as i64
        ));
    }
    out.push_str(&format!(
        "  freelists: {} hits, {} misses\n",
        h.total_freelist_hits(),
        h.total_freelist_misses()
    ));
    out.push_str(&format!(
        "  biased refcounting: {} merges, {} objects queued to their owners\n",
        h.merges, h.queued_merges
    ));
    out.push_str(&format!(
        "  biased locks: {} reservations revoked ({} waited for the owner's hold)\n",
        h.biased_revocations, h.biased_revocation_waits
    ));
    out.push_str(&format!(
        "  QSBR: {} delayed frees pending (peak {}, {} in all, {} forced quiescence points); threads registered: {}\n",
        h.delayed_frees_pending, h.delayed_frees_peak, h.delayed_frees, h.qsbr_forced, h.threads
    ));
    out.push_str(&format!(
        "  gc: {} collections, {} objects collected, {} uncollectable\n",
        g.collections, g.collected, g.uncollectable
    ));
    out.push_str(&format!(
        "  gc pauses: total {:.3} ms, longest {:.3} ms; collection time {:.3} ms\n",
        g.pause.as_secs_f64() * 1e3,
        g.max_pause.as_secs_f64() * 1e3,
        g.total.as_secs_f64() * 1e3
    ));
    out.push_str(&format!(
        "  gc pacing: {} waits of allocating threads for a running collection, {:.3} ms in all\n",
        g.allocation_waits,
        g.allocation_wait_time.as_secs_f64() * 1e3
    ));
    out.push_str(&strand_interp::stats::report());
    out.push_str(&strand_interp::jit::report());
    out
}
