//! Turning a byte stream into work: chunks of whole lines, and over-long lines in pieces.
//!
//! The engine is fastest on many lines per call, so the front end reads big blocks and cuts them after
//! the last line break: every chunk holds whole lines, which is what keeps a value from being split
//! between two chunks (the engine never matches across a line break). Three things shape the cuts:
//!
//! * A line longer than [`LONG_LINE`] is never buffered whole. It is handed out in pieces for
//!   [`LongLine`](crate::LongLine), so memory stays bounded whatever the input, and the line is still
//!   scanned (never passed through) and still comes out as one line.
//! * A PEM private key is the one value that spans lines. A cut is moved back before the `-----BEGIN`
//!   line of a key whose `-----END` has not arrived yet, so the whole block reaches the engine in one
//!   chunk; otherwise its last lines would arrive without their header and pass through. The hold is
//!   bounded by [`PEM_HOLD`] (a real key is a few KiB).
//! * Regular files are read in [`CHUNK`]-sized blocks (throughput). Anything else (a pipe, a terminal)
//!   is live: complete lines are handed out as soon as one `read` returns them, so
//!   `tail -f app.log | logscrub` shows each line right away. A partial line waits for its newline.

use std::fs::File;
use std::io::{self, Read};
use std::mem;
use std::path::PathBuf;

use memchr::{memchr, memmem, memrchr};

/// Target size of a chunk read from a regular file.
pub const CHUNK: usize = 1 << 20;

/// Largest single read in live mode (a pipe holds 64 KiB by default).
const LIVE_READ: usize = 256 << 10;

/// A line with no line break in this many bytes is scrubbed piece by piece instead of being buffered.
pub const LONG_LINE: usize = 4 << 20;

/// Longest stretch held back waiting for the `-----END` of a private key block.
pub const PEM_HOLD: usize = 64 << 10;

/// One input named on the command line: a file, or standard input.
#[derive(Clone, Debug)]
pub struct Source {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
}

impl Source {
    /// The name used in messages and reports: the path as given, or `-` for standard input.
    pub fn name(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "-".to_string(),
        }
    }

    /// Opens the source. Returns the reader and whether it is a regular file (throughput mode) rather
    /// than a pipe or terminal (live mode).
    pub fn open(&self) -> io::Result<(Box<dyn Read>, bool)> {
        match &self.path {
            Some(path) => {
                let file = File::open(path)?;
                let meta = file.metadata()?;
                if meta.is_dir() {
                    return Err(io::Error::other("is a directory"));
                }
                Ok((Box::new(file), meta.is_file()))
            }
            None => open_stdin(),
        }
    }

    /// The size in bytes when the source is a regular file (for the progress bar).
    pub fn len(&self) -> Option<u64> {
        let path = self.path.as_ref()?;
        let meta = std::fs::metadata(path).ok()?;
        meta.is_file().then_some(meta.len())
    }
}

/// Standard input as a plain `File` where possible: unbuffered reads straight into our chunks, and
/// `fstat` tells whether it is a redirected regular file.
#[cfg(unix)]
fn open_stdin() -> io::Result<(Box<dyn Read>, bool)> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned()?;
    let file = File::from(fd);
    let regular = file.metadata().map(|m| m.is_file()).unwrap_or(false);
    Ok((Box::new(file), regular))
}

#[cfg(not(unix))]
fn open_stdin() -> io::Result<(Box<dyn Read>, bool)> {
    Ok((Box::new(io::stdin()), false))
}

/// What [`Chunker::next`] hands out.
#[derive(Debug)]
pub enum Piece<'a> {
    /// Whole lines, each ending with `\n`, except that the last line of the input may lack one.
    Lines(Vec<u8>),
    /// The next part of a line too long to buffer; holds no `\n`.
    LongPart(&'a [u8]),
    /// The long line is complete; `newline` says whether a `\n` ended it (false at the end of input).
    LongEnd { newline: bool },
}

/// Cuts a reader into [`Piece`]s; see the module documentation.
pub struct Chunker<R> {
    reader: R,
    live: bool,
    /// Bytes read and not yet handed out (from `pos` on).
    buf: Vec<u8>,
    /// In long-line mode, how much of `buf` was already handed out; 0 otherwise.
    pos: usize,
    /// A recycled buffer for the tail left after a cut.
    spare: Option<Vec<u8>>,
    /// Live mode reads into this, then appends to `buf`.
    read_buf: Vec<u8>,
    eof: bool,
    long: bool,
    read_total: u64,
}

