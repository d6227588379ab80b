//! The `logscrub` command line: arguments, configuration, and exit codes.
//!
//! The binary is a thin wrapper around [`main`], so everything a user can observe (options, messages,
//! exit statuses) is decided here and in the modules below, each with one job:
//!
//! * [`input`]: opening an input (decoding gzip or zstd), and cutting it into chunks of whole lines
//!   (and over-long lines into pieces);
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

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::policy::{Policy, read_hash_key};
use crate::{JsonMode, Scrubber, Style};

use audit::{Find, Format, LongFind, Report};
use filter::{LongScrub, Output, Scrub};
use input::Source;
use pool::ReadError;

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
(comma-separated files), LOGSCRUB_FORMAT=sarif; a flag wins over the environment. Actions (--list-rules,
--check-rules) are flags only.
LOGSCRUB_HASH_KEY holds the key for --style hash itself (its raw bytes, at least 16).

Exit status:
  0  success (audit: nothing found)
  1  an input could not be read (the others still are, in order), or the output could not be
     written; for the audit this wins over 3, since a file it could not read was not checked
  2  usage or configuration error (bad option, rule pack, hash key); nothing is written
  3  audit: PII or secrets were found

Output on stdout is the input line for line: bytes outside redacted values are unchanged (CRLF,
invalid UTF-8, a missing final newline). A closed stdout (logscrub app.log | head) ends quietly.
Compressed input (gzip, zstd; told by its first bytes, not its name) is read transparently; the
output is plain text (recompress with gzip).";

/// Scrubs PII and secrets from logs: a filter for pipelines, and an audit for CI.
#[derive(Debug, Parser)]
#[command(
    name = "logscrub",
    version,
    after_help = AFTER_HELP,
    // `--stats f --stats` (an alias plus a typed flag, a wrapper script adding its own) is no error: the
    // last one wins; repeatable options (--rules, --enable, --disable) still add up.
    args_override_self = true
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
        value_delimiter = ',',
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
    /// `on` expects every line to be JSON and reports on stderr how many were not (those are scrubbed
    /// as text, so key rules missed them); `off` scrubs every line as text.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = JsonArg::Auto,
          env = "LOGSCRUB_JSON", global = true)]
    json_mode: JsonArg,

    /// Same as --json-mode on.
    #[arg(long, global = true, conflicts_with = "no_json")]
    json: bool,

    /// Same as --json-mode off.
    #[arg(long, global = true)]
    no_json: bool,

    /// Worker threads [default: the number of CPUs].
    #[arg(long, value_name = "N", env = "LOGSCRUB_THREADS", global = true,
          value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

