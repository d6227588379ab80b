//! The audit: where is PII in these logs, without writing any of it.
//!
//! `logscrub audit logs/` reads like the filter (same rules, same chunking, all cores) but keeps only
//! counts and the first few locations, so it can gate CI (exit status 3 when anything is found) or feed
//! a code-scanning dashboard (SARIF). A report is something people paste into tickets, so a location
//! carries a masked preview that cannot leak the value: the first character, separators, and for an
//! email the first character of each side and the TLD (`j***@e******.com`).
//!
//! The three formats are documented shapes that scripts may rely on:
//!
//! * `table`: for people; not meant to be parsed.
//! * `json`: `{"files":[{"path","lines","bytes","counts":{RULE:n}}],"totals":{RULE:n},
//!   "locations":[{"path","line","column","rule","preview"}],"omitted_locations":n,
//!   "internal_errors":n}`. Counts list only rules that were found, keys sorted; `line` and `column`
//!   are 1-based, `column` counts bytes; standard input is the path `(stdin)`, as everywhere else; a
//!   file that could not be read (all of it) has an `"error"` saying why; `omitted_locations` counts
//!   findings left out of `locations` by `--max-locations`.
//! * `sarif`: SARIF 2.1.0, one run, one result per finding (level `error`; all of them unless
//!   `--max-locations` is given, since code-scanning tools expect every result), every enabled rule in
//!   `tool.driver.rules`. Columns count UTF-16 code units (`run.columnKind` says so, as SARIF asks:
//!   it allows code units or code points, never bytes), 1-based, with `endColumn` just past the value
//!   when it ends on its line; a value in a line too long to hold, found outside the bytes kept of
//!   it, has a line and no column. `invocations[0]` says whether every file was
//!   read (`executionSuccessful`), with a notification per unreadable file and one saying how many
//!   results `--max-locations` left out; run `properties.omittedResults` holds that count too.
//!
//! A compressed file (gzip, zstd) is audited as the text it holds; line numbers are of that text.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::guard;
use crate::{Findings, LongLine, RuleId, Scrubber, Span};

use super::filter::{Stats, count_lines};
use super::input::Source;
use super::pool::{Collector, LongLines, Task};

/// Report formats for `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Sarif,
}

/// Longest preview; longer ones are cut and end with `...`.
const PREVIEW_MAX: usize = 40;

/// Bytes of a long line kept for previews of values found in it.
const LONG_WINDOW: usize = 2 << 20;

/// Expands the command-line paths: a directory becomes every regular file under it, recursively,
/// sorted so reports are stable. No path means standard input. A path that cannot be read stays in the
/// list (opening it fails and is reported like any unreadable file); a directory that cannot be
/// listed is returned apart, and the rest is still audited.
pub fn sources(paths: &[PathBuf]) -> (Vec<Source>, Vec<(String, io::Error)>) {
    if paths.is_empty() {
        return (vec![Source { path: None }], Vec::new());
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Source { path: None });
        } else if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            let mut files = Vec::new();
            walk(path, &mut files, &mut errors);
            files.sort();
            out.extend(files.into_iter().map(|p| Source { path: Some(p) }));
        } else {
            out.push(Source {
                path: Some(path.clone()),
            });
        }
    }
    (out, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<(String, io::Error)>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return errors.push((dir.display().to_string(), e)),
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push((dir.display().to_string(), e));
                continue;
            }
        };
        let path = entry.path();
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(e) => {
                errors.push((path.display().to_string(), e));
                continue;
            }
        };
        if kind.is_dir() {
            walk(&path, files, errors);
        } else if kind.is_file() {
            files.push(path);
        } else if kind.is_symlink() && fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            // A link to a file is read; a link to a directory is not followed (it could loop).
            files.push(path);
        }
    }
}

/// One location as found by a worker, its line relative to its chunk.
#[derive(Clone, Debug)]
pub struct Hit {
    /// 0-based line within the chunk.
    line: u64,
    /// 1-based byte column.
    column: u64,
    /// 1-based UTF-16 columns of the value's start and of just past its end (for SARIF); the end
    /// is `None` when the value runs past its line, both when they could not be counted.
    utf16: Option<(u64, Option<u64>)>,
    rule: RuleId,
    preview: String,
}

