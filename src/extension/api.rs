//! The Lambda Extensions and Telemetry APIs over plain HTTP/1.1: a small client for the three calls
//! an extension makes (register, next event, subscribe) and the listener Lambda posts telemetry to.
//!
//! Both ends are local to the execution environment (`AWS_LAMBDA_RUNTIME_API`, and
//! `sandbox.localdomain` for the listener), speak HTTP/1.1 without TLS, and exchange small JSON
//! documents, so a few dozen lines on tokio's sockets do the job. Doing it here rather than through
//! the `lambda-extension` crate keeps the telemetry batches as raw JSON: that crate parses each batch
//! into a closed enum of record types, so one record of a type it does not know (Lambda adds them,
//! SnapStart's `platform.restore*` among them) fails the whole batch, and the function lines in it
//! with it.
//!
//! Nothing here logs a request or response body: a telemetry batch is the function's log content.

use std::fmt;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Longest request or response head accepted (request line and headers).
const MAX_HEAD: usize = 16 << 10;

/// Largest body accepted: telemetry batches are at most 1 MiB of records (`maxBytes`), plus their
/// JSON envelope.
pub const MAX_BODY: usize = 8 << 20;

/// Name the extension registers under: it must be the file name under `/opt/extensions`.
pub const EXTENSION_NAME: &str = "logscrub-extension";

/// A failed call or a malformed message; says what, never quotes a body.
#[derive(Debug)]
pub struct ApiError(pub String);

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ApiError {}

fn io(what: &str) -> impl Fn(std::io::Error) -> ApiError + '_ {
    move |e| ApiError(format!("{what}: {}", crate::policy::io_reason(&e)))
}

/// An HTTP message as read: the status code (responses) or method and path (requests), headers
/// with lower-case names, and the body.
#[derive(Debug, Default)]
pub struct Message {
    pub start: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The status code of a response.
    pub fn status(&self) -> u16 {
        self.start
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
}

/// Reads one HTTP/1.1 message (head, then a body by `Content-Length` or chunked). `Ok(None)` at a
/// clean end of stream before any byte of a message.
async fn read_message<R: tokio::io::AsyncBufRead + Unpin>(
    reader: &mut R,
) -> Result<Option<Message>, ApiError> {
    let mut msg = Message::default();
    let mut head = 0;
    loop {
        let mut line = String::new();
        let n = reader
            .read_line(&mut line)
            .await
            .map_err(io("reading a message head"))?;
        if n == 0 {
            return if head == 0 {
                Ok(None)
            } else {
                Err(ApiError("connection closed inside a message head".into()))
            };
        }
        head += n;
        if head > MAX_HEAD {
            return Err(ApiError(format!("message head over {MAX_HEAD} bytes")));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if msg.start.is_empty() {
            if line.is_empty() {
                continue; // blank lines before a request are allowed
            }
            msg.start = line.to_string();
        } else if line.is_empty() {
            break;
        } else if let Some((k, v)) = line.split_once(':') {
            msg.headers
                .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let chunked = msg
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"));
    if chunked {
        loop {
            let mut size = String::new();
            reader
                .read_line(&mut size)
                .await
                .map_err(io("reading a chunk size"))?;
            let size = size.trim().split(';').next().unwrap_or("");
            let n = usize::from_str_radix(size, 16)
                .map_err(|_| ApiError("malformed chunk size".into()))?;
            if msg.body.len() + n > MAX_BODY {
                return Err(ApiError(format!("body over {MAX_BODY} bytes")));
            }
            let at = msg.body.len();
            msg.body.resize(at + n, 0);
            reader
                .read_exact(&mut msg.body[at..])
                .await
                .map_err(io("reading a chunk"))?;
            let mut crlf = String::new();
            reader
                .read_line(&mut crlf)
                .await
                .map_err(io("reading a chunk end"))?;
            if n == 0 {
                break;
            }
        }
    } else if let Some(len) = msg.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| ApiError("malformed Content-Length".into()))?;
        if len > MAX_BODY {
            return Err(ApiError(format!("body of {len} bytes, over {MAX_BODY}")));
        }
        msg.body.resize(len, 0);
        reader
            .read_exact(&mut msg.body)
            .await
            .map_err(io("reading a body"))?;
    } else if !msg.start.starts_with("HTTP/") {
        // A request without a length has no body.
    } else {
        // A response without a length runs to the end of the connection.
        reader
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut msg.body)
            .await
            .map_err(io("reading a body"))?;
        if msg.body.len() > MAX_BODY {
            return Err(ApiError(format!("body over {MAX_BODY} bytes")));
        }
    }
    Ok(Some(msg))
}

/// A client of the Extensions and Telemetry APIs at `AWS_LAMBDA_RUNTIME_API` (`host:port`).
#[derive(Clone, Debug)]
pub struct Client {
    address: String,
}

/// What the Extensions API says comes next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextEvent {
    /// An invocation started.
    Invoke { request_id: String },
    /// The environment shuts down; the extension must be done by `deadline_ms` (epoch ms).
    Shutdown { deadline_ms: u64 },
}

impl Client {
    pub fn new(address: &str) -> Client {
        Client {
            address: address.to_string(),
        }
    }

