//! The `logscrub` command line: arguments, configuration, and exit codes.
//!
//! The binary is a thin wrapper around [`main`], so everything a user can observe (options, messages,
//! exit statuses) is decided here and in the modules below, each with one job:
//!
//! * [`input`]: cutting a byte stream into chunks of whole lines (and over-long lines into pieces);
//! * [`pool`]: running a chunk task on all cores and delivering the results in input order;
//! * [`filter`]: `logscrub [FILE...]`, scrubbing to standard output;
//! * [`audit`]: `logscrub audit [FILE...]`, a report of what would be scrubbed.
//!
//! Configuration comes from flags or from `LOGSCRUB_*` environment variables (a flag wins), so the same
//! binary is configured the same way in a shell, a container or a Kubernetes sidecar. Messages on
//! standard error name files, lines and counts, never a matched value: logscrub's own output must not
//! become a leak.

mod audit;
mod filter;
mod input;
mod pool;

use std::ffi::OsString;
use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{JsonMode, Options, Pack, Scrubber, Style};

use audit::{Find, Format, LongFind, Report};
use filter::{LongScrub, Output, Scrub};
use input::Source;
use pool::Failure;

/// Exit status: success (the audit: nothing found).
pub const EXIT_OK: u8 = 0;
/// Exit status: an input could not be read or the output could not be written.
pub const EXIT_IO: u8 = 1;
/// Exit status: bad usage or configuration (options, rule packs, hash key). Nothing was written.
pub const EXIT_CONFIG: u8 = 2;
/// Exit status of `audit` when something was found.
pub const EXIT_FOUND: u8 = 3;

const AFTER_HELP: &str = "\
Examples:
  app 2>&1 | logscrub | shipper              scrub a live stream
  kubectl logs deploy/api | logscrub --style mask
  logscrub app.log > clean.log               scrub a file, using every core
  logscrub --rules mine.toml --enable IP app.log
  logscrub audit --format sarif logs/        report findings (exit 3 when any)

Options that configure a run can also be set in the environment as LOGSCRUB_<OPTION>, e.g.
LOGSCRUB_STYLE=mask, LOGSCRUB_THREADS=4, LOGSCRUB_ENABLE=IP,ACCOUNT, LOGSCRUB_RULES=/etc/rules.toml
(one file), LOGSCRUB_FORMAT=sarif; a flag wins over the environment. Actions (--list-rules,
--check-rules) are flags only.
LOGSCRUB_HASH_KEY holds the key for --style hash itself (its raw bytes, at least 16).

Exit status:
  0  success (audit: nothing found)
  1  an input could not be read, or the output could not be written
  2  usage or configuration error (bad option, rule pack, hash key); nothing is written
  3  audit: PII or secrets were found

Output on stdout is the input line for line: bytes outside redacted values are unchanged (CRLF,
invalid UTF-8, a missing final newline). A closed stdout (logscrub app.log | head) ends quietly.";

/// Scrubs PII and secrets from logs: a filter for pipelines, and an audit for CI.
#[derive(Debug, Parser)]
#[command(
    name = "logscrub",
    version,
    after_help = AFTER_HELP
)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    engine: EngineArgs,

    /// At the end, print lines, bytes, replacements per rule, time and throughput on stderr.
    #[arg(long, env = "LOGSCRUB_STATS", value_parser = clap::builder::FalseyValueParser::new())]
    stats: bool,

    /// List the rules (id, enabled, style, kind, description) after --rules/--enable/--disable/--style,
    /// and exit.
    #[arg(long, conflicts_with_all = ["check_rules", "files"])]
    list_rules: bool,

    /// Check a rule pack (on top of the built-in one and any --rules) and exit: 0 and "ok: N rules",
    /// or 2 and FILE:LINE: what is wrong.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    check_rules: Option<PathBuf>,

    /// Files to scrub, in order, to stdout; '-' or none reads stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Options that shape the engine, shared by the filter and the audit.
