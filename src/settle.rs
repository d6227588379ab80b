//! Settling: re-checking the rewritten text so that scrubbing twice changes nothing.
//!
//! Detectors judge a candidate by its surroundings: the `://` that makes `user@host` URL user info
//! rather than an email, the word byte that glues `sk_live_…` to what precedes it, the `{` at which a
//! JSON document starts, whether a line parses as JSON at all. When those surroundings lie inside a
//! value that another rule redacts, the rewritten line no longer holds them, and a second scrub would
//! judge the same bytes differently — it would redact *more*, which means the first pass let a value
//! through. Fuzzing found this class again and again in different detectors; patching each detector
//! to foresee every other detector's rewrite does not scale.
//!
//! So the engine checks its own output instead. Every line that holds a span is rewritten (into a
//! scratch buffer) and scanned again exactly as the real output would be; anything found there is
//! mapped back to input offsets and merged into the findings, and the check repeats until it finds
//! nothing. A line that has not settled after [`ROUNDS`] checks is replaced whole (fail closed).
//! The result is a fixed point: the output, scrubbed again, finds nothing. Lines without a span are
//! not checked — their output is their input — so the cost is one more scan of the lines that held
//! PII, nothing on the rest.
//!
//! Checking works on whole lines because every detector decision is line-local (keyword windows and
//! JSON documents stop at line breaks); a span that crosses lines (a PEM block) widens its region to
//! all the lines it touches. For the same reason the regions of a round are scanned together, their
//! rewritten text joined by line breaks (`crate::joined`): a scan's set-up costs about what a short
//! line's scan does, and on a 30% PII log one scan per region paid it for every third line. Where
//! the joined scan cannot be read back per region (a key block, a span across a region's end),
//! each region is scanned alone.

use std::cell::RefCell;
use std::ops::Range;

use crate::findings::{Findings, Span};
use crate::joined::Joined;
use crate::json::JsonMode;
use crate::resolve::{Precedence, resolve};

/// What settling asks of the engine: the precedence that resolves overlapping spans, a span
/// written as the output writes it, and one detection pass. The scrubber implements it; this module
/// sees only the trait, so it sits beneath the scrubber instead of in an import cycle with it.
pub(crate) trait Engine {
    fn precedence(&self) -> &[Precedence];
    fn write_span(&self, out: &mut Vec<u8>, input: &[u8], span: &Span, findings: &Findings);
    /// Detection without settling: the spans `mode` finds in `input`, resolved.
    fn find_once(&self, input: &[u8], findings: &mut Findings, mode: JsonMode);
    /// Whether regions may be checked joined (`crate::joined`).
    fn may_join(&self) -> bool;
}

/// Checks of the rewritten text before a region that keeps changing is replaced whole. Every case
/// fuzzing has found settles after one; a second is rare.
pub(crate) const ROUNDS: usize = 4;

/// The most joined-region capacity a thread keeps between calls (see [`settle`]).
const KEEP_JOINED: usize = 4 << 20;

/// Where one replacement landed in a region's rewritten text, and what it replaced.
#[derive(Clone, Copy, Debug)]
struct Replaced {
    out_start: usize,
    out_end: usize,
    input: Span,
}

/// One region of a round: whole lines (as a span of the input), the findings' spans in it, its
/// replacements in the rewritten text, and where its additions start in `Scratch::added`.
#[derive(Clone, Debug)]
struct Region {
    lines: Span,
    spans: Range<usize>,
    tokens: Range<usize>,
    added: usize,
}