/// UTF-16 code units the UTF-8 `bytes` decode to, counted byte by byte so that a count can be
/// carried across pieces of a line cut anywhere: a lead or ASCII byte starts a character (one
/// unit, two for a four-byte sequence, which is a surrogate pair), a continuation byte adds
/// nothing. A byte of invalid UTF-8 counts as a character of its own (one unit), as a decoder
/// that replaces it with U+FFFD would count it, except a stray continuation byte, which adds
/// nothing.
fn utf16_units(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .map(|&b| u64::from(b & 0xC0 != 0x80) + u64::from(b >= 0xF0))
        .sum()
}

/// The UTF-16 columns of a value starting `before` units into its line: its start, and just past
/// its end unless it crosses a line break.
fn utf16_columns(before: u64, value: &[u8]) -> (u64, Option<u64>) {
    let start = before + 1;
    let end = memchr::memchr(b'\n', value)
        .is_none()
        .then(|| start + utf16_units(value));
    (start, end)
}

/// What a chunk contributed to the report.
#[derive(Default)]
pub struct Found {
    stats: Stats,
    hits: Vec<Hit>,
}

/// Masks a value for display; see the module documentation. Never shows more than the first
/// character (two for an email, plus its TLD), and output is ASCII.
pub fn preview(value: &[u8], email: bool) -> String {
    let mut s = String::new();
    match email.then(|| split_email(value)).flatten() {
        Some((local, at, domain)) => {
            mask_into(&mut s, local, false);
            s.push_str(&String::from_utf8_lossy(at));
            match domain.iter().rposition(|&b| b == b'.') {
                Some(dot)
                    if dot + 1 < domain.len()
                        && domain[dot + 1..].iter().all(u8::is_ascii_alphabetic) =>
                {
                    mask_into(&mut s, &domain[..dot], true);
                    s.push('.');
                    s.push_str(&String::from_utf8_lossy(&domain[dot + 1..]));
                }
                _ => mask_into(&mut s, domain, true),
            }
        }
        None => mask_into(&mut s, value, true),
    }
    if s.len() > PREVIEW_MAX {
        s.truncate(PREVIEW_MAX - 3);
        s.push_str("...");
    }
    s
}

/// Splits an email at its `@`, plain or encoded (`%40`, `%2540`, `\u0040`).
fn split_email(value: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let mut best: Option<(usize, usize)> = None;
    for sep in [&b"@"[..], b"%40", b"%2540", b"\\u0040"] {
        if let Some(i) = memchr::memmem::find(value, sep)
            && best.is_none_or(|(j, _)| i < j)
        {
            best = Some((i, sep.len()));
        }
    }
    let (i, n) = best?;
    Some((&value[..i], &value[i..i + n], &value[i + n..]))
}

/// Writes `value` with its first character kept (if a letter or digit, and the value is at least
/// three bytes long: the first of one or two characters would show half of it or all of it), every
/// other character as `*`, and, when `separators`, punctuation that gives a value its shape kept
/// as it is.
fn mask_into(s: &mut String, value: &[u8], separators: bool) {
    for (i, &b) in value.iter().enumerate() {
        if (0x80..0xc0).contains(&b) {
            continue; // UTF-8 continuation byte: one `*` per character
        }
        let keep = (i == 0 && b.is_ascii_alphanumeric() && value.len() >= 3)
            || (separators
                && matches!(
                    b,
                    b' ' | b'-' | b'.' | b'(' | b')' | b'@' | b'_' | b'+' | b':' | b'/'
                ));
        s.push(if keep { char::from(b) } else { '*' });
    }
}

/// Finding values in chunks of whole lines on the worker threads.
pub struct Find<'s> {
    scrubber: &'s Scrubber,
    /// Which rules are emails, for previews.
    emails: Vec<bool>,
    /// No chunk needs to report more locations than the report keeps.
    max_hits: usize,
}

impl<'s> Find<'s> {
    pub fn new(scrubber: &'s Scrubber, max_hits: usize) -> Find<'s> {
        Find {
            scrubber,
            emails: email_rules(scrubber),
            max_hits,
        }
    }
}

fn email_rules(scrubber: &Scrubber) -> Vec<bool> {
    scrubber.rules().iter().map(|r| r.kind == "email").collect()
}

impl Task for Find<'_> {
    type Out = Found;
    type Scratch = Findings;

