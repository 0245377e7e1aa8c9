//! pos-emulator: the PORTOS, CashDesk and MetaDefender auth back ends on one
//! loopback port, for pos-auth's demo and tests. A plain thread-per-connection
//! HTTP/1.1 server on `std::net` keeps the build small. See README.md.

mod cashdesk;
mod clock;
mod control;
mod cors;
mod faults;
mod http;
mod jwt;
mod metadefender;
mod portos;
mod router;
mod state;
mod static_files;
mod tokens;
mod util;

use std::io::{BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use http::{ReadError, Response, WriteMode};
use router::Outcome;
use state::{Shared, TenantConfig};

/// Browsers keep idle connections for a while; close ours after this.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub host: String,
    /// 0 = an ephemeral port.
    pub port: u16,
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
    /// Seconds (fractions allowed), the defaults of every new tenant.
    pub token_lifetime: f64,
    pub refresh_lifetime: f64,
    pub clock_offset: f64,
    /// One stderr line per request.
    pub verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 0,
            www: None,
            pkg: None,
            token_lifetime: 300.0,
            refresh_lifetime: 3600.0,
            clock_offset: 0.0,
            verbose: false,
        }
    }
}

pub const USAGE: &str = "usage: pos-emulator [--port N] [--host 127.0.0.1] [--www DIR] [--pkg DIR]\n\
\x20                   [--token-lifetime SECS] [--refresh-lifetime SECS] [--clock-offset SECS] [--verbose]";

impl Config {
    /// Parses the command line (without the program name); `Ok(None)` for `--help`.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Option<Config>, String> {
        let mut c = Config::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            match flag.as_str() {
                "-h" | "--help" => return Ok(None),
                "-v" | "--verbose" => {
                    c.verbose = true;
                    continue;
                }
                _ => {}
            }
            let value = match inline.or_else(|| args.next()) {
                Some(v) => v,
                None => return Err(format!("{flag} needs a value")),
            };
            let secs = |positive: bool| -> Result<f64, String> {
                match value.parse::<f64>() {
                    Ok(s) if s.is_finite() && (!positive || s > 0.0) && s.abs() < 3.0e9 => Ok(s),
                    _ => Err(format!("{flag}: bad number of seconds {value:?}")),
                }
            };
            match flag.as_str() {
                "--port" => {
                    c.port = value
                        .parse()
                        .map_err(|_| format!("--port: bad port {value:?}"))?
                }
                "--host" => c.host = value,
                "--www" => c.www = Some(value.into()),
                "--pkg" => c.pkg = Some(value.into()),
                "--token-lifetime" => c.token_lifetime = secs(true)?,
                "--refresh-lifetime" => c.refresh_lifetime = secs(true)?,
                "--clock-offset" => c.clock_offset = secs(false)?,
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        Ok(Some(c))
    }
}

/// A running server.
pub struct Handle {
    /// Where it listens (the real port when `port` was 0).
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Handle {
    /// `http://127.0.0.1:PORT` (a wildcard bind is reported as 127.0.0.1).
    pub fn url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            self.addr.ip()
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Blocks for as long as the server runs.
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops accepting connections (open ones finish their current request).
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept().
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Binds and starts serving on a background thread.
pub fn start(config: Config) -> std::io::Result<Handle> {
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, m.to_string());
    let positive = |s: f64| s.is_finite() && s > 0.0;
    if !positive(config.token_lifetime) || !positive(config.refresh_lifetime) {
        return Err(invalid("lifetimes must be positive numbers of seconds"));
    }
    if !config.clock_offset.is_finite() {
        return Err(invalid("clock offset must be a finite number of seconds"));
    }
    let listener = TcpListener::bind((config.host.as_str(), config.port))?;
    let addr = listener.local_addr()?;
    let defaults = TenantConfig {
        token_lifetime: config.token_lifetime,
        refresh_lifetime: config.refresh_lifetime,
        clock_offset: config.clock_offset,
        jwt: true,
    };
    let shared = Arc::new(Shared::new(
        defaults,
        config.www,
        config.pkg,
        config.verbose,
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let stop_flag = stop.clone();
    let thread = thread::Builder::new()
        .name("pos-emulator-accept".into())
        .spawn(move || accept_loop(&listener, &shared, &stop_flag))?;
    Ok(Handle {
        addr,
        stop,
        thread: Some(thread),
    })
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, stop: &AtomicBool) {
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        match conn {
            Ok(stream) => {
                let shared = shared.clone();
                // If no thread can be made the connection is simply dropped.
                let _ = thread::Builder::new()
                    .name("pos-emulator-conn".into())
                    .spawn(move || serve_connection(stream, &shared));
            }
            // E.g. out of file descriptors: back off instead of spinning.
            Err(_) => thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    let conn_id = util::connection_id();
    let mut seq: u32 = 0;
    loop {
        let req = match http::read_request(&mut reader, &mut writer) {
            Ok(req) => req,
            Err(ReadError::Closed) => break,
            Err(ReadError::Bad(status, message)) => {
                let resp = router::bare(shared, Response::text(status, &format!("{message}\n")));
                let _ = http::write_response(
                    &mut writer,
                    &resp,
                    WriteMode {
                        close: true,
                        ..Default::default()
                    },
                );
                if shared.verbose {
                    eprintln!("- (malformed request) {status}");
                }
                break;
            }
        };
        seq = seq.wrapping_add(1);
        let trace = format!("{conn_id}:{seq:08X}");
        let keep_alive = req.keep_alive();
        let outcome = catch_unwind(AssertUnwindSafe(|| router::route(shared, &req, &trace)))
            .unwrap_or_else(|_| {
                // Only reachable in unwinding builds; release builds abort on panic.
                Outcome::Reply(router::bare(
                    shared,
                    Response::text(500, "Internal error\n"),
                ))
            });
        let head_only = req.method == "HEAD";
        let (status, result, close) = match &outcome {
            Outcome::Reply(r) => {
                let mode = WriteMode {
                    head_only,
                    close: !keep_alive,
                    cut_at: None,
                };
                (
                    r.status.to_string(),
                    http::write_response(&mut writer, r, mode),
                    !keep_alive,
                )
            }
            Outcome::Truncate(r, cut) => {
                let mode = WriteMode {
                    head_only,
                    close: true,
                    cut_at: Some(*cut),
                };
                (
                    format!("{} (truncated)", r.status),
                    http::write_response(&mut writer, r, mode),
                    true,
                )
            }
            Outcome::Drop => ("dropped".to_string(), Ok(()), true),
        };
        if shared.verbose {
            eprintln!("{} {} {status}", req.method, req.path);
        }
        if close || result.is_err() {
            break;
        }
    }
    let _ = writer.flush();
    let _ = writer.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::Config;

    fn parse(args: &[&str]) -> Result<Option<Config>, String> {
        Config::from_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn command_line() {
        let c = parse(&[
            "--port",
            "8080",
            "--www=www",
            "--pkg",
            "pkg",
            "--token-lifetime",
            "2.5",
            "--clock-offset",
            "-600",
            "-v",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (c.port, c.token_lifetime, c.clock_offset, c.verbose),
            (8080, 2.5, -600.0, true)
        );
        assert_eq!(c.www.as_deref(), Some(std::path::Path::new("www")));
        assert_eq!(parse(&[]).unwrap(), Some(Config::default()));
        assert_eq!(parse(&["--help"]).unwrap(), None);
        for bad in [
            &["--port"][..],
            &["--port", "70000"],
            &["--token-lifetime", "0"],
            &["--clock-offset", "NaN"],
            &["--nope", "1"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
