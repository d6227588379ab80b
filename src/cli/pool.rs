//! Running a job over every input: read, process chunks on all cores, deliver results in input order.
//!
//! The filter and the audit differ only in what they do with a chunk and where the result goes, so
//! that is all they supply (a [`Task`], a [`LongLines`] handler and a [`Collector`]); this module owns the
//! threads and the flow control:
//!
//! ```text
//! reader (this thread) ──chunks──► N workers ──results──► writer thread (reorders by sequence number)
//!      ▲       └─ long-line pieces, done inline ─────────────────┘                 │
//!      └──────────────────────── emptied buffers (credits) ◄────────────────────────┘
//! ```
//!
//! Memory is bounded by credits: the reader needs an emptied buffer pair from the writer before it can
//! dispatch anything, and there are only `2 × threads` of them. A slow consumer therefore stops the
//! reader instead of filling memory, and a consumer that goes away (a closed pipe) stops everything.
//! With one thread everything runs inline, in order, with no channels at all.

use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TryRecvError};
use std::thread;

use indicatif::ProgressBar;

use super::input::{Chunker, Piece, Source};

/// What is done with a chunk of whole lines. Runs on the worker threads.
pub trait Task: Sync {
    /// The result of one chunk, reused from chunk to chunk.
    type Out: Send + Default;
    /// Per-worker state kept between chunks (e.g. a reusable `Findings`).
    type Scratch: Default;
    /// Processes `input` (whole lines) into `out`, which [`Task::clear`] emptied.
    fn chunk(&self, input: &[u8], out: &mut Self::Out, scratch: &mut Self::Scratch);
    /// Empties `out` for reuse, keeping its allocations.
    fn clear(out: &mut Self::Out);
}

/// What is done with the pieces of a line too long to buffer. Runs on the reader thread, in order.
pub trait LongLines<O> {
    /// The next part of the line (no `\n` inside).
    fn part(&mut self, piece: &[u8], out: &mut O);
    /// The end of the line; `newline` says whether a `\n` ended it.
    fn end(&mut self, newline: bool, out: &mut O);
}

/// Where results go, in input order. Runs on the writer thread.
pub trait Collector<O>: Send {
    /// Takes the result of the next chunk of input `file` (an index into the sources).
    fn accept(&mut self, file: usize, out: &mut O) -> io::Result<()>;
    /// Called when every result so far was accepted and the last one came from a live input (the
    /// moment to flush, so a reader at the other end of a pipe sees lines as they come), and once at
    /// the end.
    fn flush(&mut self) -> io::Result<()>;
}

/// An input that could not be opened or read to its end. The run goes on with the next one (as `cat`
/// does); the results of what was read before the error were delivered.
#[derive(Debug)]
pub struct ReadError {
    /// Index of the source.
    pub file: usize,
    pub name: String,
    pub error: io::Error,
}

/// The sink back, the inputs that failed, and the sink's own failure (for the filter: writing standard
/// output), which stopped the run.
pub struct Outcome<S> {
    pub sink: S,
    pub read_errors: Vec<ReadError>,
    pub write_error: Option<io::Error>,
}

/// Reads every source in order and runs `task`/`long` over it on `threads` threads, delivering the
/// results to `sink` in input order. A source that cannot be read is reported through `on_error` as
/// soon as it fails (and returned in the outcome); the run goes on with the next one.
pub fn run<T, L, S>(
    sources: &[Source],
    threads: usize,
    task: &T,
    long: &mut L,
    sink: S,
    progress: Option<&ProgressBar>,
    on_error: &mut dyn FnMut(&ReadError),
) -> Outcome<S>
where
    T: Task,
    L: LongLines<T::Out>,
    S: Collector<T::Out>,
{
    if threads <= 1 {
        let mut inline = Inline {
            task,
            scratch: T::Scratch::default(),
            sink,
            spare: None,
            error: None,
        };
        let read_errors = read_all(sources, &mut inline, long, progress, on_error);
        let mut error = inline.error.take();
        if error.is_none() {
            error = inline.sink.flush().err();
        }
        return Outcome {
            sink: inline.sink,
            read_errors,
            write_error: error,
        };
    }
    threaded(sources, threads, task, long, sink, progress, on_error)
}

