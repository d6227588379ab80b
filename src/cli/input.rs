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
//!
//! Rotated logs are compressed, so an input is sniffed by its first bytes (never its name, which may
//! lie or be `-`): gzip (`1f 8b`, every member of a concatenated file) and zstd (`28 b5 2f fd`, every
//! frame) are decoded on the fly, and everything after that sees plain text. A stream that does not
//! decode (corrupt, truncated, a bad checksum) is a read error: it is never reported clean and never
//! passed through raw.

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::mem;
use std::path::PathBuf;
use std::rc::Rc;

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
    /// The name used in messages and reports: the path as given, or `(stdin)` for standard input.
    pub fn name(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => STDIN_NAME.to_string(),
        }
    }

    /// Opens the source, decoding it if it is compressed (see the module documentation).
    pub fn open(&self) -> io::Result<Opened> {
        let (reader, regular) = match &self.path {
            Some(path) => {
                let file = File::open(path)?;
                let meta = file.metadata()?;
                if meta.is_dir() {
                    return Err(io::Error::other("is a directory"));
                }
                (Box::new(file) as Box<dyn Read>, meta.is_file())
            }
            None => open_stdin()?,
        };
        let raw = Rc::new(Raw::default());
        let mut counted = Counted {
            inner: reader,
            raw: Rc::clone(&raw),
        };
        let head = sniff(&mut counted)?;
        let format = Format::of(&head);
        let rest = io::Cursor::new(head).chain(counted);
        let reader: Box<dyn Read> = match format {
            Format::Plain => Box::new(rest),
            Format::Gzip => Box::new(Decoded {
                inner: flate2::read::MultiGzDecoder::new(rest),
                what: "gzip",
                raw: Rc::clone(&raw),
            }),
            Format::Zstd => Box::new(Decoded {
                inner: ZstdFrames::new(BufReader::with_capacity(CHUNK / 4, rest)),
                what: "zstd",
                raw: Rc::clone(&raw),
            }),
        };
        Ok(Opened {
            reader,
            // A compressed regular file still decodes without waiting: throughput mode suits it.
            regular,
            raw_read: RawRead(raw),
        })
    }

    /// The size in bytes when the source is a regular file (for the progress bar; for a compressed
    /// file its compressed size, which [`Opened::raw_read`] counts up to).
    pub fn len(&self) -> Option<u64> {
        let path = self.path.as_ref()?;
        let meta = std::fs::metadata(path).ok()?;
        meta.is_file().then_some(meta.len())
    }
}

/// How standard input is named in messages and reports.
pub const STDIN_NAME: &str = "(stdin)";

/// An opened source.
pub struct Opened {
    /// The plain text (decoded if the source was compressed).
    pub reader: Box<dyn Read>,
    /// Whether the source is a regular file (throughput mode) rather than a pipe or terminal (live).
    pub regular: bool,
    /// Bytes read from the source itself (before decoding).
    pub raw_read: RawRead,
}

/// Bytes read from a source itself so far: what a progress bar sized by [`Source::len`] counts.
pub struct RawRead(Rc<Raw>);

impl RawRead {
    pub fn get(&self) -> u64 {
        self.0.read.get()
    }
}

/// What the reader under a decoder saw: bytes read, and its own error (so a failing disk is not
/// reported as corrupt data).
#[derive(Default)]
struct Raw {
    read: Cell<u64>,
    error: RefCell<Option<(io::ErrorKind, String)>>,
}

/// The source's reader, counting into [`Raw`].
struct Counted {
    inner: Box<dyn Read>,
    raw: Rc<Raw>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.raw.read.set(self.raw.read.get() + n as u64);
                Ok(n)
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    *self.raw.error.borrow_mut() = Some((e.kind(), e.to_string()));
                }
                Err(e)
            }
        }
    }
}

/// Input formats told apart by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Plain,
    Gzip,
    Zstd,
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

impl Format {
    fn of(head: &[u8]) -> Format {
        if head.starts_with(GZIP_MAGIC) {
            Format::Gzip
        } else if head.starts_with(ZSTD_MAGIC) {
            Format::Zstd
        } else {
            Format::Plain
        }
    }
}

/// Reads the first bytes, only as many as it takes to tell the format: reading stops as soon as they
/// cannot begin a magic number, so a live pipe is never held up waiting for bytes that have not come.
fn sniff(reader: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(ZSTD_MAGIC.len());
    let could_be = |head: &[u8]| {
        [GZIP_MAGIC, ZSTD_MAGIC]
            .iter()
            .any(|m| m.len() > head.len() && m.starts_with(head))
    };
    let mut byte = [0u8; 4];
    while could_be(&head) {
        let want = ZSTD_MAGIC.len() - head.len();
        match reader.read(&mut byte[..want]) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&byte[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(head)
}

/// A decoder whose own errors become one plain message ("not valid gzip data"): a decoder's text can
/// carry bytes of the stream, and people need to know the file is damaged, not which check failed.
/// An error of the reader underneath is passed on as it was.
struct Decoded<D> {
    inner: D,
    what: &'static str,
    raw: Rc<Raw>,
}

impl<D: Read> Read for Decoded<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            match self.raw.error.borrow_mut().take() {
                Some((kind, message)) => io::Error::new(kind, message),
                None => io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("not valid {} data (corrupt or truncated)", self.what),
                ),
            }
        })
    }
}

