//! The `strand` command: runs a Python program on strand, like `python3`.
//!
//! `strand FILE [ARGS...]`, `strand -c CODE [ARGS...]`, `strand -m MODULE [ARGS...]`,
//! `strand -` (program on standard input), `strand` alone (the interactive prompt
//! when standard input is a terminal, else the program on standard input). Options:
//! `-i` (prompt after the program), `-q` (no banner), `-X stats` (heap and collector
//! statistics at exit), `-X gc_threshold=N`, `-X jit=on|off`, `-X jit_threshold=N`
//! (back-edges before a loop is compiled), `-X perf` (a perf map of compiled traces
//! in `/tmp/perf-PID.map`), `-X pycache_prefix=PATH` (where the bytecode cache goes),
//! `--dis` (print the bytecode), `--version`, and CPython's
//! `-W`, `-E`, `-I`, `-s`, `-S`, `-P`, `-u`, `-B`, `-O`/`-OO`, `-v`, `-b` (recorded in
//! `sys.flags`). Uncaught exceptions print CPython's traceback to stderr and exit with
//! status 1.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::Parser;

/// Everything Rust allocates (item vectors, strings, frames' buffers) comes from
/// mimalloc too, like the objects themselves: the interpreter allocates and frees
/// small blocks all the time, from many threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
mod exit;
mod repl;
mod run;

use exit::Exit;
use run::{Options, Program};