    /// One request on its own connection (`Connection: close`).
    async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Message, ApiError> {
        let what = format!("{method} {path}");
        let mut stream = TcpStream::connect(&self.address)
            .await
            .map_err(|e| ApiError(format!("{what}: {}", crate::policy::io_reason(&e))))?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.address,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.map_err(io(&what))?;
        stream.write_all(body).await.map_err(io(&what))?;
        let mut reader = BufReader::new(stream);
        let msg = read_message(&mut reader)
            .await?
            .ok_or_else(|| ApiError(format!("{what}: no response")))?;
        if !(200..300).contains(&msg.status()) {
            return Err(ApiError(format!("{what}: HTTP {}", msg.status())));
        }
        Ok(msg)
    }

    /// Registers for `INVOKE` and `SHUTDOWN`; returns the extension id.
    pub async fn register(&self) -> Result<String, ApiError> {
        let msg = self
            .call(
                "POST",
                "/2020-01-01/extension/register",
                &[
                    ("Lambda-Extension-Name", EXTENSION_NAME),
                    ("Content-Type", "application/json"),
                ],
                br#"{"events":["INVOKE","SHUTDOWN"]}"#,
            )
            .await?;
        msg.header("lambda-extension-identifier")
            .map(str::to_string)
            .ok_or_else(|| ApiError("register: no Lambda-Extension-Identifier".into()))
    }

    /// Subscribes `port` on `sandbox.localdomain` to the Telemetry API for `types`.
    pub async fn subscribe(
        &self,
        id: &str,
        types: &[&str],
        buffering: Buffering,
        port: u16,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({
            "schemaVersion": "2022-12-13",
            "types": types,
            "buffering": {
                "maxItems": buffering.max_items,
                "maxBytes": buffering.max_bytes,
                "timeoutMs": buffering.timeout_ms,
            },
            "destination": {
                "protocol": "HTTP",
                "URI": format!("http://sandbox.localdomain:{port}"),
            },
        });
        self.call(
            "PUT",
            "/2022-07-01/telemetry",
            &[
                ("Lambda-Extension-Identifier", id),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
        .await
        .map(|_| ())
    }

    /// Waits for the next lifecycle event.
    pub async fn next(&self, id: &str) -> Result<NextEvent, ApiError> {
        let msg = self
            .call(
                "GET",
                "/2020-01-01/extension/event/next",
                &[("Lambda-Extension-Identifier", id)],
                b"",
            )
            .await?;
        let event: serde_json::Value = serde_json::from_slice(&msg.body)
            .map_err(|_| ApiError("next event: not JSON".into()))?;
        match event.get("eventType").and_then(|t| t.as_str()) {
            Some("INVOKE") => Ok(NextEvent::Invoke {
                request_id: event
                    .get("requestId")
                    .and_then(|r| r.as_str())
                    .unwrap_or("")
                    .to_string(),
            }),
            Some("SHUTDOWN") => Ok(NextEvent::Shutdown {
                deadline_ms: event
                    .get("deadlineMs")
                    .and_then(|d| d.as_u64())
                    .unwrap_or(0),
            }),
            _ => Err(ApiError("next event: no known eventType".into())),
        }
    }

    /// Reports an initialisation failure (Lambda then fails the environment's init).
    pub async fn init_error(&self, id: Option<&str>, kind: &str, message: &str) {
        let body = serde_json::json!({ "errorMessage": message, "errorType": kind });
        let path = "/2020-01-01/extension/init/error";
        let mut headers = vec![("Lambda-Extension-Function-Error-Type", kind)];
        if let Some(id) = id {
            headers.push(("Lambda-Extension-Identifier", id));
        }
        // Best effort: the process exits with an error status either way.
        let _ = self
            .call("POST", path, &headers, body.to_string().as_bytes())
            .await;
    }
}

/// Telemetry API buffering: Lambda posts a batch when any limit is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Buffering {
    pub max_items: u32,
    pub max_bytes: u32,
    pub timeout_ms: u32,
}

/// Serves Telemetry API posts on `listener`: each request body goes to `on_batch`, and is answered
/// `200` (Lambda does not retry a batch; an answer is all it needs). Runs until the process ends.
pub async fn serve(listener: TcpListener, on_batch: impl Fn(Vec<u8>) + Clone + Send + 'static) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let on_batch = on_batch.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut reader = BufReader::new(read);
            // Keep-alive: one connection may carry many posts.
            while let Ok(Some(msg)) = read_message(&mut reader).await {
                let close = msg
                    .header("connection")
                    .is_some_and(|c| c.eq_ignore_ascii_case("close"));
                on_batch(msg.body);
                let answer: &[u8] = if close {
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                } else {
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                };
                if write.write_all(answer).await.is_err() || close {
                    break;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(bytes: &[u8]) -> Result<Option<Message>, ApiError> {
        let mut reader = BufReader::new(bytes);
        read_message(&mut reader).await
    }

    #[tokio::test]
    async fn reads_length_chunked_and_close_delimited_bodies() {
        let m = parse(b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n[]")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (m.start.as_str(), m.body.as_slice()),
            ("POST / HTTP/1.1", &b"[]"[..])
        );
        let m = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((m.status(), m.body.as_slice()), (200, &b"abcde"[..]));
        let m = parse(b"HTTP/1.1 200 OK\r\n\r\nto the end")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.body, b"to the end");
        assert!(parse(b"").await.unwrap().is_none());
        let huge = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        let e = parse(huge.as_bytes()).await.unwrap_err();
        assert!(e.to_string().contains("over"), "{e}");
    }
}
