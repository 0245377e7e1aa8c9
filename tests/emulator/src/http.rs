//! Just enough HTTP/1.1 for browsers and test scripts: keep-alive,
//! Content-Length bodies and `Expect: 100-continue`. Every malformed input
//! becomes a status code, never a panic (release builds use panic=abort).

use std::io::{BufRead, Read, Write};

const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path of the request target, without the query string.
    pub path: String,
    pub http10: bool,
    /// Header names as sent; look them up with [`Request::header`].
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// First value of a header, name matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn keep_alive(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        let has = |token: &str| conn.split(',').any(|t| t.trim() == token);
        if self.http10 {
            has("keep-alive")
        } else {
            !has("close")
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The peer went away or idled out: close without answering.
    Closed,
    /// Malformed request: answer with this status, then close.
    Bad(u16, &'static str),
}

/// Reads one request. `w` is only used for the interim `100 Continue`.
pub fn read_request<R: BufRead, W: Write>(r: &mut R, w: &mut W) -> Result<Request, ReadError> {
    let mut budget = MAX_HEAD_BYTES;
    // RFC 9112 §2.2: empty lines before a request line are ignored.
    let line = loop {
        match read_line(r, &mut budget)? {
            None => return Err(ReadError::Closed),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let (method, path, http10) = parse_request_line(&line)?;

    let mut headers = Vec::new();
    loop {
        let Some(l) = read_line(r, &mut budget)? else {
            return Err(ReadError::Closed);
        };
        if l.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(ReadError::Bad(431, "Too many header fields"));
        }
        headers.push(parse_header(&l)?);
    }
    let mut req = Request {
        method,
        path,
        http10,
        headers,
        body: Vec::new(),
    };

    if req.header("transfer-encoding").is_some() {
        return Err(ReadError::Bad(
            501,
            "Transfer-Encoding request bodies are not supported",
        ));
    }
    let len = content_length(&req)?;
    if len > MAX_BODY_BYTES {
        return Err(ReadError::Bad(413, "Request body too large"));
    }
    if len > 0 {
        let expects = req
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
        if expects && !req.http10 {
            // curl waits a second for this before sending bodies over 1 KiB.
            w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .map_err(|_| ReadError::Closed)?;
            w.flush().map_err(|_| ReadError::Closed)?;
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).map_err(|_| ReadError::Closed)?;
        req.body = body;
    }
    Ok(req)
}

/// One line without its CR LF; `None` at a clean end of stream.
fn read_line<R: BufRead>(r: &mut R, budget: &mut usize) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let limit = (*budget as u64).saturating_add(1);
    let n = r
        .by_ref()
        .take(limit)
        .read_until(b'\n', &mut buf)
        .map_err(|_| ReadError::Closed)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(ReadError::Bad(431, "Request header too large"));
    }
    *budget -= n;
    if buf.last() != Some(&b'\n') {
        return Err(ReadError::Closed); // stream ended mid-line
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn parse_request_line(line: &str) -> Result<(String, String, bool), ReadError> {
    let bad = ReadError::Bad(400, "Malformed request line");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad);
    };
    if !is_token(method) {
        return Err(bad);
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        v if v.starts_with("HTTP/") => {
            return Err(ReadError::Bad(505, "HTTP version not supported"))
        }
        _ => return Err(bad),
    };
    let target = if target.starts_with('/') || target == "*" {
        target
    } else if let Some(after) = strip_scheme(target) {
        // absolute-form (proxies): keep only the path.
        after.find('/').map_or("/", |i| &after[i..])
    } else {
        return Err(bad);
    };
    let path = target.split(['?', '#']).next().unwrap_or("/");
    Ok((method.to_string(), path.to_string(), http10))
}

fn strip_scheme(target: &str) -> Option<&str> {
    ["http://", "https://"].iter().find_map(|s| {
        let head = target.get(..s.len())?;
        head.eq_ignore_ascii_case(s).then(|| &target[s.len()..])
    })
}

fn parse_header(line: &str) -> Result<(String, String), ReadError> {
    let bad = ReadError::Bad(400, "Malformed header field");
    if line.starts_with([' ', '\t']) {
        return Err(bad); // obsolete line folding (RFC 9112 §5.2)
    }
    let (name, value) = line.split_once(':').ok_or(bad)?;
    if !is_token(name) {
        return Err(ReadError::Bad(400, "Malformed header field"));
    }
    Ok((
        name.to_string(),
        value.trim_matches([' ', '\t']).to_string(),
    ))
}

