//! Prepares the built-in rule packs for start-up (the package's build script: Cargo.toml says
//! `build = "src/build.rs"`, as the top level of the repository is fixed).
//!
//! Every built-in rule carries `examples` and `counterexamples` (the pack's proof of the rule, run by
//! the tests), and they are more than half of the packs' text. Parsing them at every start costs
//! the Lambda extension most of its init budget, and nothing at run time reads them. So the packs
//! the binaries embed are copies with those two arrays cut out, written to `OUT_DIR` here; the full
//! files stay in `patterns/` and the tests read them (`Pack::builtin_with_examples`), and a test
//! checks that both give the same rules.
//!
//! The cut keeps every newline of what it removes, so the line numbers in rule origins and in
//! error messages are those of the files in `patterns/`. It understands the TOML the packs use:
//! arrays of basic, literal and multi-line strings, and comments; anything else in such an array
//! stops the build with the file and line.

use std::path::Path;

const PACKS: &[&str] = &["default.toml", "credentials.toml", "identifiers.toml"];
const CUT_KEYS: &[&str] = &["examples", "counterexamples"];

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    for name in PACKS {
        let path = Path::new("patterns").join(name);
        println!("cargo::rerun-if-changed={}", path.display());
        let src = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
        let cut = cut_proofs(&src).unwrap_or_else(|(line, why)| {
            panic!("{}:{line}: cannot cut the examples: {why}", path.display())
        });
        std::fs::write(Path::new(&out_dir).join(name), cut)
            .unwrap_or_else(|e| panic!("cannot write {name} to OUT_DIR: {e}"));
    }
    println!("cargo::rerun-if-changed=src/build.rs");
}

/// `src` without its `examples = [...]` and `counterexamples = [...]` lines (keys at the start of
/// a line, as the packs write them); the newlines inside what is cut are kept.
fn cut_proofs(src: &str) -> Result<String, (usize, &'static str)> {
    let bytes = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < bytes.len() {
        let line_end = memchr_newline(bytes, i);
        let line = &src[i..line_end];
        let cut_here = CUT_KEYS.iter().any(|key| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        });
        if !cut_here {
            out.push_str(line);
            if line_end < bytes.len() {
                out.push('\n');
            }
            i = line_end + 1;
            continue;
        }
        let open = i + line.find('=').ok_or((line_of(src, i), "no ="))? + 1;
        let end = skip_array(bytes, open).map_err(|why| (line_of(src, i), why))?;
        // The rest of the value's last line must be blank or a comment.
        let rest_end = memchr_newline(bytes, end);
        let rest = src[end..rest_end].trim_start();
        if !(rest.is_empty() || rest.starts_with('#')) {
            return Err((line_of(src, end), "text after the array"));
        }
        out.extend(src[i..rest_end].chars().filter(|&c| c == '\n'));
        if rest_end < bytes.len() {
            out.push('\n');
        }
        i = rest_end + 1;
    }
    Ok(out)
}

/// The index just past the array that starts (after blanks) at `at`.
fn skip_array(b: &[u8], mut at: usize) -> Result<usize, &'static str> {
    while at < b.len() && (b[at] == b' ' || b[at] == b'\t') {
        at += 1;
    }
    if b.get(at) != Some(&b'[') {
        return Err("the value is not an array");
    }
    let mut depth = 0usize;
    while at < b.len() {
        match b[at] {
            b'[' => {
                depth += 1;
                at += 1;
            }
            b']' => {
                depth -= 1;
                at += 1;
                if depth == 0 {
                    return Ok(at);
                }
            }
            b'#' => at = memchr_newline(b, at),
            b'"' | b'\'' => at = skip_string(b, at)?,
            _ => at += 1,
        }
    }
    Err("the array is not closed")
}

/// The index just past the string that starts at `at` (basic, literal, or either multi-line).
fn skip_string(b: &[u8], at: usize) -> Result<usize, &'static str> {
    let quote = b[at];
    let escapes = quote == b'"';
    let triple = b.len() >= at + 3 && b[at + 1] == quote && b[at + 2] == quote;
    let mut i = at + if triple { 3 } else { 1 };
    while i < b.len() {
        let c = b[i];
        if escapes && c == b'\\' {
            i += 2;
            continue;
        }
        if c == quote {
            if !triple {
                return Ok(i + 1);
            }
            if b.len() >= i + 3 && b[i + 1] == quote && b[i + 2] == quote {
                // Up to two more quotes may close a multi-line string as part of its content.
                let mut end = i + 3;
                while end < b.len() && end < i + 5 && b[end] == quote {
                    end += 1;
                }
                return Ok(end);
            }
        } else if c == b'\n' && !triple {
            return Err("a one-line string runs past the end of its line");
        }
        i += 1;
    }
    Err("a string is not closed")
}

fn memchr_newline(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p)
}

fn line_of(src: &str, at: usize) -> usize {
    src[..at].bytes().filter(|&c| c == b'\n').count() + 1
}