#[derive(Default)]
struct Scratch {
    rewritten: Vec<u8>,
    tokens: Vec<Replaced>,
    check: Findings,
    added: Vec<Span>,
    added_quoted: Vec<usize>,
    unsettled: Vec<Span>,
    unsettled_quoted: Vec<usize>,
    regions: Vec<Region>,
    /// The rewritten regions of a round, searched as one (see `crate::joined`).
    joined: Joined,
    /// Rounds checked with one joined scan (tests count them).
    #[cfg(test)]
    joined_rounds: usize,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Grows `findings` (spans of `input`, resolved) until rewriting `input` with them gives text in
/// which `mode` finds nothing more.
pub(crate) fn settle(
    scrubber: &impl Engine,
    input: &[u8],
    findings: &mut Findings,
    mode: JsonMode,
) {
    if findings.spans.is_empty() {
        return;
    }
    // A settle run never re-enters itself (the check is a plain detection pass), but a caller on
    // this thread might (a panic hook, a test harness); a busy scratch gets a fresh one.
    let settled = SCRATCH.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            settle_with(scrubber, input, findings, mode, &mut scratch, true);
            // The joined regions of one call are at most its input; a thread keeps no more than
            // a CLI chunk's worth between calls.
            scratch.joined.release_over(KEEP_JOINED);
            true
        }
        Err(_) => false,
    });
    if !matches!(settled, Ok(true)) {
        settle_with(
            scrubber,
            input,
            findings,
            mode,
            &mut Scratch::default(),
            true,
        );
    }
}

/// [`settle`]; `join` false checks each region alone (tests compare the two).
fn settle_with(
    scrubber: &impl Engine,
    input: &[u8],
    findings: &mut Findings,
    mode: JsonMode,
    scratch: &mut Scratch,
    join: bool,
) {
    for round in 0..ROUNDS {
        let last = round + 1 == ROUNDS;
        scratch.added.clear();
        scratch.added_quoted.clear();
        scratch.unsettled.clear();
        scratch.unsettled_quoted.clear();
        scratch.regions.clear();
        let mut i = 0;
        while i < findings.spans.len() {
            let (lines, next) = region_at(input, &findings.spans, i);
            scratch.regions.push(Region {
                lines,
                spans: i..next,
                tokens: 0..0,
                added: 0,
            });
            i = next;
        }
        // One search for all the regions, unless there is one only or its spans cannot be read
        // back per region: then a search per region.
        if !join
            || scratch.regions.len() < 2
            || !scrubber.may_join()
            || !check_joined(scrubber, input, findings, mode, scratch)
        {
            scratch.added.clear();
            scratch.added_quoted.clear();
            for k in 0..scratch.regions.len() {
                scratch.regions[k].added = scratch.added.len();
                let Region { lines, spans, .. } = scratch.regions[k].clone();
                check_region(scrubber, input, findings, spans, lines, mode, scratch);
            }
        } else {
            #[cfg(test)]
            {
                scratch.joined_rounds += 1;
            }
        }
        if last {
            for (k, region) in scratch.regions.iter().enumerate() {
                let end = scratch
                    .regions
                    .get(k + 1)
                    .map_or(scratch.added.len(), |next| next.added);
                if let Some(first) = scratch.added.get(region.added..end).and_then(|a| a.first()) {
                    unsettled_spans(
                        input,
                        region.lines,
                        first.rule,
                        &findings.spans,
                        &mut scratch.unsettled,
                        &mut scratch.unsettled_quoted,
                    );
                }
            }
        }
        if scratch.added.is_empty() {
            return;
        }
        if last {
            // Still changing: each region that is replaced whole, which settles by construction
            // (a replacement token is never detected).
            findings.spans.extend_from_slice(&scratch.unsettled);
            findings
                .whole
                .extend(scratch.unsettled.iter().map(|s| s.start));
            findings.quoted.extend_from_slice(&scratch.unsettled_quoted);
        } else {
            findings.spans.extend_from_slice(&scratch.added);
            findings.quoted.extend_from_slice(&scratch.added_quoted);
        }
        resolve(&mut findings.spans, scrubber.precedence());
        // A quoted span keeps its quotes only while a span still starts where it did.
        findings.quoted.sort_unstable();
        findings.quoted.dedup();
        let spans = &findings.spans;
        findings
            .quoted
            .retain(|q| spans.binary_search_by_key(q, |s| s.start).is_ok());
        // A whole region starts at a line start, before every span it swallowed, so resolving keeps
        // its start (`unsettled` is in input order, so `whole` is sorted).
        findings
            .whole
            .retain(|w| spans.binary_search_by_key(w, |s| s.start).is_ok());
        if last {
            return;
        }
    }
}