/// A unit of work and, after processing, its result.
struct Job<O> {
    seq: u64,
    file: usize,
    live: bool,
    input: Vec<u8>,
    out: O,
}

/// How the reader hands jobs on: inline or to the pool.
trait Dispatch<O> {
    /// An emptied input buffer and result to fill, or `None` when the consumer has stopped.
    fn spare(&mut self) -> Option<(Vec<u8>, O)>;
    /// A chunk of lines to process. False when the consumer has stopped.
    fn lines(&mut self, job: Job<O>) -> bool;
    /// A result already made on the reader thread (long lines). False when the consumer has stopped.
    fn ready(&mut self, job: Job<O>) -> bool;
}

/// The reader loop shared by both modes. Returns the sources that could not be read.
fn read_all<O, D, L>(
    sources: &[Source],
    dispatch: &mut D,
    long: &mut L,
    progress: Option<&ProgressBar>,
    on_error: &mut dyn FnMut(&ReadError),
) -> Vec<ReadError>
where
    D: Dispatch<O>,
    L: LongLines<O>,
{
    let mut seq = 0u64;
    let mut held: Option<(Vec<u8>, O)> = None;
    let mut done_before = 0u64;
    let mut errors = Vec::new();
    'sources: for (file, source) in sources.iter().enumerate() {
        let mut fail = |error: io::Error| {
            let failure = ReadError {
                file,
                name: source.name(),
                error,
            };
            on_error(&failure);
            errors.push(failure);
        };
        let opened = match source.open() {
            Ok(opened) => opened,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        let live = !opened.regular;
        let mut chunker = Chunker::new(opened.reader, live);
        loop {
            let Some((input, mut out)) = held.take().or_else(|| dispatch.spare()) else {
                break 'sources; // the consumer stopped; it reports why
            };
            chunker.give(input);
            let piece = match chunker.next() {
                Ok(Some(piece)) => piece,
                Ok(None) => {
                    held = Some((Vec::new(), out));
                    break;
                }
                Err(e) => {
                    // What was read before the error was delivered; the rest of this input is lost.
                    held = Some((Vec::new(), out));
                    fail(e);
                    break;
                }
            };
            let sent = match piece {
                Piece::Lines(input) => dispatch.lines(Job {
                    seq,
                    file,
                    live,
                    input,
                    out,
                }),
                Piece::LongPart(part) => {
                    long.part(part, &mut out);
                    dispatch.ready(Job {
                        seq,
                        file,
                        live,
                        input: Vec::new(),
                        out,
                    })
                }
                Piece::LongEnd { newline } => {
                    long.end(newline, &mut out);
                    dispatch.ready(Job {
                        seq,
                        file,
                        live,
                        input: Vec::new(),
                        out,
                    })
                }
            };
            if !sent {
                break 'sources;
            }
            seq += 1;
            if let Some(bar) = progress {
                bar.set_position(done_before + opened.raw_read.get());
            }
        }
        done_before += opened.raw_read.get();
    }
    errors
}

/// One thread: process and deliver each job as it is read.
struct Inline<'t, T: Task, S> {
    task: &'t T,
    scratch: T::Scratch,
    sink: S,
    spare: Option<(Vec<u8>, T::Out)>,
    error: Option<io::Error>,
}

impl<T: Task, S: Collector<T::Out>> Inline<'_, T, S> {
    fn deliver(&mut self, mut job: Job<T::Out>) -> bool {
        let result = self
            .sink
            .accept(job.file, &mut job.out)
            .and_then(|()| if job.live { self.sink.flush() } else { Ok(()) });
        if let Err(e) = result {
            self.error = Some(e);
            return false;
        }
        T::clear(&mut job.out);
        job.input.clear();
        self.spare = Some((job.input, job.out));
        true
    }
}

impl<T: Task, S: Collector<T::Out>> Dispatch<T::Out> for Inline<'_, T, S> {
    fn spare(&mut self) -> Option<(Vec<u8>, T::Out)> {
        if self.error.is_some() {
            return None;
        }
        Some(self.spare.take().unwrap_or_default())
    }

    fn lines(&mut self, mut job: Job<T::Out>) -> bool {
        self.task.chunk(&job.input, &mut job.out, &mut self.scratch);
        self.deliver(job)
    }

    fn ready(&mut self, job: Job<T::Out>) -> bool {
        self.deliver(job)
    }
}