/// Command-line options (CPython's spelling where they overlap).
#[derive(Parser, Debug)]
#[command(
    name = "strand",
    version,
    about = "Run a Python program on the strand runtime"
)]
struct Cli {
    /// Program passed in as a string (terminates the option list).
    #[arg(short = 'c', value_name = "CODE", conflicts_with = "module")]
    command: Option<String>,
    /// Run a library module as a script (terminates the option list).
    #[arg(short = 'm', value_name = "MODULE")]
    module: Option<String>,
    /// Inspect interactively after running the program.
    #[arg(short = 'i')]
    inspect: bool,
    /// Don't print the version banner at the interactive prompt.
    #[arg(short = 'q')]
    quiet: bool,
    /// Implementation options: `stats` (print heap, GC, specialization and JIT
    /// statistics at exit), `gc_threshold=N` (the collector's allocation threshold),
    /// `jit=on|off`, `jit_threshold=N` (loop iterations before the JIT records a
    /// loop, 1 to 4095), `perf` (write /tmp/perf-PID.map for perf); all are kept in
    /// `sys._xoptions`.
    #[arg(short = 'X', value_name = "OPT")]
    xoptions: Vec<String>,
    /// Warning control (`action:message:category:module:lineno`), as `sys.warnoptions`.
    #[arg(short = 'W', value_name = "ARG")]
    warnoptions: Vec<String>,
    /// Ignore the PYTHON* environment variables (PYTHONPATH, PYTHONUNBUFFERED).
    #[arg(short = 'E')]
    ignore_environment: bool,
    /// Isolate the program: -E, -s and -P together.
    #[arg(short = 'I')]
    isolated: bool,
    /// Don't add the user site directory to sys.path (a flag only: strand has no
    /// site directories yet).
    #[arg(short = 's')]
    no_user_site: bool,
    /// Don't import the site module on start-up (strand has none to import).
    #[arg(short = 'S')]
    no_site: bool,
    /// Don't put the script's directory (or the current directory) first on sys.path.
    #[arg(short = 'P')]
    safe_path: bool,
    /// Unbuffered standard output and error.
    #[arg(short = 'u')]
    unbuffered: bool,
    /// Don't write .pyc files (strand never does; sys.flags records it).
    #[arg(short = 'B')]
    dont_write_bytecode: bool,
    /// Optimize: -O leaves out assert statements and makes __debug__ false; -OO also
    /// leaves out docstrings.
    #[arg(short = 'O', action = clap::ArgAction::Count)]
    optimize: u8,
    /// Verbose (sys.flags.verbose; repeat for more).
    #[arg(short = 'v', action = clap::ArgAction::Count)]
    verbose: u8,
    /// Warn about str(bytes) comparisons (sys.flags.bytes_warning; repeat for errors).
    #[arg(short = 'b', action = clap::ArgAction::Count)]
    bytes_warning: u8,
    /// Print the bytecode of the program instead of running it.
    #[arg(long = "dis")]
    dis: bool,
    /// The program file (`-` for standard input), then its arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// The command line with `--` put after the value of the first `-c` or `-m`, so
/// that everything after it is the program's (`strand -m json.tool --help` passes
/// `--help` to the module), as CPython's option parser stops there. Clusters of
/// short flags (`-Bc CODE`, `-mjson.tool`) and the values of `-X` and `-W` are
/// understood; a first plain argument (the script) ends the scan.
fn terminate_options_after_program(argv: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(argv.len() + 1);
    let mut it = argv.into_iter();
    out.extend(it.next());
    while let Some(arg) = it.next() {
        let is_cluster = arg.len() > 1 && arg.starts_with('-') && !arg.starts_with("--");
        if !is_cluster {
            let stop = !arg.starts_with('-') || arg == "--" || arg == "-";
            out.push(arg);
            if stop {
                break;
            }
            continue;
        }
        let flags: Vec<char> = arg[1..].chars().collect();
        let mut ends_options = false;
        let mut takes_next = false;
        let mut valued = None;
        for (i, c) in flags.iter().enumerate() {
            if matches!(c, 'c' | 'm' | 'X' | 'W') {
                ends_options = matches!(c, 'c' | 'm');
                takes_next = i + 1 == flags.len();
                valued = Some(*c);
                break;
            }
        }
        if let Some(c) = valued.filter(|_| !takes_next) {
            // `-mjson.tool`, `-Bc'code'`, `-Wd`, `-Xdev`: the flags, then the value on
            // its own.
            let at = arg[1..].find(c).map_or(arg.len(), |i| i + 2);
            out.push(arg[..at].to_string());
            out.push(arg[at..].to_string());
        } else {
            out.push(arg);
        }
        if takes_next {
            out.extend(it.next());
        }
        if ends_options {
            out.push("--".into());
            break;
        }
    }
    out.extend(it);
    out
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(terminate_options_after_program(std::env::args().collect()));
    let mut options = Options {
        dis: cli.dis,
        inspect: cli.inspect,
        quiet: cli.quiet,
        xoptions: cli.xoptions.clone(),
        warnoptions: cli.warnoptions.clone(),
        flags: strand_interp::sys::Flags {
            inspect: cli.inspect,
            interactive: cli.command.is_none()
                && cli.module.is_none()
                && cli.args.is_empty()
                && std::io::stdin().is_terminal(),
            optimize: cli.optimize.min(2),
            dont_write_bytecode: cli.dont_write_bytecode,
            no_user_site: cli.no_user_site || cli.isolated,
            no_site: cli.no_site,
            ignore_environment: cli.ignore_environment || cli.isolated,
            verbose: cli.verbose,
            quiet: cli.quiet,
            isolated: cli.isolated,
            safe_path: cli.safe_path || cli.isolated,
            bytes_warning: cli.bytes_warning,
            dev_mode: cli.xoptions.iter().any(|x| x == "dev"),
            warn_default_encoding: cli.xoptions.iter().any(|x| x == "warn_default_encoding"),
            pycache_prefix: cli
                .xoptions
                .iter()
                .find_map(|x| x.strip_prefix("pycache_prefix="))
                .map(str::to_string),
        },
        orig_argv: std::env::args().collect(),
        ..Options::default()
    };
    apply_environment(&mut options);
    complete_warnoptions(&mut options);
    if cli.unbuffered {
        strand_stdlib::_io::force_unbuffered_stdio();
    }
    let (mut jit_enabled, mut jit_threshold) = (true, None);
    for x in &cli.xoptions {
        if x == "stats" {
            options.stats = true;
        } else if let Some(v) = x.strip_prefix("gc_threshold=") {
            match v.parse::<usize>() {
                Ok(n) if n > 0 => options.gc_threshold = Some(n),
                _ => {
                    eprintln!("strand: -X gc_threshold needs a positive integer, got '{v}'");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(v) = x.strip_prefix("jit=") {
            match v {
                "on" | "1" => jit_enabled = true,
                "off" | "0" => jit_enabled = false,
                _ => {
                    eprintln!("strand: -X jit takes on or off, got '{v}'");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(v) = x.strip_prefix("jit_threshold=") {
            let max = strand_interp::jit::MAX_THRESHOLD;
            match v.parse::<u16>() {
                Ok(n) if (1..=max).contains(&n) => jit_threshold = Some(n),
                _ => {
                    eprintln!(
                        "strand: -X jit_threshold needs an integer from 1 to {max}, got '{v}'"
                    );
                    return ExitCode::from(2);
                }
            }
        } else if x == "perf" {
            strand_interp::jit::enable_perf_map();
        }
    }
    strand_interp::jit::configure(jit_enabled, jit_threshold);
    let (program, args) = match (&cli.command, &cli.module, cli.args.split_first()) {
        (Some(code), _, _) => (Program::Command(code.clone()), cli.args.clone()),
        (None, Some(m), _) => (Program::Module(m.clone()), cli.args.clone()),
        (None, None, Some((first, rest))) if first == "-" => (Program::Stdin, rest.to_vec()),
        (None, None, Some((first, rest))) => (Program::File(first.clone()), rest.to_vec()),
        (None, None, None) if std::io::stdin().is_terminal() => (Program::Interactive, Vec::new()),
        (None, None, None) => (Program::Stdin, Vec::new()),
    };
    let outcome = run_on_big_stack(move || run::run(&program, &args, &options));
    match outcome {
        Ok(Exit::Status(code)) => ExitCode::from(code),
        Ok(Exit::Interrupted) => strand_interp::signals::exit_by_sigint(),
        Err(()) => {
            eprintln!("strand: internal error (a Rust panic); please report it");
            ExitCode::from(70)
        }
    }
}

/// The `PYTHON*` environment variables CPython reads at start-up for its flags
/// (unless `-E` or `-I`): `PYTHONDONTWRITEBYTECODE`, `PYTHONOPTIMIZE`,
/// `PYTHONVERBOSE`, `PYTHONINSPECT`, `PYTHONNOUSERSITE`, `PYTHONSAFEPATH`,
/// `PYTHONDEVMODE`, and `PYTHONWARNINGS` (comma-separated, before the `-W` options).
fn apply_environment(options: &mut Options) {
    let flags = &mut options.flags;
    if flags.ignore_environment {
        return;
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // A number sets the level; any other non-empty value counts as 1 (CPython's
    // `_Py_GetEnv` flag rule).
    let level = |name: &str| var(name).map(|v| v.parse::<u8>().unwrap_or(1).max(1));
    if var("PYTHONDONTWRITEBYTECODE").is_some() {
        flags.dont_write_bytecode = true;
    }
    if let Some(n) = level("PYTHONOPTIMIZE") {
        flags.optimize = flags.optimize.max(n.min(2));
    }
    if let Some(n) = level("PYTHONVERBOSE") {
        flags.verbose = flags.verbose.max(n);
    }
    if var("PYTHONINSPECT").is_some() {
        flags.inspect = true;
    }
    if var("PYTHONNOUSERSITE").is_some() {
        flags.no_user_site = true;
    }
    if var("PYTHONSAFEPATH").is_some() {
        flags.safe_path = true;
    }
    if var("PYTHONDEVMODE").is_some() {
        flags.dev_mode = true;
    }
    if let Some(w) = var("PYTHONWARNINGS") {
        let mut from_env: Vec<String> = w
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        from_env.append(&mut options.warnoptions);
        options.warnoptions = from_env;
    }
    options.inspect |= options.flags.inspect;
}

/// `sys.warnoptions` as CPython's `config_init_warnoptions` builds it, lowest
/// precedence first (the warnings module inserts each at the front of its filters):
/// `default` for the development mode, then `PYTHONWARNINGS`'s and `-W`'s options
/// (already in order), then `default::BytesWarning` for `-b` (`error::BytesWarning`
/// for `-bb`).
fn complete_warnoptions(options: &mut Options) {
    if options.flags.dev_mode {
        options.warnoptions.insert(0, "default".into());
    }
    match options.flags.bytes_warning {
        0 => {}
        1 => options.warnoptions.push("default::BytesWarning".into()),
        _ => options.warnoptions.push("error::BytesWarning".into()),
    }
}

/// Runs `job` on a thread with a large stack, so that deep recursion (with a raised
/// `sys.setrecursionlimit`) goes far before the stack check raises `RecursionError`.
/// The stack is only address space until touched; where even that is short (`ulimit
/// -v`), smaller stacks are tried, then this thread's own: the check works from the
/// actual stack bounds, so any size is safe. `Err` if the job panicked.
fn run_on_big_stack(job: impl FnOnce() -> Exit + Send + 'static) -> Result<Exit, ()> {
    let job = std::sync::Arc::new(std::sync::Mutex::new(Some(job)));
    for size in [1 << 30, 256 << 20, 64 << 20, 16 << 20] {
        let shared = job.clone();
        let spawned = std::thread::Builder::new()
            .name("strand-main".into())
            .stack_size(size)
            .spawn(move || {
                let job = shared.lock().ok().and_then(|mut j| j.take());
                job.map(|j| j())
            });
        if let Ok(handle) = spawned {
            return match handle.join() {
                Ok(Some(exit)) => Ok(exit),
                _ => Err(()),
            };
        }
    }
    let job = job.lock().ok().and_then(|mut j| j.take()).ok_or(())?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).map_err(|_| ())
}