/// Appends to `out` the spans that replace a region that never settled (`lines`, whose `spans` are
/// those found so far), each written as `rule`'s label: the whole region; or, when the region is one
/// line holding one JSON document, the document's inside, so that the line stays a document of the
/// same kind (the promise every JSON mode keeps): an array's as one quoted span (`["[SECRET]"]`), an
/// object's as its first key and all after that key's colon, each quoted
/// (`{"[SECRET]":"[SECRET]"}`). Starts of quoted spans go to `quoted`. A span found so far that
/// reaches a bracket or that colon would merge the pieces: then the whole region.
fn unsettled_spans(
    input: &[u8],
    lines: Span,
    rule: crate::findings::RuleId,
    spans: &[Span],
    out: &mut Vec<Span>,
    quoted: &mut Vec<usize>,
) {
    let line = &input[lines.start..lines.end()];
    let lead = line.len() - line.trim_ascii_start().len();
    let body = line.trim_ascii();
    let (open, close) = (
        lines.start + lead,
        lines.start + lead + body.len().saturating_sub(1),
    );
    let kind = match (body.first(), body.last()) {
        _ if body.len() < 3 || memchr::memchr2(b'\n', b'\r', body).is_some() => None,
        (Some(b'['), Some(b']')) => Some(None),
        (Some(b'{'), Some(b'}')) => object_colon(input, open, close).map(Some),
        _ => None,
    };
    // Bytes a found span may not cover, or the pieces would merge into one.
    let free = |at: usize| {
        let after = spans.partition_point(|s| s.end() <= at);
        spans.get(after).is_none_or(|s| s.start > at)
    };
    let piece = |start: usize, end: usize| Span {
        start,
        len: end - start,
        rule,
    };
    match kind {
        Some(None) if free(open) && free(close) => {
            quoted.push(open + 1);
            out.push(piece(open + 1, close));
        }
        Some(Some(colon)) if free(open) && free(close) && free(colon) && colon + 1 < close => {
            quoted.extend([open + 1, colon + 1]);
            out.extend([piece(open + 1, colon), piece(colon + 1, close)]);
        }
        _ => out.push(Span { rule, ..lines }),
    }
}

/// Where the colon after the first key of the object that opens at `open` (a `{`) is, when the
/// object starts with a key string: blanks, the key (its escapes skipped), blanks, `:`.
fn object_colon(input: &[u8], open: usize, close: usize) -> Option<usize> {
    let blank = |b: &u8| crate::json::is_blank(*b);
    let mut i = open + 1;
    while i < close && blank(&input[i]) {
        i += 1;
    }
    if input.get(i) != Some(&b'"') {
        return None;
    }
    i += 1;
    while i < close {
        match input[i] {
            b'\\' => i += 2,
            b'"' => break,
            _ => i += 1,
        }
    }
    i += 1;
    while i < close && blank(&input[i]) {
        i += 1;
    }
    (i < close && input[i] == b':').then_some(i)
}