#[derive(Debug, clap::Args)]
struct EngineArgs {
    /// Rule pack merged on top of the built-in rules (repeatable, applied in order).
    #[arg(
        long = "rules",
        value_name = "FILE",
        env = "LOGSCRUB_RULES",
        global = true
    )]
    rules: Vec<PathBuf>,

    /// Switch rules on (repeatable or comma-separated), e.g. --enable IP.
    #[arg(
        long,
        value_name = "RULE",
        env = "LOGSCRUB_ENABLE",
        value_delimiter = ',',
        global = true
    )]
    enable: Vec<String>,

    /// Switch rules off (repeatable or comma-separated), e.g. --disable PHONE,IP.
    #[arg(
        long,
        value_name = "RULE",
        env = "LOGSCRUB_DISABLE",
        value_delimiter = ',',
        global = true
    )]
    disable: Vec<String>,

    /// Replacement style for every rule: label ([EMAIL]), mask (****@*******.***), last4, or hash
    /// (a keyed token, [EMAIL:3fa9c1d2]).
    #[arg(long, value_enum, env = "LOGSCRUB_STYLE", global = true)]
    style: Option<StyleArg>,

    /// File holding the secret key for --style hash (one trailing newline is ignored); the
    /// environment variable LOGSCRUB_HASH_KEY can hold the key itself instead.
    #[arg(
        long,
        value_name = "FILE",
        env = "LOGSCRUB_HASH_KEY_FILE",
        global = true
    )]
    hash_key_file: Option<PathBuf>,

    /// Structured logs: with `auto`, a line holding a JSON document is scrubbed as JSON (whole values
    /// under sensitive keys such as email or customer.name are replaced, the output stays valid JSON);
    /// `on` (or a bare `--json`) expects every line to be JSON and reports on stderr how many were not
    /// (those are scrubbed as text, so key rules missed them); `off` scrubs every line as text. A bare
    /// `--json` takes the next argument as its mode: write `--json=on` before a file name.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = JsonArg::Auto,
          num_args = 0..=1, default_missing_value = "on", env = "LOGSCRUB_JSON", global = true)]
    json: JsonArg,

    /// Worker threads [default: the number of CPUs].
    #[arg(long, value_name = "N", env = "LOGSCRUB_THREADS", global = true,
          value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum JsonArg {
    Auto,
    On,
    Off,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum StyleArg {
    Label,
    Mask,
    Last4,
    Hash,
}

impl StyleArg {
    fn style(self) -> Style {
        match self {
            StyleArg::Label => Style::Label,
            StyleArg::Mask => Style::Mask,
            StyleArg::Last4 => Style::Last4,
            StyleArg::Hash => Style::Hash,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report where PII is, without writing any of it: counts per rule and file, and the first
    /// locations with masked previews. Exit status 3 when anything is found, so it can gate CI.
    Audit(AuditArgs),
}

#[derive(Debug, clap::Args)]
struct AuditArgs {
    /// Report format: a table for people, or JSON and SARIF 2.1.0 for tools.
    #[arg(long, value_enum, default_value_t = Format::Table, env = "LOGSCRUB_FORMAT")]
    format: Format,

    /// How many locations (file:line:column, rule, masked preview) to list.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 20,
        env = "LOGSCRUB_MAX_LOCATIONS"
    )]
    max_locations: usize,

    /// Files or directories (read recursively, sorted) to audit; '-' or none reads stdin.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// A reason to stop, with its exit status.
enum Stop {
    /// Bad usage or configuration: exit 2.
    Config(String),
    /// An input or the output failed: exit 1.
    Io(String),
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Config(m) | Stop::Io(m) => f.write_str(m),
        }
    }
}

/// Runs the command line `args` (program name first) and returns the exit status.
pub fn main<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            // --help and --version come here too, with status 0.
            let _ = e.print();
            return if e.use_stderr() { EXIT_CONFIG } else { EXIT_OK };
        }
    };
    install_panic_hook();
    let result = match &args.command {
        Some(Command::Audit(audit)) => run_audit(&args.engine, audit),
        None if args.list_rules => list_rules(&args.engine),
        None => match &args.check_rules {
            Some(file) => check_rules(&args.engine, file),
            None => run_filter(&args),
        },
    };
    match result {
        Ok(code) => code,
        Err(stop) => {
            eprintln!("logscrub: {stop}");
            match stop {
                Stop::Config(_) => EXIT_CONFIG,
                Stop::Io(_) => EXIT_IO,
            }
        }
    }
}