impl<R: Read> Chunker<R> {
    /// `live` selects live mode (hand out lines per `read`) over throughput mode (fill a chunk first).
    pub fn new(reader: R, live: bool) -> Chunker<R> {
        Chunker {
            reader,
            live,
            buf: Vec::new(),
            pos: 0,
            spare: None,
            read_buf: Vec::new(),
            eof: false,
            long: false,
            read_total: 0,
        }
    }

    /// Offers an emptied buffer for reuse, which saves an allocation and its page faults per chunk.
    pub fn give(&mut self, mut buf: Vec<u8>) {
        if self.spare.is_none() {
            buf.clear();
            // Do not keep a buffer that grew for one huge chunk.
            if buf.capacity() > 2 * LONG_LINE {
                buf.shrink_to(CHUNK);
            }
            self.spare = Some(buf);
        }
    }

    /// Total bytes read so far.
    pub fn read_total(&self) -> u64 {
        self.read_total
    }

    /// The next piece of input, or `None` at the end.
    pub fn next(&mut self) -> io::Result<Option<Piece<'_>>> {
        loop {
            if self.long {
                let rest = &self.buf[self.pos..];
                match memchr(b'\n', rest) {
                    Some(0) => {
                        self.pos += 1;
                        self.buf.drain(..self.pos);
                        self.pos = 0;
                        self.long = false;
                        return Ok(Some(Piece::LongEnd { newline: true }));
                    }
                    Some(n) => {
                        let start = self.pos;
                        self.pos += n;
                        return Ok(Some(Piece::LongPart(&self.buf[start..start + n])));
                    }
                    None if !rest.is_empty() => {
                        let start = self.pos;
                        self.pos = self.buf.len();
                        return Ok(Some(Piece::LongPart(&self.buf[start..])));
                    }
                    None => {
                        self.buf.clear();
                        self.pos = 0;
                        if self.eof {
                            self.long = false;
                            return Ok(Some(Piece::LongEnd { newline: false }));
                        }
                        self.fill()?;
                        continue;
                    }
                }
            }
            if let Some(cut) = self.cut() {
                let mut tail = self.spare.take().unwrap_or_default();
                tail.extend_from_slice(&self.buf[cut..]);
                self.buf.truncate(cut);
                return Ok(Some(Piece::Lines(mem::replace(&mut self.buf, tail))));
            }
            if self.eof {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(Piece::Lines(mem::take(&mut self.buf))));
            }
            if self.buf.len() >= LONG_LINE && memchr(b'\n', &self.buf).is_none() {
                self.long = true;
                continue;
            }
            self.fill()?;
        }
    }

    /// Where to cut `buf` now, if it is time to hand out lines.
    fn cut(&self) -> Option<usize> {
        // At the end of input everything goes, partial last line included (see `next`).
        if self.eof || !(self.live || self.buf.len() >= CHUNK) {
            return None;
        }
        let end = memrchr(b'\n', &self.buf)? + 1;
        match open_private_key(&self.buf[..end]) {
            None => Some(end),
            // Too long to be a key: let the engine redact to the end of the chunk (it fails closed).
            Some(begin) if self.buf.len() - begin >= PEM_HOLD => Some(end),
            Some(0) => None,
            Some(begin) => Some(begin),
        }
    }

    /// Reads more input into `buf`: one `read` in live mode, up to a chunk in throughput mode.
    fn fill(&mut self) -> io::Result<()> {
        if self.live {
            // A separate, once-zeroed buffer: a pipe returns a few KiB per read, and zeroing a chunk's
            // worth of `buf` for each of them would cost more than the copy.
            if self.read_buf.is_empty() {
                self.read_buf = vec![0; LIVE_READ];
            }
            let n = loop {
                match self.reader.read(&mut self.read_buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            self.buf.extend_from_slice(&self.read_buf[..n]);
            self.eof = n == 0;
            self.read_total += n as u64;
        } else {
            let want = CHUNK.saturating_sub(self.buf.len()).max(CHUNK / 4);
            self.buf.reserve(want);
            // `read_to_end` on `Take` reads into spare capacity without zeroing it first, and stops
            // early only at the end of input.
            let n = (&mut self.reader)
                .take(want as u64)
                .read_to_end(&mut self.buf)?;
            self.eof = n < want;
            self.read_total += n as u64;
        }
        Ok(())
    }
}

/// If `region` holds a `-----BEGIN ... PRIVATE KEY-----` line with no `-----END ` after it, the offset
/// of the start of that line.
fn open_private_key(region: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(i) = memmem::find(&region[at..], b"-----BEGIN ") {
        let begin = at + i;
        let header = begin + 11;
        let label = &region[header..region.len().min(header + 64)];
        if memmem::find(label, b"PRIVATE KEY").is_none() {
            at = header;
            continue;
        }
        match memmem::find(&region[header..], b"-----END ") {
            Some(e) => at = header + e + 9,
            None => return Some(memrchr(b'\n', &region[..begin]).map_or(0, |n| n + 1)),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects every piece, recording long lines as `<part>` markers so tests can see the cuts.
    fn pieces(input: &[u8], live: bool) -> Vec<Vec<u8>> {
        let mut c = Chunker::new(input, live);
        let mut out = Vec::new();
        while let Some(p) = c.next().unwrap() {
            out.push(match p {
                Piece::Lines(v) => v,
                Piece::LongPart(p) => {
                    let mut v = b"<part>".to_vec();
                    v.extend_from_slice(p);
                    v
                }
                Piece::LongEnd { newline } => format!("<end {newline}>").into_bytes(),
            });
        }
        out
    }

    #[test]
    fn chunks_are_whole_lines_and_keep_every_byte() {
        let mut input = Vec::new();
        for i in 0..200_000 {
            input.extend_from_slice(format!("line {i}\r\n").as_bytes());
        }
        input.extend_from_slice(b"no newline at end");
        let got = pieces(&input, false);
        assert!(got.len() > 1);
        for p in &got[..got.len() - 1] {
            assert_eq!(p.last(), Some(&b'\n'));
        }
        assert_eq!(got.concat(), input);
    }

    #[test]
    fn empty_input_gives_nothing() {
        assert!(pieces(b"", false).is_empty());
        assert!(pieces(b"", true).is_empty());
    }

    #[test]
    fn long_line_comes_in_pieces() {
        let mut input = b"short\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 3 * LONG_LINE + 10));
        input.extend_from_slice(b"\nafter\n");
        let got = pieces(&input, false);
        assert_eq!(got[0], b"short\n");
        let parts: usize = got
            .iter()
            .filter(|p| p.starts_with(b"<part>"))
            .map(|p| p.len() - 6)
            .sum();
        assert_eq!(parts, 3 * LONG_LINE + 10);
        let end = got.iter().position(|p| p == b"<end true>").unwrap();
        assert_eq!(got[end + 1..].concat(), b"after\n");
    }

    #[test]
    fn long_line_without_newline_at_end() {
        let input = vec![b'y'; LONG_LINE + 1];
        let got = pieces(&input, false);
        assert_eq!(got.last().unwrap(), b"<end false>");
    }

    #[test]
    fn private_key_is_not_cut() {
        let mut input = Vec::new();
        while input.len() < CHUNK - 100 {
            input.extend_from_slice(b"filler line\n");
        }
        let key_at = input.len();
        input.extend_from_slice(b"-----BEGIN RSA PRIVATE KEY-----\n");
        for _ in 0..50 {
            input.extend_from_slice(
                b"MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n",
            );
        }
        input.extend_from_slice(b"-----END RSA PRIVATE KEY-----\nafter\n");
        let got = pieces(&input, false);
        let block = got
            .iter()
            .find(|p| memmem::find(p, b"-----BEGIN").is_some())
            .unwrap();
        assert!(memmem::find(block, b"-----END").is_some());
        assert_eq!(got.concat(), input);
        assert_eq!(got[0].len(), key_at);
    }

    #[test]
    fn open_key_detection() {
        assert_eq!(
            open_private_key(b"a\n-----BEGIN PRIVATE KEY-----\nabc\n"),
            Some(2)
        );
        assert_eq!(
            open_private_key(b"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n"),
            None
        );
        assert_eq!(
            open_private_key(b"-----BEGIN CERTIFICATE-----\nabc\n"),
            None
        );
    }
}