/// The whole lines touched by the spans from `first` on that overlap one another's lines, as a span
/// of `input` (its `rule` unused), and the index of the first span after it.
fn region_at(input: &[u8], spans: &[Span], first: usize) -> (Span, usize) {
    let start = memchr::memrchr(b'\n', &input[..spans[first].start]).map_or(0, |i| i + 1);
    let line_end =
        |from: usize| memchr::memchr(b'\n', &input[from..]).map_or(input.len(), |i| from + i);
    let mut end = line_end(spans[first].end());
    let mut next = first + 1;
    while next < spans.len() && spans[next].start <= end {
        // `end` is a line end: only a span reaching past it can move it (and a search from every
        // span to the line end would be quadratic on a line of many spans).
        if spans[next].end() > end {
            end = line_end(spans[next].end());
        }
        next += 1;
    }
    let region = Span {
        start,
        len: end - start,
        rule: spans[first].rule,
    };
    (region, next)
}

/// Appends `region` of `input`, rewritten with the spans `range` of `findings`, to `out`, and
/// where each replacement landed in `out` to `tokens`.
fn rewrite_region(
    scrubber: &impl Engine,
    input: &[u8],
    findings: &Findings,
    range: Range<usize>,
    region: Span,
    out: &mut Vec<u8>,
    tokens: &mut Vec<Replaced>,
) {
    let mut copied = region.start;
    for span in &findings.spans[range] {
        out.extend_from_slice(&input[copied..span.start]);
        let out_start = out.len();
        scrubber.write_span(out, input, span, findings);
        tokens.push(Replaced {
            out_start,
            out_end: out.len(),
            input: *span,
        });
        copied = span.end();
    }
    out.extend_from_slice(&input[copied..region.end()]);
}

/// Rewrites `region` of `input` with the spans `range` of `findings`, scans the result as `mode`
/// would, and records in `scratch.added` (input offsets) what that scan found beyond the spans.
fn check_region(
    scrubber: &impl Engine,
    input: &[u8],
    findings: &Findings,
    range: Range<usize>,
    region: Span,
    mode: JsonMode,
    scratch: &mut Scratch,
) {
    let Scratch {
        rewritten,
        tokens,
        check,
        added,
        added_quoted,
        ..
    } = scratch;
    rewritten.clear();
    tokens.clear();
    rewrite_region(scrubber, input, findings, range, region, rewritten, tokens);
    scrubber.find_once(rewritten, check, mode);
    for found in &check.spans {
        let span = to_input(tokens, region.start, 0, found);
        if !covered(&findings.spans, &span) {
            added.push(span);
            if check.is_quoted(found) {
                added_quoted.push(span.start);
            }
        }
    }
}

/// [`check_region`] for every region of `scratch.regions` with one scan: the rewritten regions
/// joined by line breaks. Records each region's additions (and where they start); false, having
/// recorded nothing usable, when the spans found cannot be read back per region (see
/// `crate::joined`).
fn check_joined(
    scrubber: &impl Engine,
    input: &[u8],
    findings: &Findings,
    mode: JsonMode,
    scratch: &mut Scratch,
) -> bool {
    let Scratch {
        tokens,
        check,
        added,
        added_quoted,
        regions,
        joined,
        ..
    } = scratch;
    joined.clear();
    tokens.clear();
    for region in regions.iter_mut() {
        let first = tokens.len();
        joined.push_with(|out| {
            rewrite_region(
                scrubber,
                input,
                findings,
                region.spans.clone(),
                region.lines,
                out,
                tokens,
            )
        });
        region.tokens = first..tokens.len();
    }
    scrubber.find_once(joined.bytes(), check, mode);
    if joined.apart(&check.spans) {
        return false;
    }
    for (region, (text, found)) in regions.iter_mut().zip(joined.split(&check.spans)) {
        region.added = added.len();
        let tokens = &tokens[region.tokens.clone()];
        for found in found {
            let span = to_input(tokens, region.lines.start, text.start, found);
            if !covered(&findings.spans, &span) {
                added.push(span);
                if check.is_quoted(found) {
                    added_quoted.push(span.start);
                }
            }
        }
    }
    true
}