impl EngineArgs {
    /// `--json` and `--no-json` are short for a mode (and clash with a typed `--json-mode`, see
    /// `usage`), so they also win over `LOGSCRUB_JSON`.
    fn json_mode(&self) -> JsonArg {
        if self.json {
            JsonArg::On
        } else if self.no_json {
            JsonArg::Off
        } else {
            self.json_mode
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
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
    /// The audit writes no replacements, so --style and the hash key do not apply to it.
    Audit(AuditArgs),
}

#[derive(Debug, clap::Args)]
struct AuditArgs {
    /// Report format: a table for people, or JSON and SARIF 2.1.0 for tools.
    #[arg(long, value_enum, default_value_t = Format::Table, env = "LOGSCRUB_FORMAT")]
    format: Format,

    /// How many locations (file:line:column, rule, masked preview) to list [default: 20 for table
    /// and json; every one for sarif, whose consumers expect all results]. A cut report says how many
    /// were left out.
    #[arg(long, value_name = "N", env = "LOGSCRUB_MAX_LOCATIONS")]
    max_locations: Option<usize>,

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
    let argv: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let parsed = Args::command()
        .try_get_matches_from(&argv)
        .and_then(|matches| Args::from_arg_matches(&matches).map(|args| (args, matches)));
    let (args, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            if let Some(message) = from_environment(&e, &argv) {
                eprintln!("logscrub: {message}");
                return EXIT_CONFIG;
            }
            // --help and --version come here too, with status 0.
            let _ = e.print();
            return if e.use_stderr() { EXIT_CONFIG } else { EXIT_OK };
        }
    };
    install_panic_hook();
    let result = match usage(&args, &matches) {
        Err(stop) => Err(stop),
        Ok(()) => dispatch(&args),
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

/// Whether option `id` was typed on the command line (rather than taken from the environment or its
/// default): the environment configures every run, so only a typed option can be out of place.
fn typed(matches: &ArgMatches, id: &str) -> bool {
    let sub = matches.subcommand().map(|(_, m)| m);
    [Some(matches), sub].into_iter().flatten().any(|m| {
        m.try_get_raw(id)
            .is_ok_and(|_| m.value_source(id) == Some(ValueSource::CommandLine))
    })
}

/// Combinations clap's declarations cannot express, because an option set in the environment must not
/// make them an error.
fn usage(args: &Args, matches: &ArgMatches) -> Result<(), Stop> {
    if typed(matches, "json_mode") {
        for flag in ["json", "no_json"] {
            if typed(matches, flag) {
                return Err(Stop::Config(format!(
                    "--{} cannot be used with --json-mode (it is short for one of its modes)",
                    flag.replace('_', "-")
                )));
            }
        }
    }
    if args.command.is_some() {
        let filter_only = [
            ("stats", "the audit report already has the counts"),
            ("list_rules", "it is an action of its own"),
            ("check_rules", "it is an action of its own"),
        ];
        for (id, why) in filter_only {
            if typed(matches, id) {
                return Err(Stop::Config(format!(
                    "--{} does not apply to audit ({why})",
                    id.replace('_', "-")
                )));
            }
        }
    }
    Ok(())
}

/// A value clap rejected that came from a `LOGSCRUB_*` variable rather than the command line: clap
/// names the flag (`--style`), which the user never typed, so the message names the variable instead.
fn from_environment(e: &clap::Error, argv: &[OsString]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(
        e.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let Some(ContextValue::String(shown)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let mut command = Args::command();
    // Built, an argument renders as clap's message shows it (`--style <STYLE>`).
    command.build();
    let arg = command
        .get_arguments()
        .chain(command.get_subcommands().flat_map(|c| c.get_arguments()))
        .find(|a| a.to_string() == *shown)?;
    let (long, var) = (arg.get_long()?, arg.get_env()?);
    let flag = format!("--{long}");
    let typed = argv
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str())
        .any(|a| {
            a == flag
                || a.strip_prefix(flag.as_str())
                    .is_some_and(|r| r.starts_with('='))
        });
    if typed || std::env::var_os(var).is_none() {
        return None;
    }
    let value = match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) => v.clone(),
        _ => std::env::var_os(var)?.to_string_lossy().into_owned(),
    };
    let names: Vec<String> = arg
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect();
    let why = if !names.is_empty() {
        format!("; expected {}", names.join(", "))
    } else {
        std::error::Error::source(e)
            .map(|s| format!(": {s}"))
            .unwrap_or_default()
    };
    Some(format!(
        "invalid value '{value}' for {} (from the environment{why})",
        var.to_string_lossy()
    ))
}

fn dispatch(args: &Args) -> Result<u8, Stop> {
    match &args.command {
        Some(Command::Audit(audit)) => run_audit(&args.engine, audit),
        None if args.list_rules => list_rules(&args.engine),
        None => match &args.check_rules {
            Some(file) => check_rules(&args.engine, file),
            None => run_filter(args),
        },
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
    crate::policy::io_reason(e)
}

/// The policy the flags (or their `LOGSCRUB_*` variables) set; `key` stands in for the hash key
/// when the run writes no replacement.
fn policy(engine: &EngineArgs, key: Option<&[u8]>) -> Result<Policy, Stop> {
    let hash_key = match &engine.hash_key_file {
        Some(path) => Some(read_hash_key(path).map_err(|e| Stop::Config(e.to_string()))?),
        // Its raw bytes, which need not be UTF-8 here.
        None => std::env::var_os("LOGSCRUB_HASH_KEY")
            .filter(|k| !k.is_empty())
            .map(os_bytes),
    };
    Ok(Policy {
        rules: engine.rules.clone(),
        enable: engine.enable.clone(),
        disable: engine.disable.clone(),
        style: engine.style.map(StyleArg::style),
        json: match engine.json_mode() {
            JsonArg::Auto => JsonMode::Auto,
            JsonArg::On => JsonMode::On,
            JsonArg::Off => JsonMode::Off,
        },
        hash_key: hash_key.or_else(|| key.map(<[u8]>::to_vec)),
    })
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

fn build(engine: &EngineArgs) -> Result<Scrubber, Stop> {
    policy(engine, None)?
        .scrubber()
        .map_err(|e| Stop::Config(e.to_string()))
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

/// The inputs of the filter: a file that cannot be opened is reported when its turn comes, as `cat`
/// does, and the others are still scrubbed.
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
/// It counts bytes of the files as stored (compressed bytes for a compressed file), in decimal units
/// like `--stats`.
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
        "{decimal_bytes:>10}/{decimal_total_bytes} {wide_bar} {decimal_bytes_per_sec:>12} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Says on stderr that an input could not be read, as soon as it happens (above the progress bar).
fn report_read_error(progress: Option<&ProgressBar>) -> impl FnMut(&ReadError) + '_ {
    move |failure| {
        let message = format!(
            "logscrub: cannot read {}: {}",
            failure.name,
            describe(&failure.error)
        );
        match progress {
            Some(bar) => bar.suspend(|| eprintln!("{message}")),
            None => eprintln!("{message}"),
        }
    }
}

fn write_failure(error: Option<io::Error>) -> Result<(), Stop> {
    match error {
        None => Ok(()),
        // The reader went away (`logscrub big.log | head`): nothing more to do, and not an error.
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Some(e) => Err(Stop::Io(format!(
            "cannot write standard output: {}",
            describe(&e)
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
        &mut report_read_error(progress.as_ref()),
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
            "logscrub: --json-mode on: {} non-blank lines were not valid JSON and were scrubbed as text \
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
    write_failure(outcome.write_error)?;
    // Each unreadable input was reported when its turn came.
    Ok(if outcome.read_errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_IO
    })
}

fn run_audit(engine: &EngineArgs, args: &AuditArgs) -> Result<u8, Stop> {
    // The audit writes no replacement, so a hash style (from LOGSCRUB_STYLE, --style or a rule pack)
    // needs no real key; the placeholder keeps such a setting from blocking it.
    let scrubber = policy(engine, Some(PLACEHOLDER_KEY))?
        .scrubber()
        .map_err(|e| Stop::Config(e.to_string()))?;
    let (sources, walk_errors) = audit::sources(&args.paths);
    for (name, e) in &walk_errors {
        eprintln!("logscrub: cannot read {name}: {}", describe(e));
    }
    let max_locations = args.max_locations.unwrap_or(match args.format {
        Format::Sarif => usize::MAX,
        Format::Table | Format::Json => 20,
    });
    let progress = progress_bar(&sources);
    let outcome = pool::run(
        &sources,
        threads(engine),
        &Find::new(&scrubber, max_locations),
        &mut LongFind::new(&scrubber, max_locations),
        Report::new(&sources, max_locations),
        progress.as_ref(),
        &mut report_read_error(progress.as_ref()),
    );
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut report = outcome.sink;
    for failure in &outcome.read_errors {
        report.unreadable(failure.file, describe(&failure.error));
    }
    print_stdout(&report.render(args.format, &scrubber))?;
    // A file that could not be read was not checked: that outweighs what the others held.
    Ok(
        if !outcome.read_errors.is_empty() || !walk_errors.is_empty() {
            EXIT_IO
        } else if report.found_anything() {
            EXIT_FOUND
        } else {
            EXIT_OK
        },
    )
}

fn list_rules(engine: &EngineArgs) -> Result<u8, Stop> {
    let scrubber = policy(engine, Some(PLACEHOLDER_KEY))?
        .scrubber()
        .map_err(|e| Stop::Config(e.to_string()))?;
    // By family (contact, payment, bank, ...), pack order within one.
    let mut rules: Vec<_> = scrubber.rules().iter().collect();
    rules.sort_by_key(|r| r.family);
    let id_w = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let kind_w = rules.iter().map(|r| r.kind.len()).max().unwrap_or(4).max(4);
    let family_w = rules
        .iter()
        .map(|r| r.family.name().len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut s = format!(
        "{:<family_w$}  {:<id_w$}  {:<7}  {:<10}  {:<5}  {:<kind_w$}  DESCRIPTION\n",
        "FAMILY", "ID", "ENABLED", "KEYWORD", "STYLE", "KIND"
    );
    for r in &rules {
        s.push_str(&format!(
            "{:<family_w$}  {:<id_w$}  {:<7}  {:<10}  {:<5}  {:<kind_w$}  {}\n",
            r.family.name(),
            r.id,
            if r.enabled { "yes" } else { "no" },
            r.keyword.name(),
            r.style.name(),
            r.kind,
            r.description
        ));
    }
    s.push_str(&format!("{} rules\n", rules.len()));
    print_stdout(&s)?;
    Ok(EXIT_OK)
}

fn check_rules(engine: &EngineArgs, file: &Path) -> Result<u8, Stop> {
    let mut policy = policy(engine, Some(PLACEHOLDER_KEY))?;
    policy.rules.push(file.to_path_buf());
    let pack = policy.pack().map_err(|e| Stop::Config(e.to_string()))?;
    Scrubber::new(&pack, &policy.options()).map_err(|e| Stop::Config(e.to_string()))?;
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
