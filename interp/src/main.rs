//! The `strand` command: runs a Python program on strand, like `python3`.
//!
//! `strand FILE [ARGS...]`, `strand -c CODE [ARGS...]`, `strand --dis FILE` (print the
//! bytecode), `strand --version`. Uncaught exceptions print CPython's traceback format
//! to stderr and exit with status 1; syntax errors print the file, line, the source
//! line and a caret.

use std::process::ExitCode;

use clap::Parser;

/// Command-line options (CPython's spelling where they overlap).
#[derive(Parser, Debug)]
#[command(
    name = "strand",
    version,
    about = "Run a Python program on the strand runtime"
)]
struct Cli {
    /// Program passed in as a string.
    #[arg(short = 'c', value_name = "CODE")]
    command: Option<String>,
    /// Print the bytecode of the program instead of running it.
    #[arg(long = "dis")]
    dis: bool,
    /// The program file, then its arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (source, filename) = match (&cli.command, cli.args.first()) {
        (Some(code), _) => (code.clone(), "<string>".to_string()),
        (None, Some(path)) => match std::fs::read_to_string(path) {
            // Like CPython (3.9+), the main script's file name is made absolute.
            Ok(s) => (
                s,
                std::path::absolute(path)
                    .map_or_else(|_| path.clone(), |p| p.display().to_string()),
            ),
            Err(e) => {
                eprintln!(
                    "strand: can't open file '{path}': [Errno {}] {}",
                    e.raw_os_error().unwrap_or(0),
                    io_message(&e)
                );
                return ExitCode::from(2);
            }
        },
        (None, None) => {
            eprintln!(
                "strand: the interactive prompt is not available yet; pass a file or -c CODE"
            );
            return ExitCode::from(2);
        }
    };
    // Deep Python recursion must reach RecursionError, not overflow the native stack.
    let handle = std::thread::Builder::new()
        .name("strand-main".into())
        .stack_size(1 << 30)
        .spawn(move || {
            // sys.argv: the script path (or "-c") then its arguments.
            let argv: Vec<String> = match &cli.command {
                Some(_) => std::iter::once("-c".to_string())
                    .chain(cli.args.iter().cloned())
                    .collect(),
                None => cli.args.clone(),
            };
            strand_interp::run_main(&source, &filename, &argv, cli.dis)
        })
        .expect("spawn the interpreter thread");
    match handle.join() {
        Ok(code) => ExitCode::from(code),
        Err(_) => {
            eprintln!("strand: internal error (a Rust panic); please report it");
            ExitCode::from(70)
        }
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}
