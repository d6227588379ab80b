//! End-to-end tests of the `logscrub` binary: the real executable, real pipes, real files.
//!
//! These check what a pipeline depends on and unit tests cannot see: line-for-line output in input
//! order across threads, byte-exact passthrough, bounded handling of a 100 MB line, a closed stdout, a
//! live pipe, exit statuses, and that reports and messages never carry a matched value.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use logscrub::Scrubber;
use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_logscrub"));
    // The tests set what they need; nothing leaks in from the developer's shell.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LOGSCRUB_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// A fresh directory for one test.
fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with `args`, feeding `input` on stdin from another thread.
fn run(args: &[&str], input: &[u8]) -> Output {
    run_cmd(bin().args(args), input)
}

fn run_cmd(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = thread::spawn(move || {
        // The binary may exit without reading (a config error): a broken pipe here is fine.
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// 200k lines, each with its number and, on most, some PII.
fn numbered_lines(n: usize) -> Vec<u8> {
    let mut input = Vec::new();
    for i in 0..n {
        let line = match i % 5 {
            0 => format!("{i} login user{i}@example.com ok\n"),
            1 => format!("{i} charge card=4111 1111 1111 1111 amount={i}\n"),
            2 => format!("{i} sms to +1415555{:04} sent\n", i % 10_000),
            3 => format!("{i} nothing to see here\r\n"),
            _ => format!("{i} token=Bearer abcdefghijklmnop{i} end\n"),
        };
        input.extend_from_slice(line.as_bytes());
    }
    input
}

/// The engine's own answer, one line at a time: what the binary must print, in this order.
fn expected_lines(input: &[u8]) -> Vec<Vec<u8>> {
    let scrubber = Scrubber::builtin().unwrap();
    input
        .split_inclusive(|&b| b == b'\n')
        .map(|line| {
            let mut out = Vec::new();
            scrubber.scrub(line, &mut out);
            out
        })
        .collect()
}

fn assert_same_lines(got: &[u8], want: &[Vec<u8>]) {
    let got: Vec<&[u8]> = got.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(got.len(), want.len(), "line count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            g == w,
            "line {}: got {:?}, want {:?}",
            i + 1,
            String::from_utf8_lossy(g),
            String::from_utf8_lossy(w)
        );
    }
}

#[test]
fn order_is_kept_across_threads() {
    let input = numbered_lines(200_000);
    let want = expected_lines(&input);
    assert!(want.iter().any(|l| l.windows(7).any(|w| w == b"[EMAIL]")));
    let dir = tmp("order");
    let file = dir.join("in.log");
    std::fs::write(&file, &input).unwrap();
    let file = file.to_str().unwrap();
    // A regular file (throughput mode) with several workers, inline, and a pipe (live mode).
    for args in [vec!["--threads", "4", file], vec!["--threads", "1", file]] {
        let out = run(&args, b"");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_same_lines(&out.stdout, &want);
    }
    let out = run(&["--threads", "4"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_same_lines(&out.stdout, &want);
}

#[test]
fn bytes_outside_values_are_unchanged() {
    // CRLF, invalid UTF-8, no final newline.
    let input = b"mail jane@example.com\r\n\xff\xfe raw \xc3(\r\nlast line 4111 1111 1111 1111";
    let out = run(&[], input);
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        b"mail [EMAIL]\r\n\xff\xfe raw \xc3(\r\nlast line [CARD]".to_vec()
    );
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn empty_input_gives_empty_output() {
    let out = run(&[], b"");
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let out = run(&[], b"\n\n");
    assert_eq!(out.stdout, b"\n\n");
}

/// Peak resident memory of process `pid`, read from `/proc/PID/status` (`VmHWM`, a high-water mark)
/// every few milliseconds until `done` is set; `None` where `/proc` does not exist.
fn watch_peak_rss(pid: u32, done: Arc<AtomicBool>) -> thread::JoinHandle<Option<u64>> {
    thread::spawn(move || {
        let mut peak = None;
        loop {
            let finished = done.load(Ordering::SeqCst);
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let kib = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            if kib.is_some() {
                peak = peak.max(kib);
            }
            if finished {
                return peak;
            }
            thread::sleep(Duration::from_millis(5));
        }
    })
}

#[test]
fn a_100_mb_line_is_scrubbed_whole() {
    const HALF: usize = 50 << 20;
    let filler = b"lorem ipsum dolor sit amet ".repeat(4096);
    let mut child = bin()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stop_watching = Arc::new(AtomicBool::new(false));
    let peak_rss = watch_peak_rss(child.id(), Arc::clone(&stop_watching));
    let mut stdin = child.stdin.take().unwrap();
    let feeder = thread::spawn(move || {
        let mut sent = 0usize;
        let mut send = |bytes: &[u8]| {
            stdin.write_all(bytes).unwrap();
            sent += bytes.len();
        };
        send(b"jane@example.com ");
        for _ in 0..HALF / filler.len() {
            send(&filler);
        }
        send(b" 4111 1111 1111 1111 ");
        for _ in 0..HALF / filler.len() {
            send(&filler);
        }
        send(b" +14155550132\n");
        sent
    });
    // Read the output as a stream, keeping only a small overlap to search across reads.
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = vec![0; 1 << 20];
    let (mut total, mut newlines) = (0usize, 0usize);
    let mut carry: Vec<u8> = Vec::new();
    let mut head = Vec::new();
    let (mut labels, mut leaks) = (Vec::new(), 0);
    loop {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        if head.len() < 32 {
            head.extend_from_slice(&buf[..n.min(32)]);
        }
        total += n;
        newlines += buf[..n].iter().filter(|&&b| b == b'\n').count();
        let kept = carry.len();
        carry.extend_from_slice(&buf[..n]);
        for label in [&b"[EMAIL]"[..], b"[CARD]", b"[PHONE]"] {
            for (i, w) in carry.windows(label.len()).enumerate() {
                // Count each occurrence once: it must end in the new bytes.
                if w == label && i + label.len() > kept {
                    labels.push(String::from_utf8_lossy(label).into_owned());
                }
            }
        }
        for value in [&b"jane@example"[..], b"4111 1111", b"4155550132"] {
            leaks += carry.windows(value.len()).filter(|w| *w == value).count();
        }
        let keep = carry.len().saturating_sub(32);
        carry.drain(..keep);
    }
    let sent = feeder.join().unwrap();
    // Stdout is at its end: the process is exiting, past its peak. Read the mark before reaping it.
    stop_watching.store(true, Ordering::SeqCst);
    let peak_kib = peak_rss.join().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    match peak_kib {
        // The line is scrubbed in windows: memory does not grow with its 100 MB (about 20 MB here).
        Some(kib) => {
            eprintln!("peak RSS for a 100 MB line: {kib} KiB");
            assert!(kib < 64 * 1024, "peak RSS {kib} KiB for a 100 MB line");
        }
        None => eprintln!("SKIPPED the memory check: no /proc/PID/status on this system"),
    }
    assert!(head.starts_with(b"[EMAIL] lorem"));
    assert!(carry.ends_with(b" [PHONE]\n"));
    assert_eq!(labels, ["[EMAIL]", "[CARD]", "[PHONE]"]);
    assert_eq!(leaks, 0);
    assert_eq!(newlines, 1);
    let removed = "jane@example.com".len() + "4111 1111 1111 1111".len() + "+14155550132".len();
    let added = "[EMAIL]".len() + "[CARD]".len() + "[PHONE]".len();
    assert_eq!(total, sent - removed + added);
}

#[test]
fn closed_stdout_ends_quietly() {
    let dir = tmp("head");
    let file = dir.join("big.log");
    std::fs::write(&file, numbered_lines(300_000)).unwrap();
    for threads in ["1", "2"] {
        let mut child = bin()
            .args(["--threads", threads])
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert_eq!(
            line,
            "0 login user0@example.com ok\n".replace("user0@example.com", "[EMAIL]")
        );
        drop(reader);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "status {:?}", out.status);
        assert!(out.stderr.is_empty(), "stderr: {}", stderr(&out));
    }
}

/// Reads stdout lines on a thread so the test can wait for them with a timeout.
fn line_reader(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn live_pipe_lines_come_out_before_input_ends() {
    for threads in ["1", "2"] {
        let mut child = bin()
            .args(["--threads", threads])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let lines = line_reader(&mut child);
        let wait = Duration::from_secs(10);
        stdin.write_all(b"first jane@example.com\n").unwrap();
        stdin.flush().unwrap();
        assert_eq!(lines.recv_timeout(wait).unwrap(), "first [EMAIL]");
        // A partial line waits for its newline, then comes out whole.
        stdin.write_all(b"second 4111 1111 ").unwrap();
        stdin.flush().unwrap();
        stdin.write_all(b"1111 1111 done\n").unwrap();
        stdin.flush().unwrap();
        assert_eq!(lines.recv_timeout(wait).unwrap(), "second [CARD] done");
        drop(stdin);
        let status = child.wait().unwrap();
        assert!(status.success());
        assert!(lines.recv_timeout(wait).is_err(), "nothing more");
    }
}

#[test]
fn private_key_across_a_chunk_boundary_is_redacted() {
    let mut input = Vec::new();
    while input.len() < (1 << 20) - 200 {
        input.extend_from_slice(b"filler line without secrets\n");
    }
    input.extend_from_slice(b"-----BEGIN RSA PRIVATE KEY-----\n");
    for _ in 0..40 {
        input.extend_from_slice(
            b"MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfnygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n",
        );
    }
    input.extend_from_slice(b"-----END RSA PRIVATE KEY-----\nafter\n");
    let dir = tmp("pem");
    let file = dir.join("key.log");
    std::fs::write(&file, &input).unwrap();
    let out = run(&[file.to_str().unwrap()], b"");
    assert!(out.status.success());
    assert!(!stdout(&out).contains("MIIEpAIBAAKCAQEA"));
    assert_eq!(
        out.stdout.iter().filter(|&&b| b == b'\n').count(),
        input.iter().filter(|&&b| b == b'\n').count()
    );
    assert!(stdout(&out).ends_with("after\n"));
}

#[test]
fn bad_rules_file_is_a_config_error_with_its_line() {
    let dir = tmp("badrules");
    let file = dir.join("bad.toml");
    std::fs::write(&file, "# mine\n[[rule]]\nid = \"EMP\"\nregex = 'EMP-('\n").unwrap();
    let path = file.to_str().unwrap();
    let out = run(&["--rules", path], b"jane@example.com\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains(&format!("{path}:")), "{err}");
    let line = err
        .split(&format!("{path}:"))
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok());
    assert!(matches!(line, Some(2..=4)), "{err}");

    let out = run(&["--check-rules", path], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&format!("{path}:")));
    assert!(out.stdout.is_empty());
}

#[test]
fn check_rules_accepts_a_good_pack() {
    let dir = tmp("goodrules");
    let file = dir.join("good.toml");
    std::fs::write(
        &file,
        "[[rule]]\nid = \"EMPLOYEE_ID\"\nregex = 'EMP-[0-9]{6}'\ntriggers = [\"EMP-\"]\n\n[[rule]]\nid = \"CARD\"\nstyle = \"last4\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = run(&["--check-rules", path], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ok: "), "{}", stdout(&out));
    assert!(stdout(&out).contains(" rules"));
    // And the pack works.
    let out = run(
        &["--rules", path],
        b"id EMP-123456 card 4111 1111 1111 1111\n",
    );
    assert_eq!(stdout(&out), "id [EMPLOYEE_ID] card **** **** **** 1111\n");
}

#[test]
fn check_rules_refuses_a_trigger_that_cannot_occur_in_a_match() {
    let dir = tmp("deadtrigger");
    let file = dir.join("mine.toml");
    std::fs::write(
        &file,
        "# mine\n[[rule]]\nid = \"EMP\"\nregex = 'EMP-[0-9]{6}'\ntriggers = [\"XYZ\"]\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = run(&["--check-rules", path], b"");
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("{path}:5:")), "{err}");
    assert!(err.contains("\"XYZ\" can never occur in a match"), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn rule_ids_on_the_command_line_ignore_case() {
    let out = run(
        &["--disable", "phone", "--enable", "ip"],
        b"sms to +14155550132 from 10.0.1.23\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "sms to +14155550132 from [IP]\n");
}

/// The audit of logscrub's own output, in every style, finds nothing: its masks, last fours and
/// tokens are not PII (and scrubbing that output again changes nothing).
#[test]
fn audit_of_scrubbed_output_is_clean_in_every_style() {
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sample.log"
    ))
    .expect("sample log");
    let found = run(&["audit", "--format", "json"], &sample);
    assert_eq!(found.status.code(), Some(3), "the sample holds PII");
    for style in ["label", "mask", "last4", "hash"] {
        let mut cmd = bin();
        cmd.args(["--style", style])
            .env("LOGSCRUB_HASH_KEY", "a-test-key-of-32-bytes-000000000");
        let once = run_cmd(&mut cmd, &sample);
        assert_eq!(once.status.code(), Some(0), "{style}: {}", stderr(&once));
        let audit = run(&["audit", "--format", "json"], &once.stdout);
        assert_eq!(
            audit.status.code(),
            Some(0),
            "{style}: the audit found its own output: {}",
            stdout(&audit)
        );
        let mut again = bin();
        again
            .args(["--style", style])
            .env("LOGSCRUB_HASH_KEY", "a-test-key-of-32-bytes-000000000");
        let twice = run_cmd(&mut again, &once.stdout);
        assert_eq!(stdout(&twice), stdout(&once), "{style}: scrubbing twice");
    }
}

#[test]
fn unreadable_file_is_an_io_error_naming_it_and_the_others_are_still_scrubbed() {
    let dir = tmp("missing");
    let good = dir.join("good.log");
    std::fs::write(&good, "jane@example.com\n").unwrap();
    let after = dir.join("after.log");
    std::fs::write(&after, "card 4111 1111 1111 1111\n").unwrap();
    let missing = dir.join("missing.log");
    let files = [
        good.to_str().unwrap(),
        missing.to_str().unwrap(),
        after.to_str().unwrap(),
    ];
    // Like `cat`: say so, go on with the rest in order, exit 1 at the end.
    for threads in ["1", "2"] {
        let mut args = vec!["--threads", threads];
        args.extend(files);
        let out = run(&args, b"");
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "logscrub: cannot read {}: No such file or directory",
                files[1]
            )),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!err.contains("jane"), "{err}");
        assert_eq!(stdout(&out), "[EMAIL]\ncard [CARD]\n");
    }
}