/// `found`, a span of a region's rewritten text (which starts at `text_start` of what was
/// searched), as a span of the input: an end that falls inside a replacement stretches to cover
/// all the replacement replaced.
fn to_input(tokens: &[Replaced], region_start: usize, text_start: usize, found: &Span) -> Span {
    // Input offset of rewritten byte `at`, and the replaced span when `at` lies in a replacement.
    let locate = |at: usize| -> (usize, Option<Span>) {
        let before = tokens.partition_point(|t| t.out_end <= at);
        match tokens.get(before) {
            Some(t) if t.out_start <= at => (t.input.start, Some(t.input)),
            _ => match before.checked_sub(1).map(|k| tokens[k]) {
                Some(t) => (t.input.end() + (at - t.out_end), None),
                None => (region_start + (at - text_start), None),
            },
        }
    };
    let (start, _) = locate(found.start);
    let end = match locate(found.end() - 1) {
        (_, Some(replaced)) => replaced.end(),
        (last, None) => last + 1,
    };
    Span {
        start,
        len: end - start,
        rule: found.rule,
    }
}

/// Whether one of `spans` (sorted, disjoint) already covers all of `span`.
fn covered(spans: &[Span], span: &Span) -> bool {
    let after = spans.partition_point(|s| s.start <= span.start);
    after > 0 && spans[after - 1].end() >= span.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(start: usize, len: usize) -> Span {
        Span::at(start, len)
    }

    #[test]
    fn rewritten_offsets_map_back_through_replacements() {
        // input  "ab<secret 10 bytes>cd" ; rewritten "ab[SECRET]cd" (token 8 bytes)
        let tokens = [Replaced {
            out_start: 2,
            out_end: 10,
            input: s(102, 10),
        }];
        // A span over "cd" maps past the replaced value.
        assert_eq!(to_input(&tokens, 100, 0, &s(10, 2)), s(112, 2));
        // Over "b[SEC": from "b" to the end of what the token replaced.
        assert_eq!(to_input(&tokens, 100, 0, &s(1, 4)), s(101, 11));
        // Before any token: plain offset.
        assert_eq!(to_input(&tokens, 100, 0, &s(0, 1)), s(100, 1));
    }

    #[test]
    fn coverage_needs_one_span_holding_all() {
        let spans = [s(0, 5), s(5, 5)];
        assert!(covered(&spans, &s(1, 3)));
        assert!(covered(&spans, &s(5, 5)));
        assert!(!covered(&spans, &s(3, 4)));
        assert!(!covered(&spans, &s(10, 1)));
    }

    /// The regions of a buffer are checked with one search of the rewritten regions joined
    /// (`check_joined`) or one search each (`check_region`), with the same result: on the fuzz
    /// inputs — many found because a rewrite changed what a second scrub saw — one buffer per
    /// input and one of them all, in every JSON mode. Fails if no buffer needed settling or none
    /// was checked joined.
    #[test]
    fn regions_checked_together_settle_as_checked_alone() {
        use crate::{Options, Pack, Scrubber};
        let mut buffers: Vec<Vec<u8>> = Vec::new();
        for target in ["engine", "json"] {
            let dir = format!(
                "{}/tests/data/fuzz-regressions/{target}",
                env!("CARGO_MANIFEST_DIR")
            );
            for entry in std::fs::read_dir(dir).expect("fuzz regressions") {
                buffers.push(std::fs::read(entry.expect("entry").path()).expect("fuzz input"));
            }
        }
        buffers.push(buffers.join(&b"\n"[..]));
        let (mut settled, mut joined) = (0, 0);
        for mode in [JsonMode::Auto, JsonMode::On, JsonMode::Off] {
            let options = Options {
                json: mode,
                ..Options::default()
            };
            let s = Scrubber::new(&Pack::builtin().expect("pack"), &options).expect("scrubber");
            for input in &buffers {
                let mut once = Findings::default();
                s.find_once(input, &mut once, mode);
                let mut results = Vec::new();
                for join in [true, false] {
                    let mut f = once.clone();
                    let mut scratch = Scratch::default();
                    settle_with(&s, input, &mut f, mode, &mut scratch, join);
                    results.push((f.spans, f.quoted, f.whole));
                    joined += scratch.joined_rounds;
                }
                assert_eq!(results[0], results[1], "{mode:?}");
                settled += usize::from(results[0].0 != once.spans);
            }
        }
        assert!(
            settled >= 10 && joined >= 10,
            "{settled} settled, {joined} joined"
        );
    }

    /// A user regex that asks where the searched text ends (`\z`) sees the end of the input only
    /// in the last region checked alone (joined, a line break follows it): a pack with one checks
    /// its regions one by one, and scrubbing twice changes nothing.
    #[test]
    fn text_edge_patterns_are_checked_region_by_region() {
        use crate::{Options, Pack, Scrubber};
        let mut pack = Pack::builtin().expect("pack");
        pack.merge_str(
            "[[rule]]\nid = \"TAIL\"\nregex = '[a-z]+ \\[[A-Z]+\\]\\z'\n",
            "tail.toml",
        )
        .expect("rule");
        let s = Scrubber::new(&pack, &Options::default()).expect("scrubber");
        let input = b"a@b.com x\nfoo\ncontact bob@example.com";
        let (mut once, mut twice) = (Vec::new(), Vec::new());
        s.scrub(input, &mut once);
        s.scrub(&once, &mut twice);
        assert_eq!(String::from_utf8_lossy(&once), "[EMAIL] x\nfoo\n[TAIL]");
        assert_eq!(once, twice);
    }

    /// A line that never settles is replaced whole; a JSON document line by its inside, so that it
    /// stays a document of its kind (arrays, objects, escaped quotes in the first key), unless a
    /// span found so far covers a bracket or the first key's colon.
    #[test]
    fn an_unsettled_json_line_stays_a_document() {
        use crate::findings::RuleId;
        let rule = RuleId(0);
        let shapes = |line: &str, found: &[Span]| {
            let (mut out, mut quoted) = (Vec::new(), Vec::new());
            let lines = Span::at(0, line.len());
            unsettled_spans(line.as_bytes(), lines, rule, found, &mut out, &mut quoted);
            let pieces: Vec<&str> = out.iter().map(|s| &line[s.start..s.end()]).collect();
            (pieces.join("|"), quoted.len())
        };
        assert_eq!(shapes(" [1, \"a\"] ", &[]), ("1, \"a\"".into(), 1));
        assert_eq!(
            shapes(r#"{"k\"ey" : "v", "w": 2}"#, &[]),
            (r#""k\"ey" | "v", "w": 2"#.into(), 2)
        );
        // A span over the colon, or over the closing bracket: the whole line.
        let line = r#"{"k":"v"}"#;
        assert_eq!(shapes(line, &[s(4, 1)]), (line.into(), 0));
        assert_eq!(shapes(line, &[s(5, 4)]), (line.into(), 0));
        // Not a document, or more than one line: the whole region.
        assert_eq!(shapes("text {x}", &[]), ("text {x}".into(), 0));
        assert_eq!(shapes("[1,\n2]", &[]), ("[1,\n2]".into(), 0));
        assert_eq!(shapes("{x}", &[]), ("{x}".into(), 0));
    }

    #[test]
    fn regions_are_whole_lines_joined_by_shared_lines() {
        let input = b"one a\ntwo b c\nthree\nfour d";
        let spans = [s(4, 1), s(10, 1), s(12, 1), s(25, 1)];
        let (r, next) = region_at(input, &spans, 0);
        assert_eq!((r.start, r.len, next), (0, 5, 1));
        let (r, next) = region_at(input, &spans, 1);
        assert_eq!((r.start, r.end(), next), (6, 13, 3));
        let (r, next) = region_at(input, &spans, 3);
        assert_eq!((r.start, r.end(), next), (20, 26, 4));
    }
}