    fn chunk(&self, input: &[u8], out: &mut Found, findings: &mut Findings) {
        let lines = count_lines(input);
        out.stats.lines += lines;
        out.stats.bytes += input.len() as u64;
        if guard::run(|| self.scrubber.find_into(input, findings)).is_err() {
            out.stats.failed_lines += lines;
            return;
        }
        out.stats.rules.add_findings(findings);
        let (mut line, mut line_start, mut pos) = (0u64, 0usize, 0usize);
        // UTF-16 units of input[line_start..pos], carried along so a line of many values is
        // counted once, not once per value.
        let mut units = 0u64;
        for span in findings.spans().iter().take(self.max_hits) {
            for nl in memchr::memchr_iter(b'\n', &input[pos..span.start]) {
                line += 1;
                line_start = pos + nl + 1;
            }
            if line_start > pos {
                (pos, units) = (line_start, 0);
            }
            units += utf16_units(&input[pos..span.start]);
            pos = span.start;
            out.hits.push(Hit {
                line,
                column: (span.start - line_start + 1) as u64,
                utf16: Some(utf16_columns(units, &input[span.start..span.end()])),
                rule: span.rule,
                preview: preview(&input[span.start..span.end()], self.is_email(span.rule)),
            });
        }
    }

    fn clear(out: &mut Found) {
        out.stats.clear();
        out.hits.clear();
    }
}

impl Find<'_> {
    fn is_email(&self, rule: RuleId) -> bool {
        self.emails.get(rule.index()).copied().unwrap_or(false)
    }
}

/// Finding values in a line too long to buffer, on the reader thread. The last [`LONG_WINDOW`] bytes
/// of the line are kept so values found in it still get a preview.
pub struct LongFind<'s> {
    scrubber: &'s Scrubber,
    line: LongLine<'s>,
    emails: Vec<bool>,
    max_hits: usize,
    spans: Vec<Span>,
    /// Scrubbed output, which the audit does not need.
    discard: Vec<u8>,
    window: Vec<u8>,
    /// Offset in the line of `window[0]`.
    window_start: usize,
    /// UTF-16 units of the line's bytes before `window[0]`.
    window_units: u64,
    failed: bool,
}

impl<'s> LongFind<'s> {
    pub fn new(scrubber: &'s Scrubber, max_hits: usize) -> LongFind<'s> {
        LongFind {
            scrubber,
            line: LongLine::new(scrubber),
            emails: email_rules(scrubber),
            max_hits,
            spans: Vec::new(),
            discard: Vec::new(),
            window: Vec::new(),
            window_start: 0,
            window_units: 0,
            failed: false,
        }
    }

    fn step(&mut self, out: &mut Found, piece: Option<&[u8]>) {
        let (line, spans, discard) = (&mut self.line, &mut self.spans, &mut self.discard);
        let stepped = guard::run(|| match piece {
            Some(piece) => line.feed(piece, discard, spans),
            None => line.finish(discard, spans),
        });
        self.discard.clear();
        if stepped.is_err() {
            out.stats.failed_lines += 1;
            self.failed = true;
            self.line = LongLine::new(self.scrubber);
            self.spans.clear();
            return;
        }
        let allowed: Vec<Span> = self.line.drain_allowed().collect();
        out.stats.rules.add_spans(&self.spans, &allowed);
        for span in &self.spans {
            if out.hits.len() >= self.max_hits {
                break;
            }
            let email = self.emails.get(span.rule.index()).copied().unwrap_or(false);
            let (preview, utf16) = match span.start.checked_sub(self.window_start) {
                Some(at) if at + span.len <= self.window.len() => {
                    let value = &self.window[at..at + span.len];
                    let before = self.window_units + utf16_units(&self.window[..at]);
                    (preview(value, email), Some(utf16_columns(before, value)))
                }
                // Out of the window: show nothing of it, and no column that could not be counted.
                _ => ("****".to_string(), None),
            };
            out.hits.push(Hit {
                line: 0,
                column: span.start as u64 + 1,
                utf16,
                rule: span.rule,
                preview,
            });
        }
        self.spans.clear();
    }
}

impl LongLines<Found> for LongFind<'_> {
    fn part(&mut self, piece: &[u8], out: &mut Found) {
        out.stats.bytes += piece.len() as u64;
        if self.failed {
            return;
        }
        self.window.extend_from_slice(piece);
        if self.window.len() > 2 * LONG_WINDOW {
            let drop = self.window.len() - LONG_WINDOW;
            self.window_units += utf16_units(&self.window[..drop]);
            self.window.drain(..drop);
            self.window_start += drop;
        }
        self.step(out, Some(piece));
    }