/// Every frame of a zstd stream, skippable frames skipped, each frame's checksum verified when it has
/// one. (ruzstd's `StreamingDecoder` stops after the first frame, and `cat a.zst b.zst` or `pzstd`
/// output has several.)
struct ZstdFrames<R> {
    source: R,
    frame: ruzstd::decoding::FrameDecoder,
    /// A frame is being decoded; false between frames.
    in_frame: bool,
}

impl<R: BufRead> ZstdFrames<R> {
    fn new(source: R) -> ZstdFrames<R> {
        ZstdFrames {
            source,
            frame: ruzstd::decoding::FrameDecoder::new(),
            in_frame: false,
        }
    }

    /// Starts the next frame; false at the end of the stream.
    fn next_frame(&mut self) -> io::Result<bool> {
        use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
        loop {
            if self.source.fill_buf()?.is_empty() {
                return Ok(false);
            }
            match self.frame.reset(&mut self.source) {
                Ok(()) => return Ok(true),
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped =
                        io::copy(&mut (&mut self.source).take(length.into()), &mut io::sink())?;
                    if skipped < u64::from(length) {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                }
                Err(e) => return Err(io::Error::other(e)),
            }
        }
    }

    /// Checks the finished frame's checksum, if it carries one.
    fn check_frame(&self) -> io::Result<()> {
        match self.frame.get_checksum_from_data() {
            Some(stored) if self.frame.get_calculated_checksum() != Some(stored) => {
                Err(io::Error::other("zstd checksum mismatch"))
            }
            _ => Ok(()),
        }
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.in_frame {
                if !self.next_frame()? {
                    return Ok(0);
                }
                self.in_frame = true;
            }
            while self.frame.can_collect() == 0 && !self.frame.is_finished() {
                self.frame
                    .decode_blocks(
                        &mut self.source,
                        ruzstd::decoding::BlockDecodingStrategy::UptoBlocks(1),
                    )
                    .map_err(io::Error::other)?;
            }
            let n = self.frame.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            // Finished and drained: the checksum covers every byte handed out.
            self.check_frame()?;
            self.in_frame = false;
        }
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
        } else {
            let want = CHUNK.saturating_sub(self.buf.len()).max(CHUNK / 4);
            self.buf.reserve(want);
            // `read_to_end` on `Take` reads into spare capacity without zeroing it first, and stops
            // early only at the end of input.
            let n = (&mut self.reader)
                .take(want as u64)
                .read_to_end(&mut self.buf)?;
            self.eof = n < want;
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

    /// A reader that hands out its parts one `read` at a time, like a pipe.
    struct Parts(Vec<Vec<u8>>);

    impl Read for Parts {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let part = &mut self.0[0];
            let n = part.len().min(buf.len());
            buf[..n].copy_from_slice(&part[..n]);
            part.drain(..n);
            if part.is_empty() {
                self.0.remove(0);
            }
            Ok(n)
        }
    }

    #[test]
    fn sniffing_reads_no_further_than_it_must() {
        // Not a magic prefix: one read, and the rest of the pipe is left alone.
        let mut pipe = Parts(vec![b"ab\n".to_vec(), b"later".to_vec()]);
        assert_eq!(sniff(&mut pipe).unwrap(), b"ab\n");
        assert_eq!(pipe.0, [b"later".to_vec()]);
        // A magic number that comes a byte at a time is still recognised.
        let mut pipe = Parts(vec![vec![0x28], vec![0xb5, 0x2f], vec![0xfd, 1]]);
        assert_eq!(Format::of(&sniff(&mut pipe).unwrap()), Format::Zstd);
        let mut pipe = Parts(vec![vec![0x1f], b" text".to_vec()]);
        let head = sniff(&mut pipe).unwrap();
        assert_eq!(head, b"\x1f te");
        assert_eq!(Format::of(&head), Format::Plain);
    }

    #[test]
    fn zstd_skippable_frames_are_skipped() {
        let frames = include_bytes!("../../tests/data/rotated.log.zst");
        let mut input = vec![0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, b'x', b'y', b'z'];
        input.extend_from_slice(frames);
        let mut text = Vec::new();
        ZstdFrames::new(&input[..]).read_to_end(&mut text).unwrap();
        assert_eq!(
            text,
            b"rotated mail jane@example.com\nnothing here\ncharge 4111 1111 1111 1111\n"
        );
        // A frame cut short is an error, not a shorter text.
        let mut text = Vec::new();
        assert!(
            ZstdFrames::new(&frames[..frames.len() - 3])
                .read_to_end(&mut text)
                .is_err()
        );
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