/// A panic message could quote log content (a value formatted into an assertion), so only where it
/// happened is printed, once; the affected lines are written as `[REDACTED: internal error]`.
fn install_panic_hook() {
    static REPORTED: AtomicBool = AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        if REPORTED.swap(true, Ordering::Relaxed) {
            return;
        }
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("logscrub: internal error{at} (message withheld: it could quote log content)");
    }));
}

/// `io::Error` says "No such file or directory (os error 2)"; people need only the first part.
fn describe(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn load_pack(engine: &EngineArgs) -> Result<Pack, Stop> {
    let mut pack = Pack::builtin().map_err(|e| Stop::Config(e.to_string()))?;
    for file in &engine.rules {
        pack.merge_file(file)
            .map_err(|e| Stop::Config(e.to_string()))?;
    }
    Ok(pack)
}

/// The hash key: `--hash-key-file` (one trailing newline dropped), else `LOGSCRUB_HASH_KEY`'s bytes.
fn hash_key(engine: &EngineArgs) -> Result<Option<Vec<u8>>, Stop> {
    if let Some(path) = &engine.hash_key_file {
        let mut key = std::fs::read(path).map_err(|e| {
            Stop::Config(format!(
                "cannot read hash key file {}: {}",
                path.display(),
                describe(&e)
            ))
        })?;
        if key.ends_with(b"\n") {
            key.pop();
            if key.ends_with(b"\r") {
                key.pop();
            }
        }
        return Ok(Some(key));
    }
    Ok(std::env::var_os("LOGSCRUB_HASH_KEY")
        .filter(|k| !k.is_empty())
        .map(os_bytes))
}

#[cfg(unix)]
fn os_bytes(s: OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    s.into_vec()
}

#[cfg(not(unix))]
fn os_bytes(s: OsString) -> Vec<u8> {
    s.to_string_lossy().into_owned().into_bytes()
}

fn options(engine: &EngineArgs, hash_key: Option<Vec<u8>>) -> Options {
    Options {
        style: engine.style.map(StyleArg::style),
        enable: engine.enable.clone(),
        disable: engine.disable.clone(),
        hash_key,
        json: match engine.json {
            JsonArg::Auto => JsonMode::Auto,
            JsonArg::On => JsonMode::On,
            JsonArg::Off => JsonMode::Off,
        },
    }
}

fn build(engine: &EngineArgs) -> Result<Scrubber, Stop> {
    let pack = load_pack(engine)?;
    let options = options(engine, hash_key(engine)?);
    Scrubber::new(&pack, &options).map_err(|e| Stop::Config(e.to_string()))
}

/// Listing and checking compile the rules but scrub nothing, so a missing hash key is no reason to
/// refuse; this stands in for it.
const PLACEHOLDER_KEY: &[u8] = b"placeholder key, never used to hash";

fn threads(engine: &EngineArgs) -> usize {
    match engine.threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

fn sources(files: &[PathBuf]) -> Vec<Source> {
    if files.is_empty() {
        return vec![Source { path: None }];
    }
    files
        .iter()
        .map(|p| Source {
            path: (p.as_os_str() != "-").then(|| p.clone()),
        })
        .collect()
}

/// A progress bar on stderr, only for a person watching: stderr is a terminal, stdout is not (the bar
/// would garble the scrubbed lines), and every input is a regular file (a known size). Never in a pipe.
fn progress_bar(sources: &[Source]) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() || io::stdout().is_terminal() {
        return None;
    }
    let mut total = 0;
    for s in sources {
        total += s.len()?;
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{bytes:>10}/{total_bytes} {wide_bar} {bytes_per_sec:>12} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

fn read_failure(failure: Option<Failure>) -> Result<(), Stop> {
    match failure {
        None => Ok(()),
        // The reader went away (`logscrub big.log | head`): nothing more to do, and not an error.
        Some(Failure::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Some(Failure::Write(e)) => Err(Stop::Io(format!(
            "cannot write standard output: {}",
            describe(&e)
        ))),
        Some(Failure::Read { name, error }) => Err(Stop::Io(format!(
            "cannot read {name}: {}",
            describe(&error)
        ))),
    }
}

fn run_filter(args: &Args) -> Result<u8, Stop> {
    let scrubber = build(&args.engine)?;
    let sources = sources(&args.files);
    let progress = progress_bar(&sources);
    let start = Instant::now();
    let outcome = pool::run(
        &sources,
        threads(&args.engine),
        &Scrub {
            scrubber: &scrubber,
        },
        &mut LongScrub::new(&scrubber),
        Output::stdout(),
        progress.as_ref(),
    );
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let stats = &outcome.sink.stats;
    if args.stats {
        eprint!("{}", stats.report(&scrubber, start.elapsed()));
    }
    if stats.not_json_lines > 0 {
        eprintln!(
            "logscrub: --json on: {} non-blank lines were not valid JSON and were scrubbed as text \
             (key rules such as names did not apply to them)",
            stats.not_json_lines
        );
    }
    if stats.failed_lines > 0 {
        eprintln!(
            "logscrub: {} lines were written as [REDACTED: internal error] after an engine failure",
            stats.failed_lines
        );
    }
    read_failure(outcome.failure)?;
    Ok(EXIT_OK)
}

fn run_audit(engine: &EngineArgs, args: &AuditArgs) -> Result<u8, Stop> {
    let scrubber = build(engine)?;
    let sources = audit::sources(&args.paths)
        .map_err(|(name, e)| Stop::Io(format!("cannot read {name}: {}", describe(&e))))?;
    let progress = progress_bar(&sources);
    let outcome = pool::run(
        &sources,
        threads(engine),
        &Find::new(&scrubber, args.max_locations),
        &mut LongFind::new(&scrubber, args.max_locations),
        Report::new(&sources, args.max_locations),
        progress.as_ref(),
    );
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    read_failure(outcome.failure)?;
    let report = outcome.sink;
    print_stdout(&report.render(args.format, &scrubber))?;
    Ok(if report.found_anything() {
        EXIT_FOUND
    } else {
        EXIT_OK
    })
}

fn list_rules(engine: &EngineArgs) -> Result<u8, Stop> {
    let pack = load_pack(engine)?;
    let key = hash_key(engine)?.or_else(|| Some(PLACEHOLDER_KEY.to_vec()));
    let scrubber =
        Scrubber::new(&pack, &options(engine, key)).map_err(|e| Stop::Config(e.to_string()))?;
    let rules = scrubber.rules();
    let id_w = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let kind_w = rules.iter().map(|r| r.kind.len()).max().unwrap_or(4).max(4);
    let mut s = format!(
        "{:<id_w$}  {:<7}  {:<5}  {:<kind_w$}  DESCRIPTION\n",
        "ID", "ENABLED", "STYLE", "KIND"
    );
    for r in rules {
        s.push_str(&format!(
            "{:<id_w$}  {:<7}  {:<5}  {:<kind_w$}  {}\n",
            r.id,
            if r.enabled { "yes" } else { "no" },
            r.style.name(),
            r.kind,
            r.description
        ));
    }
    print_stdout(&s)?;
    Ok(EXIT_OK)
}

fn check_rules(engine: &EngineArgs, file: &Path) -> Result<u8, Stop> {
    let mut pack = load_pack(engine)?;
    pack.merge_file(file)
        .map_err(|e| Stop::Config(e.to_string()))?;
    let key = hash_key(engine)?.or_else(|| Some(PLACEHOLDER_KEY.to_vec()));
    Scrubber::new(&pack, &options(engine, key)).map_err(|e| Stop::Config(e.to_string()))?;
    let name = format!("{}:", file.display());
    let set_here = pack
        .rules()
        .iter()
        .filter(|r| r.origin.starts_with(&name))
        .count();
    print_stdout(&format!(
        "ok: {} rules ({set_here} defined or changed by {})\n",
        pack.rules().len(),
        file.display()
    ))?;
    Ok(EXIT_OK)
}

fn print_stdout(s: &str) -> Result<(), Stop> {
    let mut out = io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Stop::Io(format!(
            "cannot write standard output: {}",
            describe(&e)
        ))),
        _ => Ok(()),
    }
}