    fn end(&mut self, newline: bool, out: &mut Found) {
        if !self.failed {
            self.step(out, None);
        }
        self.failed = false;
        self.window.clear();
        self.window_start = 0;
        self.window_units = 0;
        out.stats.lines += 1;
        out.stats.bytes += u64::from(newline);
    }
}

/// One reported location.
#[derive(Clone, Debug)]
pub struct Location {
    file: usize,
    line: u64,
    column: u64,
    utf16: Option<(u64, Option<u64>)>,
    rule: RuleId,
    preview: String,
}

/// The report being assembled on the writer thread.
pub struct Report {
    names: Vec<String>,
    files: Vec<Stats>,
    /// Why a file could not be read (to its end), if it could not.
    errors: Vec<Option<String>>,
    locations: Vec<Location>,
    max_locations: usize,
    /// Lines of the current file before the next result.
    current: usize,
    line_base: u64,
}

impl Report {
    pub fn new(sources: &[Source], max_locations: usize) -> Report {
        Report {
            names: sources.iter().map(Source::name).collect(),
            files: vec![Stats::default(); sources.len()],
            errors: vec![None; sources.len()],
            locations: Vec::new(),
            max_locations,
            current: 0,
            line_base: 0,
        }
    }

    /// Marks input `file` as not (completely) read, for `reason` (no log content in it).
    pub fn unreadable(&mut self, file: usize, reason: String) {
        if let Some(slot) = self.errors.get_mut(file) {
            *slot = Some(reason);
        }
    }

    /// Findings found but not listed as locations (`--max-locations`).
    fn omitted(&self, totals: &Stats) -> u64 {
        let found: u64 = totals.rules.redacted_total();
        found.saturating_sub(self.locations.len() as u64)
    }

    fn totals(&self) -> Stats {
        let mut t = Stats::default();
        for f in &self.files {
            t.add(f);
        }
        t
    }

    /// Whether anything was found (or could not be checked): the audit's exit status 3.
    pub fn found_anything(&self) -> bool {
        let t = self.totals();
        t.rules.redacted_total() > 0 || t.failed_lines > 0
    }

    /// Renders the report in `format`.
    pub fn render(&self, format: Format, scrubber: &Scrubber) -> String {
        match format {
            Format::Table => self.table(scrubber),
            Format::Json => pretty(&self.json(scrubber)),
            Format::Sarif => pretty(&self.sarif(scrubber)),
        }
    }