/// Many threads: the reader feeds workers through a queue; results meet on the writer thread.
struct Pool<O> {
    credits: Receiver<(Vec<u8>, O)>,
    jobs: SyncSender<Job<O>>,
    done: Sender<Job<O>>,
}

impl<O> Dispatch<O> for Pool<O> {
    fn spare(&mut self) -> Option<(Vec<u8>, O)> {
        self.credits.recv().ok()
    }

    fn lines(&mut self, job: Job<O>) -> bool {
        self.jobs.send(job).is_ok()
    }

    fn ready(&mut self, job: Job<O>) -> bool {
        self.done.send(job).is_ok()
    }
}

fn threaded<T, L, S>(
    sources: &[Source],
    threads: usize,
    task: &T,
    long: &mut L,
    sink: S,
    progress: Option<&ProgressBar>,
    on_error: &mut dyn FnMut(&ReadError),
) -> Outcome<S>
where
    T: Task,
    L: LongLines<T::Out>,
    S: Collector<T::Out>,
{
    let depth = 2 * threads;
    let (credit_tx, credit_rx) = mpsc::sync_channel::<(Vec<u8>, T::Out)>(depth);
    for _ in 0..depth {
        // Cannot fail: the channel has room for all of them and its receiver is alive.
        let _ = credit_tx.send((Vec::new(), T::Out::default()));
    }
    // Credits already bound what is in flight; the queue bound only keeps the reader from running ahead.
    let (job_tx, job_rx) = mpsc::sync_channel::<Job<T::Out>>(depth);
    let (done_tx, done_rx) = mpsc::channel::<Job<T::Out>>();
    let job_rx = Mutex::new(job_rx);

    thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || worker(task, job_rx, done_tx));
        }
        let writer = scope.spawn(move || write_in_order::<T, S>(sink, done_rx, credit_tx));
        let mut pool = Pool {
            credits: credit_rx,
            jobs: job_tx,
            done: done_tx,
        };
        let read_errors = read_all(sources, &mut pool, long, progress, on_error);
        // Closing the queues lets the workers, then the writer, finish.
        drop(pool);
        match writer.join() {
            Ok((sink, write_error)) => Outcome {
                sink,
                read_errors,
                write_error,
            },
            // The writer only runs the sink; a panic there is a bug, not an input problem.
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

fn worker<T: Task>(task: &T, jobs: &Mutex<Receiver<Job<T::Out>>>, done: Sender<Job<T::Out>>) {
    let mut scratch = T::Scratch::default();
    loop {
        let next = match jobs.lock() {
            Ok(queue) => queue.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(mut job) = next else { return };
        task.chunk(&job.input, &mut job.out, &mut scratch);
        if done.send(job).is_err() {
            return;
        }
    }
}

/// The writer thread: puts results back in sequence order and hands them to the sink, returning each
/// job's buffers as a credit.
fn write_in_order<T: Task, S: Collector<T::Out>>(
    mut sink: S,
    done: Receiver<Job<T::Out>>,
    credits: SyncSender<(Vec<u8>, T::Out)>,
) -> (S, Option<io::Error>) {
    let mut waiting: BTreeMap<u64, Job<T::Out>> = BTreeMap::new();
    let mut next = 0u64;
    let mut last_live = false;
    loop {
        let job = match done.try_recv() {
            Ok(job) => job,
            Err(TryRecvError::Empty) => {
                if last_live && let Err(e) = sink.flush() {
                    return (sink, Some(e));
                }
                last_live = false;
                match done.recv() {
                    Ok(job) => job,
                    Err(_) => break,
                }
            }
            Err(TryRecvError::Disconnected) => break,
        };
        waiting.insert(job.seq, job);
        while let Some(mut job) = waiting.remove(&next) {
            if let Err(e) = sink.accept(job.file, &mut job.out) {
                return (sink, Some(e));
            }
            last_live = job.live;
            next += 1;
            T::clear(&mut job.out);
            job.input.clear();
            // The reader may have stopped already; then nobody needs the credit.
            let _ = credits.send((job.input, job.out));
        }
    }
    let error = sink.flush().err();
    (sink, error)
}