fn content_length(req: &Request) -> Result<usize, ReadError> {
    let bad = ReadError::Bad(400, "Invalid Content-Length");
    let mut len = None;
    for (_, v) in req
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        for part in v.split(',') {
            let part = part.trim();
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad);
            }
            // Too many digits to fit is simply "too large".
            let n = part.parse::<usize>().unwrap_or(usize::MAX);
            if len.is_some_and(|l| l != n) {
                return Err(bad);
            }
            len = Some(n);
        }
    }
    Ok(len.unwrap_or(0))
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub const JSON: &str = "application/json; charset=utf-8";
pub const PROBLEM_JSON: &str = "application/problem+json; charset=utf-8";

impl Response {
    pub fn empty(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::with_body(status, JSON, value.to_string())
    }

    pub fn problem(status: u16, value: &serde_json::Value) -> Self {
        Self::with_body(status, PROBLEM_JSON, value.to_string())
    }

    pub fn text(status: u16, text: &str) -> Self {
        Self::with_body(status, "text/plain; charset=utf-8", text)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets a header, replacing any value of the same name.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.set_header(name, value);
        self
    }
}

/// How to put a response on the wire.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteMode {
    pub head_only: bool,
    pub close: bool,
    /// Send only this many body bytes while still announcing the full
    /// Content-Length (the `truncate` fault).
    pub cut_at: Option<usize>,
}

pub fn write_response<W: Write>(
    w: &mut W,
    resp: &Response,
    mode: WriteMode,
) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(256 + resp.body.len());
    out.extend_from_slice(
        format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status)).as_bytes(),
    );
    for (k, v) in &resp.headers {
        let framing = ["content-length", "transfer-encoding", "connection"];
        if framing.iter().any(|f| k.eq_ignore_ascii_case(f)) {
            continue; // framing is ours alone, whatever a fault asked for
        }
        // Header values come from fault definitions: keep CR/LF out.
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    // RFC 9110 §8.6: no Content-Length on 1xx and 204.
    let bodyless = resp.status < 200 || resp.status == 204 || resp.status == 304;
    if !bodyless {
        out.extend_from_slice(format!("Content-Length: {}\r\n", resp.body.len()).as_bytes());
    }
    if mode.close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !bodyless && !mode.head_only {
        let n = mode.cut_at.unwrap_or(resp.body.len()).min(resp.body.len());
        out.extend_from_slice(&resp.body[..n]);
    }
    w.write_all(&out)?;
    w.flush()
}

pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn parse(raw: &str) -> Result<Request, ReadError> {
        read_request(&mut Cursor::new(raw.as_bytes().to_vec()), &mut Vec::new())
    }

    #[test]
    fn parses_a_post_with_body() {
        let r = parse("POST /a/b?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}").unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/a/b"));
        assert_eq!(r.body, b"{}");
        assert!(r.keep_alive());
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for raw in [
            "GARBAGE\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET / HTTP/1.1\r\n folded\r\n\r\n",
            "G\u{e9}T / HTTP/1.1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        ] {
            assert!(matches!(parse(raw), Err(ReadError::Bad(..))), "{raw:?}");
        }
        assert_eq!(parse("").unwrap_err(), ReadError::Closed);
        assert_eq!(
            parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab").unwrap_err(),
            ReadError::Closed
        );
    }

    #[test]
    fn connection_semantics() {
        assert!(!parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n")
            .unwrap()
            .keep_alive());
        assert!(!parse("GET / HTTP/1.0\r\n\r\n").unwrap().keep_alive());
        assert!(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .unwrap()
            .keep_alive());
    }

    #[test]
    fn truncation_announces_full_length() {
        let mut out = Vec::new();
        let resp = Response::text(200, "0123456789");
        write_response(
            &mut out,
            &resp,
            WriteMode {
                cut_at: Some(4),
                close: true,
                ..Default::default()
            },
        )
        .unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("Content-Length: 10\r\n"));
        assert!(s.ends_with("\r\n\r\n0123"));
    }
}