#[test]
fn audit_reports_what_it_could_read_and_exits_1_for_a_missing_file() {
    let dir = audit_tree("audit-missing");
    let logs = dir.join("logs");
    let missing = dir.join("missing.log");
    let out = run(
        &[
            "audit",
            "--format",
            "json",
            logs.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        b"",
    );
    // Findings (3) and an unreadable file (1): the file that was not checked wins.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cannot read") && err.contains("missing.log"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["totals"]["EMAIL"], 1);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert!(files[2]["path"].as_str().unwrap().ends_with("missing.log"));
    assert_eq!(files[2]["error"], "No such file or directory");
    assert!(files[1].get("error").is_none());
    // The table says it too.
    let out = run(&["audit", missing.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("not read: No such file"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn list_rules_shows_the_table() {
    let out = run(&["--list-rules", "--enable", "IP"], b"");
    assert!(out.status.success());
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    for col in ["FAMILY", "ID", "ENABLED", "STYLE", "KIND", "DESCRIPTION"] {
        assert!(header.contains(col), "{header}");
    }
    let row = |id: &str| {
        text.lines()
            .find(|l| l.split_whitespace().nth(1) == Some(id))
            .unwrap_or_else(|| panic!("no {id} row in {text}"))
            .to_string()
    };
    let email = row("EMAIL");
    assert!(email.starts_with("contact ") && email.contains("yes") && email.contains("label"));
    assert!(email.contains("email"), "{email}");
    assert!(row("IP").contains("yes"));
    assert!(row("NPM_TOKEN").starts_with("credential ") && row("NPM_TOKEN").contains("token"));
    // Grouped by family: each family's rows stand together.
    let families: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .filter(|f| !f.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let mut seen = Vec::new();
    for f in &families {
        if seen.last() != Some(f) {
            assert!(!seen.contains(f), "{f} rows are split: {families:?}");
            seen.push(f);
        }
    }
    assert!(text.trim_end().ends_with(" rules"), "{text}");
}

#[test]
fn stats_report_counts_only() {
    let input = b"a jane@example.com\nb 4111 1111 1111 1111 and bob@example.org\nc\n";
    let out = run(&["--stats"], input);
    assert!(out.status.success());
    assert_eq!(out.stdout, b"a [EMAIL]\nb [CARD] and [EMAIL]\nc\n");
    let err = stderr(&out);
    let value = |name: &str| -> Option<String> {
        err.lines()
            .map(str::trim)
            .find(|l| l.split_whitespace().next() == Some(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_string)
    };
    assert_eq!(value("lines").as_deref(), Some("3"));
    assert_eq!(
        value("bytes").as_deref(),
        Some(input.len().to_string().as_str())
    );
    assert_eq!(value("redacted").as_deref(), Some("3"));
    assert_eq!(value("EMAIL").as_deref(), Some("2"));
    assert_eq!(value("CARD").as_deref(), Some("1"));
    assert!(value("elapsed").is_some());
    assert!(err.contains("MB/s"));
    assert!(!err.contains("jane") && !err.contains("4111"), "{err}");
}

#[test]
fn environment_configures_the_filter() {
    let out = run_cmd(
        bin()
            .env("LOGSCRUB_STYLE", "mask")
            .env("LOGSCRUB_THREADS", "1"),
        b"mail jane@example.com\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "mail ****@*******.***\n");
    // A flag wins over the environment.
    let out = run_cmd(
        bin()
            .env("LOGSCRUB_STYLE", "mask")
            .args(["--style", "label"]),
        b"mail jane@example.com\n",
    );
    assert_eq!(stdout(&out), "mail [EMAIL]\n");
    let out = run_cmd(
        bin().env("LOGSCRUB_DISABLE", "EMAIL,PHONE"),
        b"jane@example.com\n",
    );
    assert_eq!(stdout(&out), "jane@example.com\n");
}

#[test]
fn hash_style_needs_a_key() {
    let out = run(&["--style", "hash"], b"jane@example.com\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("LOGSCRUB_HASH_KEY"));
    let out = run_cmd(
        bin()
            .env("LOGSCRUB_HASH_KEY", "0123456789abcdef0123456789abcdef")
            .args(["--style", "hash"]),
        b"a jane@example.com\nb JANE@example.com\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let tokens: Vec<&str> = text.lines().map(|l| &l[2..]).collect();
    assert!(tokens[0].starts_with("[EMAIL:") && tokens[0].len() == "[EMAIL:12345678]".len());
    assert_eq!(tokens[0], tokens[1], "emails hash case-insensitively");
}

#[test]
fn bad_usage_exits_2() {
    let out = run(&["--style", "shout"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out = run(&["--enable", "NO_SUCH_RULE"], b"x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("NO_SUCH_RULE"));
    let out = run(&["--version"], b"");
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("logscrub "));
}

/// A directory with one dirty file (in a subdirectory) and one clean file.
fn audit_tree(name: &str) -> PathBuf {
    let dir = tmp(name);
    std::fs::create_dir_all(dir.join("logs/sub")).unwrap();
    std::fs::write(dir.join("logs/clean.log"), "all fine\nnothing here\n").unwrap();
    std::fs::write(dir.join("logs/sub/app.log"), APP_LOG).unwrap();
    dir
}

const APP_LOG: &str =
    "start\nlogin jane@example.com ok\ncharge 4111-1111-1111-1111 sms +14155550132\n";

const RAW_VALUES: [&str; 5] = [
    "jane@example.com",
    "jane",
    "4111-1111-1111-1111",
    "4155550132",
    "example",
];

fn assert_no_raw_values(text: &str) {
    for value in RAW_VALUES {
        assert!(!text.contains(value), "{value:?} leaked:\n{text}");
    }
}

#[test]
fn audit_exit_codes() {
    let dir = audit_tree("audit-codes");
    let out = run(
        &["audit", dir.join("logs/clean.log").to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("no findings"));
    let out = run(&["audit", dir.join("logs").to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("app.log:2:7"), "{text}");
    assert!(text.contains("j***@e******.com"), "{text}");
    assert!(text.contains("4***-****-****-****"), "{text}");
    assert_no_raw_values(&text);
    assert_no_raw_values(&stderr(&out));
    // Standard input, and a missing path.
    let out = run(&["audit"], b"mail jane@example.com\n");
    assert_eq!(out.status.code(), Some(3));
    let out = run(&["audit"], b"fine\n");
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["audit", dir.join("nope").to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nope"));
}

#[test]
fn audit_json_shape() {
    let dir = audit_tree("audit-json");
    let logs = dir.join("logs");
    let out = run(&["audit", "--format", "json", logs.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(3));
    assert_no_raw_values(&stdout(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    // Sorted walk: logs/clean.log before logs/sub/app.log.
    assert!(files[0]["path"].as_str().unwrap().ends_with("clean.log"));
    assert!(files[1]["path"].as_str().unwrap().ends_with("app.log"));
    assert_eq!(files[0]["lines"], 2);
    assert_eq!(files[0]["counts"].as_object().unwrap().len(), 0);
    assert_eq!(files[1]["lines"], 3);
    assert_eq!(files[1]["bytes"], APP_LOG.len());
    assert_eq!(files[1]["counts"]["EMAIL"], 1);
    assert_eq!(v["totals"]["EMAIL"], 1);
    assert_eq!(v["totals"]["CARD"], 1);
    assert_eq!(v["totals"]["PHONE"], 1);
    let locations = v["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 3);
    let first = &locations[0];
    assert!(first["path"].as_str().unwrap().ends_with("app.log"));
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 7);
    assert_eq!(first["rule"], "EMAIL");
    assert_eq!(first["preview"], "j***@e******.com");
    assert_eq!(locations[2]["line"], 3);
    // --max-locations limits the list, not the counts.
    let out = run(
        &[
            "audit",
            "--format",
            "json",
            "--max-locations",
            "1",
            logs.to_str().unwrap(),
        ],
        b"",
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["locations"].as_array().unwrap().len(), 1);
    assert_eq!(v["totals"]["PHONE"], 1);
}

#[test]
fn audit_sarif_has_the_required_fields() {
    let dir = audit_tree("audit-sarif");
    let out = run(
        &[
            "audit",
            "--format",
            "sarif",
            dir.join("logs").to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(3));
    assert_no_raw_values(&stdout(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif"));
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "logscrub");
    assert!(driver["version"].is_string());
    assert!(driver["informationUri"].is_string());
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "EMAIL"));
    assert!(
        rules
            .iter()
            .all(|r| r["shortDescription"]["text"].is_string())
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        assert!(r["ruleId"].is_string());
        assert!(r["message"]["text"].is_string());
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("logs/sub/app.log")
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
}

#[test]
fn json_flag_forces_structured_mode_and_reports_lines_that_are_not_json() {
    let input = b"{\"surname\":\"Jane\",\"n\":1}\nplain jane@example.com\n";
    // `--json` is `--json-mode on`.
    let out = run(&["--json"], input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "{\"surname\":\"[NAME]\",\"n\":1}\nplain [EMAIL]\n"
    );
    let err = stderr(&out);
    assert!(
        err.contains("1 non-blank lines were not valid JSON"),
        "{err}"
    );
    assert!(!err.contains("jane") && !err.contains("Jane"), "{err}");
    // `--json-mode off` scrubs as text: the name has no shape, so it stays.
    let out = run(&["--json-mode", "off"], input);
    assert_eq!(
        stdout(&out),
        "{\"surname\":\"Jane\",\"n\":1}\nplain [EMAIL]\n"
    );
    // `auto` (the default) structures JSON lines and says nothing about text lines.
    let out = run(&["--json-mode=auto", "--stats"], input);
    assert!(stdout(&out).starts_with("{\"surname\":\"[NAME]\""));
    assert!(!stderr(&out).contains("not JSON"), "{}", stderr(&out));
    // The environment sets it too, and --stats shows the count.
    let out = run_cmd(bin().args(["--stats"]).env("LOGSCRUB_JSON", "on"), input);
    assert!(
        stderr(&out).contains("not JSON    1 lines"),
        "{}",
        stderr(&out)
    );
    // A line too long to hold (over 4 MiB) is scrubbed in windows as text: it is reported too.
    let long = format!(
        "{{\"surname\":\"Jane\",\"pad\":\"{}\"}}\n",
        "x".repeat(5 << 20)
    );
    let out = run(&["--json"], long.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        out.stdout.len(),
        long.len(),
        "one line out, nothing in it replaced"
    );
    let err = stderr(&out);
    assert!(
        err.contains("1 non-blank lines were not valid JSON"),
        "{err}"
    );
}

#[test]
fn rules_files_stack_in_order() {
    let dir = tmp("two-packs");
    let first = dir.join("first.toml");
    let second = dir.join("second.toml");
    std::fs::write(
        &first,
        "[[rule]]\nid = \"EMPLOYEE_ID\"\nregex = 'EMP-[0-9]{6}'\ntriggers = [\"EMP-\"]\n",
    )
    .unwrap();
    // The second pack retunes the first pack's rule and disables a built-in one.
    std::fs::write(
        &second,
        "[[rule]]\nid = \"EMPLOYEE_ID\"\nstyle = \"mask\"\n\n[[rule]]\nid = \"EMAIL\"\nenabled = false\n",
    )
    .unwrap();
    let out = run(
        &[
            "--rules",
            first.to_str().unwrap(),
            "--rules",
            second.to_str().unwrap(),
        ],
        b"by EMP-123456 for jane@example.com\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "by ***-****** for jane@example.com\n");
}

#[test]
fn a_full_output_device_is_an_io_error() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("SKIPPED: no /dev/full on this system");
        return;
    }
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let mut child = bin()
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = thread::spawn(move || {
        let _ = stdin.write_all(&numbered_lines(20_000));
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot write standard output"), "{err}");
    assert!(!err.contains("example.com"), "{err}");
}

#[test]
fn progress_bar_only_when_stderr_is_a_terminal() {
    let dir = tmp("progress");
    let log = dir.join("app.log");
    let out_file = dir.join("clean.log");
    let input = numbered_lines(150_000);
    std::fs::write(&log, &input).unwrap();
    // Stderr a pipe (as in every other test here): not one byte of progress.
    let piped = run(&[log.to_str().unwrap()], b"");
    assert_eq!(piped.status.code(), Some(0));
    assert!(piped.stderr.is_empty(), "{}", stderr(&piped));
    // Stderr a terminal, stdout a file: `script` runs the binary on a pseudo-terminal.
    let has_script = Command::new("script").arg("--version").output().is_ok();
    if !has_script {
        eprintln!("SKIPPED the terminal half: `script` (util-linux) is not installed");
        return;
    }
    let command = format!(
        "'{}' '{}' > '{}'",
        env!("CARGO_BIN_EXE_logscrub"),
        log.display(),
        out_file.display()
    );
    let tty = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(tty.status.success(), "{}", stderr(&tty));
    let screen = String::from_utf8_lossy(&tty.stdout);
    assert!(
        screen.contains("MB/s") && screen.contains("eta"),
        "no progress bar drawn on the terminal: {screen:?}"
    );
    // Decimal units, like --stats: one name, one unit.
    assert!(
        !screen.contains("MiB"),
        "binary units on the bar: {screen:?}"
    );
    assert!(
        !screen.contains("example.com"),
        "log content on the terminal"
    );
    // The bar went to the terminal only: the output file is the scrubbed log, byte for byte.
    assert_same_lines(&std::fs::read(&out_file).unwrap(), &expected_lines(&input));
}

#[test]
fn json_flag_takes_no_value() {
    let dir = tmp("json-flag");
    let file = dir.join("app.jsonl");
    std::fs::write(&file, "{\"surname\":\"Jane\",\"n\":1}\n").unwrap();
    let path = file.to_str().unwrap();
    // `--json` used to take the file name as its mode.
    let out = run(&["--json", path], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "{\"surname\":\"[NAME]\",\"n\":1}\n");
    // `--no-json` is `--json-mode off`; a flag wins over LOGSCRUB_JSON.
    let out = run_cmd(
        bin().env("LOGSCRUB_JSON", "on").args(["--no-json", path]),
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "{\"surname\":\"Jane\",\"n\":1}\n");
    let out = run_cmd(
        bin().env("LOGSCRUB_JSON", "off").args(["--json", path]),
        b"",
    );
    assert_eq!(stdout(&out), "{\"surname\":\"[NAME]\",\"n\":1}\n");
    // Typed together, they clash.
    let out = run(&["--json", "--json-mode", "off", path], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--json-mode"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let out = run(&["--json", "--no-json", path], b"");
    assert_eq!(out.status.code(), Some(2));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// tests/data/rotated.log.zst: two zstd frames (with checksums), made with
/// `zstd -c z1 > rotated.log.zst; zstd -c z2 >> rotated.log.zst`.
const ROTATED_ZST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/rotated.log.zst");
const ROTATED_TEXT: &str =
    "rotated mail jane@example.com\nnothing here\ncharge 4111 1111 1111 1111\n";

#[test]
fn compressed_input_is_scrubbed_as_the_text_it_holds() {
    let dir = tmp("compressed");
    // Two gzip members, as `cat a.gz b.gz` makes: both are read.
    let mut gz = gzip(b"mail jane@example.com\n");
    gz.extend(gzip(b"card 4111 1111 1111 1111\n"));
    // A misleading name: the first bytes decide.
    let file = dir.join("app.log");
    std::fs::write(&file, &gz).unwrap();
    for threads in ["1", "2"] {
        let out = run(&["--threads", threads, file.to_str().unwrap()], b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "mail [EMAIL]\ncard [CARD]\n");
        // Standard input too, piped.
        let out = run(&["--threads", threads], &gz);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "mail [EMAIL]\ncard [CARD]\n");
    }
    // zstd, two frames.
    assert_eq!(
        std::fs::read(ROTATED_ZST).unwrap()[..4],
        [0x28, 0xb5, 0x2f, 0xfd]
    );
    let out = run(&[ROTATED_ZST], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "rotated mail [EMAIL]\nnothing here\ncharge [CARD]\n"
    );
    let out = run(&[], &std::fs::read(ROTATED_ZST).unwrap());
    assert_eq!(
        stdout(&out),
        "rotated mail [EMAIL]\nnothing here\ncharge [CARD]\n"
    );
    // Text that only starts like a magic number is text.
    let out = run(&[], b"\x1f plain jane@example.com\n");
    assert_eq!(out.stdout, b"\x1f plain [EMAIL]\n");
}

#[test]
fn audit_reads_rotated_compressed_logs() {
    let dir = tmp("audit-compressed");
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("app.log"), "all fine\n").unwrap();
    std::fs::write(logs.join("app.log.1.gz"), gzip(APP_LOG.as_bytes())).unwrap();
    std::fs::copy(ROTATED_ZST, logs.join("app.log.2.zst")).unwrap();
    let out = run(&["audit", "--format", "json", logs.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_no_raw_values(&stdout(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    // Lines and bytes of the text inside.
    assert!(files[1]["path"].as_str().unwrap().ends_with("app.log.1.gz"));
    assert_eq!(files[1]["lines"], 3);
    assert_eq!(files[1]["bytes"], APP_LOG.len());
    assert_eq!(files[1]["counts"]["EMAIL"], 1);
    assert!(
        files[2]["path"]
            .as_str()
            .unwrap()
            .ends_with("app.log.2.zst")
    );
    assert_eq!(files[2]["bytes"], ROTATED_TEXT.len());
    assert_eq!(files[2]["counts"]["EMAIL"], 1);
    assert_eq!(files[2]["counts"]["CARD"], 1);
    assert_eq!(v["totals"]["EMAIL"], 2);
    let located = v["locations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["path"].as_str().unwrap().ends_with("app.log.2.zst") && l["line"] == 3);
    assert!(located, "{v}");
}

#[test]
fn corrupt_compressed_input_is_an_io_error_naming_the_file() {
    let dir = tmp("corrupt");
    let whole = gzip(APP_LOG.as_bytes());
    let truncated = dir.join("truncated.log.gz");
    std::fs::write(&truncated, &whole[..whole.len() - 6]).unwrap();
    // A flipped byte in the stored text of a zstd frame: only its checksum tells.
    let mut zst = std::fs::read(ROTATED_ZST).unwrap();
    let at = zst.windows(4).position(|w| w == b"jane").unwrap();
    zst[at] = b'J';
    let flipped = dir.join("flipped.log.zst");
    std::fs::write(&flipped, &zst).unwrap();
    for (file, what) in [(&truncated, "gzip"), (&flipped, "zstd")] {
        let path = file.to_str().unwrap();
        let out = run(&[path], b"");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("cannot read {path}: not valid {what} data")),
            "{err}"
        );
        assert!(!stdout(&out).contains("jane") && !stdout(&out).contains("Jane"));
        // Never reported clean.
        let out = run(&["audit", path], b"");
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        assert!(stderr(&out).contains(path));
        // Standard input names itself.
        let out = run(&["audit"], &std::fs::read(file).unwrap());
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("cannot read (stdin)"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn audit_does_not_need_a_hash_key_and_rejects_stats() {
    let dir = audit_tree("audit-options");
    let app = dir.join("logs/sub/app.log");
    let app = app.to_str().unwrap();
    // The audit writes no replacement: a hash style needs no key, typed or from the environment.
    let out = run(&["audit", "--style", "hash", app], b"");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = run_cmd(
        bin().env("LOGSCRUB_STYLE", "hash").args(["audit", app]),
        b"",
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // --stats is the filter's: typed with audit it is a usage error, not silently dropped.
    let out = run(&["--stats", "audit", app], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--stats"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    // From the environment (set for the filter in a shared profile) it does not block the audit.
    let out = run_cmd(bin().env("LOGSCRUB_STATS", "1").args(["audit", app]), b"");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn bad_values_from_the_environment_name_the_variable() {
    let out = run_cmd(bin().env("LOGSCRUB_STYLE", "bogus"), b"x\n");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "invalid value 'bogus' for LOGSCRUB_STYLE (from the environment; expected label, mask, last4, hash)"
        ),
        "{err}"
    );
    assert!(!err.contains("--style"), "{err}");
    let out = run_cmd(bin().env("LOGSCRUB_THREADS", "0"), b"x\n");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("invalid value '0' for LOGSCRUB_THREADS (from the environment"),
        "{err}"
    );
    let out = run_cmd(bin().env("LOGSCRUB_FORMAT", "xml").args(["audit"]), b"x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("LOGSCRUB_FORMAT"), "{}", stderr(&out));
    // A typed value is the flag's fault, whatever the environment holds.
    let out = run_cmd(
        bin()
            .env("LOGSCRUB_STYLE", "bogus")
            .args(["--style", "shout"]),
        b"x\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("'shout'") && err.contains("--style"), "{err}");
}

#[test]
fn a_repeated_flag_is_accepted() {
    let dir = tmp("repeated");
    let file = dir.join("app.log");
    std::fs::write(&file, "mail jane@example.com\n").unwrap();
    let path = file.to_str().unwrap();
    let out = run(&["--stats", path, "--stats"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "mail [EMAIL]\n");
    assert!(stderr(&out).contains("logscrub stats:"));
    // The last one wins.
    let out = run(&["--style", "mask", "--style", "label", path], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "mail [EMAIL]\n");
    let out = run(&["--json", "--json", path], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A log with `n` findings, one email per line.
fn many_findings(name: &str, n: usize) -> PathBuf {
    let dir = tmp(name);
    let file = dir.join("many.log");
    let text: String = (0..n)
        .map(|i| format!("{i} login user{i}@example.com\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn sarif_lists_every_result_unless_capped_and_says_when_cut() {
    let file = many_findings("sarif-all", 30);
    let path = file.to_str().unwrap();
    let out = run(&["audit", "--format", "sarif", path], b"");
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run0 = &v["runs"][0];
    assert_eq!(run0["results"].as_array().unwrap().len(), 30);
    assert_eq!(run0["properties"]["omittedResults"], 0);
    assert_eq!(run0["invocations"][0]["executionSuccessful"], true);
    assert!(
        run0["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // An explicit cap is honoured, and said.
    let out = run(
        &["audit", "--format", "sarif", "--max-locations", "5", path],
        b"",
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run0 = &v["runs"][0];
    assert_eq!(run0["results"].as_array().unwrap().len(), 5);
    assert_eq!(run0["properties"]["omittedResults"], 25);
    let notes = run0["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.contains("25 results omitted by --max-locations"),
        "{text}"
    );
    // JSON keeps its default of 20 and counts the rest.
    let out = run(&["audit", "--format", "json", path], b"");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["locations"].as_array().unwrap().len(), 20);
    assert_eq!(v["omitted_locations"], 10);
    assert_eq!(v["totals"]["EMAIL"], 30);
}

#[test]
fn standard_input_has_one_name_everywhere() {
    let input = b"mail jane@example.com\n";
    let out = run(&["audit", "--format", "json"], input);
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["path"], "(stdin)");
    assert_eq!(v["locations"][0]["path"], "(stdin)");
    let out = run(&["audit", "--format", "sarif", "-"], input);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "(stdin)"
    );
    let out = run(&["audit"], input);
    assert!(stdout(&out).contains("(stdin):1:6"), "{}", stdout(&out));
}

#[test]
fn allow_entries_keep_values_and_are_counted_apart() {
    let dir = tmp("allow");
    let policy = dir.join("policy.toml");
    std::fs::write(
        &policy,
        "[[allow]]\nvalues = [\"support@clicki.com\"]\n[[allow]]\nkeys = [\"order_ref\"]\n",
    )
    .unwrap();
    let input = b"from support@clicki.com to jane@corp.io\n{\"order_ref\":\"4111111111111111\"}\n";
    let p = policy.to_str().unwrap();
    let out = run(&["--rules", p, "--stats"], input);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        out.stdout,
        b"from support@clicki.com to [EMAIL]\n{\"order_ref\":\"4111111111111111\"}\n"
    );
    let err = stderr(&out);
    assert!(err.contains("redacted    1"), "{err}");
    assert!(err.contains("allowed     2"), "{err}");
    // The same policy through the environment, and the audit's JSON report.
    let out = run_cmd(
        bin()
            .args(["audit", "--format", "json"])
            .env("LOGSCRUB_RULES", p),
        input,
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["totals"]["EMAIL"], 1, "{report}");
    assert_eq!(report["allowed"]["EMAIL"], 1, "{report}");
    assert_eq!(report["allowed"]["CARD"], 1, "{report}");
    // A bad entry stops the run with the file and line, exit status 2.
    std::fs::write(&policy, "\n[[allow]]\nrules = [\"EMAIL\"]\n").unwrap();
    let out = run(&["--rules", p], input);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("policy.toml:2:"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

/// One `.env` configures both front ends: the CLI reading `LOGSCRUB_*` through its flags' `env`
/// and `Policy::from_lookup` (what the Lambda reads) give the same output, and the README's
/// settings table lists every variable.
#[test]
fn one_policy_means_the_same_in_the_cli_and_the_library() {
    let dir = tmp("policy");
    let a = dir.join("a.toml");
    let b = dir.join("b.toml");
    std::fs::write(
        &a,
        "[[rule]]\nid = \"EMP\"\nregex = 'EMP-[0-9]{6}'\ntriggers = [\"EMP-\"]\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "[[allow]]\nvalues = [\"support@clicki.com\"]\n[[rule]]\nid = \"EMP\"\nstyle = \"label\"\n",
    )
    .unwrap();
    let rules = format!("{},{}", a.display(), b.display());
    let vars = [
        ("LOGSCRUB_RULES", rules.as_str()),
        ("LOGSCRUB_DISABLE", "PHONE"),
        ("LOGSCRUB_STYLE", "mask"),
        ("LOGSCRUB_JSON", "off"),
    ];
    let input = b"EMP-123456 support@clicki.com jane@corp.io +1 415 555 0132 {\"email\":\"x\"}\n";
    let mut cmd = bin();
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = run_cmd(&mut cmd, input);
    assert!(out.status.success(), "{}", stderr(&out));
    let policy = logscrub::policy::Policy::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    let mut want = Vec::new();
    policy.scrubber().unwrap().scrub(input, &mut want);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&want)
    );
    assert_eq!(
        String::from_utf8_lossy(&want),
        "***-****** support@clicki.com ****@****.** +1 415 555 0132 {\"email\":\"x\"}\n"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (name, _) in logscrub::policy::VARIABLES {
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "README's settings table lacks {name}"
        );
    }
}

/// SARIF columns count UTF-16 code units (declared in `columnKind`), not bytes: before the value
/// below are `é` (2 bytes, 1 unit), a space, `😀` (4 bytes, 2 units) and a space, so it starts at
/// byte column 9 but UTF-16 column 6, and ends (exclusive) 16 units later. The same holds on a line
/// too long to hold (streamed in pieces), where the count is carried across pieces.
#[test]
fn sarif_columns_count_utf16_code_units() {
    let check = |input: &[u8], start: u64, line: u64| {
        let out = run(&["audit", "--format", "sarif", "-"], input);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["runs"][0]["columnKind"], "utf16CodeUnits");
        let region = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], line);
        assert_eq!(region["startColumn"], start);
        assert_eq!(region["endColumn"], start + 16);
    };
    check("é 😀 jane@example.com ok\n".as_bytes(), 6, 1);
    check("first line\né 😀 jane@example.com ok\n".as_bytes(), 6, 2);
    // 5 MiB of two-byte characters before the value: a long line, read in pieces.
    let mut long = "é".repeat(5 << 19).into_bytes();
    long.extend_from_slice(" jane@example.com\n".as_bytes());
    check(&long, (5 << 19) + 2, 1);
    // The JSON report keeps byte columns, as documented.
    let out = run(
        &["audit", "--format", "json"],
        "é 😀 jane@example.com ok\n".as_bytes(),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["locations"][0]["column"], 9);
}