    fn table(&self, scrubber: &Scrubber) -> String {
        let totals = self.totals();
        let found: u64 = totals.rules.redacted_total();
        let display = |i: usize| self.names[i].clone();
        let mut s = String::new();
        let name_w = (0..self.names.len())
            .map(|i| display(i).len())
            .chain([4])
            .max()
            .unwrap_or(4);
        let _ = writeln!(
            s,
            "{:<name_w$}  {:>10}  {:>12}  {:>8}",
            "FILE", "LINES", "BYTES", "FINDINGS"
        );
        for (i, f) in self.files.iter().enumerate() {
            let _ = write!(
                s,
                "{:<name_w$}  {:>10}  {:>12}  {:>8}",
                display(i),
                f.lines,
                f.bytes,
                f.rules.redacted_total()
            );
            match &self.errors[i] {
                Some(why) => {
                    let _ = writeln!(s, "  not read: {why}");
                }
                None => s.push('\n'),
            }
        }
        if self.files.len() > 1 {
            let _ = writeln!(
                s,
                "{:<name_w$}  {:>10}  {:>12}  {:>8}",
                "TOTAL", totals.lines, totals.bytes, found
            );
        }
        if found > 0 {
            let _ = writeln!(s, "\n{:<20}  {:>8}", "RULE", "COUNT");
            for (i, n) in totals.rules.redacted.iter().enumerate() {
                if *n > 0 {
                    let _ = writeln!(s, "{:<20}  {n:>8}", scrubber.rules()[i].id);
                }
            }
        }
        let allowed = totals.rules.allowed_total();
        if allowed > 0 {
            let _ = writeln!(s, "\n{:<20}  {:>8}", "ALLOWED (kept)", "COUNT");
            for (i, n) in totals.rules.allowed.iter().enumerate() {
                if *n > 0 {
                    let _ = writeln!(s, "{:<20}  {n:>8}", scrubber.rules()[i].id);
                }
            }
        }
        if !self.locations.is_empty() {
            let places: Vec<String> = self
                .locations
                .iter()
                .map(|l| format!("{}:{}:{}", display(l.file), l.line, l.column))
                .collect();
            let place_w = places.iter().map(String::len).max().unwrap_or(8).max(8);
            let _ = writeln!(s, "\n{:<place_w$}  {:<20}  PREVIEW", "LOCATION", "RULE");
            for (place, l) in places.iter().zip(&self.locations) {
                let _ = writeln!(
                    s,
                    "{place:<place_w$}  {:<20}  {}",
                    scrubber.rule_name(l.rule),
                    l.preview
                );
            }
            if (self.locations.len() as u64) < found {
                let _ = writeln!(
                    s,
                    "(first {} of {found} findings; --max-locations N lists more)",
                    self.locations.len()
                );
            }
        }
        if totals.failed_lines > 0 {
            let _ = writeln!(
                s,
                "\n{} lines could not be checked (internal error)",
                totals.failed_lines
            );
        }
        let unread = self.errors.iter().flatten().count();
        if unread > 0 {
            let _ = writeln!(
                s,
                "\n{unread} files could not be read in full: this report is incomplete"
            );
        }
        let _ = writeln!(
            s,
            "\n{}",
            if found == 0 && totals.failed_lines == 0 {
                format!(
                    "no findings in {} lines of {} files",
                    totals.lines,
                    self.files.len()
                )
            } else {
                format!(
                    "{found} findings in {} lines of {} files",
                    totals.lines,
                    self.files.len()
                )
            }
        );
        s
    }

    fn json(&self, scrubber: &Scrubber) -> Value {
        let totals = self.totals();
        let files: Vec<Value> = self
            .files
            .iter()
            .zip(&self.names)
            .zip(&self.errors)
            .map(|((f, name), error)| {
                let mut file = json!({
                    "path": name,
                    "lines": f.lines,
                    "bytes": f.bytes,
                    "counts": counts(&f.rules.redacted, scrubber),
                });
                if let Some(why) = error {
                    file["error"] = json!(why);
                }
                file
            })
            .collect();
        let locations: Vec<Value> = self
            .locations
            .iter()
            .map(|l| {
                json!({
                    "path": self.names[l.file],
                    "line": l.line,
                    "column": l.column,
                    "rule": scrubber.rule_name(l.rule),
                    "preview": l.preview,
                })
            })
            .collect();
        json!({
            "files": files,
            "totals": counts(&totals.rules.redacted, scrubber),
            "allowed": counts(&totals.rules.allowed, scrubber),
            "locations": locations,
            "omitted_locations": self.omitted(&totals),
            "internal_errors": totals.failed_lines,
        })
    }

    fn sarif(&self, scrubber: &Scrubber) -> Value {
        let enabled: Vec<usize> = (0..scrubber.rules().len())
            .filter(|&i| scrubber.rules()[i].enabled)
            .collect();
        let rules: Vec<Value> = enabled
            .iter()
            .map(|&i| {
                let r = &scrubber.rules()[i];
                json!({ "id": r.id, "shortDescription": { "text": r.description } })
            })
            .collect();
        let results: Vec<Value> = self
            .locations
            .iter()
            .map(|l| {
                let id = scrubber.rule_name(l.rule);
                let mut region = json!({ "startLine": l.line });
                if let Some((start, end)) = l.utf16 {
                    region["startColumn"] = json!(start);
                    if let Some(end) = end {
                        region["endColumn"] = json!(end);
                    }
                }
                let mut result = json!({
                    "ruleId": id,
                    "level": "error",
                    "message": { "text": format!("{id} found: {}", l.preview) },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": uri(&self.names[l.file]) },
                            "region": region,
                        }
                    }],
                });
                if let Some(index) = enabled.iter().position(|&i| i == l.rule.index()) {
                    result["ruleIndex"] = json!(index);
                }
                result
            })
            .collect();
        let omitted = self.omitted(&self.totals());
        let mut notifications: Vec<Value> = self
            .errors
            .iter()
            .zip(&self.names)
            .filter_map(|(error, name)| {
                let why = error.as_ref()?;
                Some(json!({
                    "level": "error",
                    "message": { "text": format!("cannot read {name}: {why}") },
                }))
            })
            .collect();
        if omitted > 0 {
            notifications.push(json!({
                "level": "warning",
                "message": {
                    "text": format!(
                        "{omitted} results omitted by --max-locations {}",
                        self.max_locations
                    )
                },
            }));
        }
        let repository = env!("CARGO_PKG_REPOSITORY");
        json!({
            "version": "2.1.0",
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "logscrub",
                        "version": env!("CARGO_PKG_VERSION"),
                        "informationUri": if repository.is_empty() {
                            "https://crates.io/crates/logscrub"
                        } else {
                            repository
                        },
                        "rules": rules,
                    }
                },
                "invocations": [{
                    "executionSuccessful": self.errors.iter().all(Option::is_none),
                    "toolExecutionNotifications": notifications,
                }],
                "columnKind": "utf16CodeUnits",
                "results": results,
                "properties": { "omittedResults": omitted },
            }]
        })
    }
}

/// `{RULE: n}` for the rules with a count, sorted by id.
fn counts(counts: &[u64], scrubber: &Scrubber) -> Value {
    let mut map = Map::new();
    for (i, n) in counts.iter().enumerate() {
        if *n > 0 {
            map.insert(scrubber.rules()[i].id.clone(), json!(n));
        }
    }
    Value::Object(map)
}

fn pretty(value: &Value) -> String {
    // Serializing a `Value` cannot fail (its map keys are strings).
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// A path as a relative URI reference: `/` separators, everything outside the unreserved set
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut s = String::new();
    for b in path.replace('\\', "/").bytes() {
        // Parentheses are allowed in a path as they are, which keeps `(stdin)` readable.
        if b.is_ascii_alphanumeric() || b"-._~/()".contains(&b) {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    s
}

impl Collector<Found> for Report {
    fn accept(&mut self, file: usize, found: &mut Found) -> io::Result<()> {
        if file != self.current {
            self.current = file;
            self.line_base = 0;
        }
        for hit in found.hits.drain(..) {
            if self.locations.len() >= self.max_locations {
                break;
            }
            self.locations.push(Location {
                file,
                line: self.line_base + hit.line + 1,
                column: hit.column,
                utf16: hit.utf16,
                rule: hit.rule,
                preview: hit.preview,
            });
        }
        self.line_base += found.stats.lines;
        if let Some(stats) = self.files.get_mut(file) {
            stats.add(&found.stats);
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews() {
        assert_eq!(preview(b"jane@example.com", true), "j***@e******.com");
        assert_eq!(preview(b"jane%40example.com", true), "j***%40e******.com");
        assert_eq!(
            preview(b"a.b@mail.example.co.uk", true),
            "a**@m***.*******.**.uk"
        );
        assert_eq!(
            preview(b"4111-1111-1111-1111", false),
            "4***-****-****-****"
        );
        assert_eq!(preview(b"+1 (415) 555-0132", false), "+* (***) ***-****");
        assert_eq!(preview(b"sk_live_abcdef", false), "s*_****_******");
        assert_eq!(preview("é1234".as_bytes(), false), "*****");
        // One- and two-character parts keep nothing: their first character is most of them.
        assert_eq!(preview(b"a@b.co", true), "*@*.co");
        assert_eq!(preview(b"jo@ab.io", true), "**@**.io");
        let long = preview(&[b'a'; 100], false);
        assert_eq!(long.len(), PREVIEW_MAX);
        assert!(long.ends_with("..."));
    }

    #[test]
    fn uris() {
        assert_eq!(uri("logs/app 1.log"), "logs/app%201.log");
        assert_eq!(uri("-"), "-");
        assert_eq!(uri("(stdin)"), "(stdin)");
    }
}
