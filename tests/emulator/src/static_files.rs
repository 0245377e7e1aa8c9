//! `--www` at `/` and `--pkg` at `/pkg/`, so the demo is one process.

use std::path::{Path, PathBuf};

use crate::http::{Request, Response};
use crate::state::Shared;

const HELP: &str = "pos-emulator: PORTOS, CashDesk and MetaDefender auth back ends.\n\
Back ends: [/t/{tenant}]/portos/api/auth, /cashdesk/api/v2/authenticate, /metadefender/api/user/authenticate\n\
Control:   [/t/{tenant}]/__emulator/{config,fault,counts,requests,revoke,reset,now}\n\
Start with --www DIR (and --pkg DIR) to serve a front end here.\n\
A page named *.isolated.html is served cross-origin isolated (COOP + COEP).\n";

pub fn serve(shared: &Shared, req: &Request, path: &str) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return Response::text(405, "Method not allowed\n").with_header("Allow", "GET, HEAD");
    }
    let (root, rel) = match path.strip_prefix("/pkg/") {
        Some(rel) => (shared.pkg.as_deref(), rel),
        None => (shared.www.as_deref(), path.trim_start_matches('/')),
    };
    let Some(root) = root else {
        return if path == "/" {
            Response::text(200, HELP)
        } else {
            not_found()
        };
    };
    resolve(root, rel)
        .and_then(|file| std::fs::read(&file).ok().map(|bytes| (file, bytes)))
        .map_or_else(not_found, |(file, bytes)| {
            let response = Response::with_body(200, mime(&file), bytes);
            if is_isolated_page(&file) {
                // For the benchmark: performance.now() at 5 µs, not 100 µs.
                response
                    .with_header("Cross-Origin-Opener-Policy", "same-origin")
                    .with_header("Cross-Origin-Embedder-Policy", "require-corp")
            } else {
                response
            }
        })
}

fn is_isolated_page(file: &Path) -> bool {
    file.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".isolated.html"))
}

fn not_found() -> Response {
    Response::text(404, "Not found\n")
}

/// The file under `root` a URL path names, or `None` if it would leave it.
fn resolve(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel = percent_decode(rel)?;
    let mut file = root.to_path_buf();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['\\', '\0']) => return None,
            s => file.push(s),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    // Symlinks could still point outside: compare canonical paths.
    let file = file.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (file.starts_with(&root) && file.is_file()).then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime(file: &Path) -> &'static str {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let ext = name.rsplit('.').next().unwrap_or("");
    match ext {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" | "ts" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_and_types() {
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%2e%2e").as_deref(), Some(".."));
        assert!(percent_decode("%zz").is_none() && percent_decode("%4").is_none());
        assert_eq!(
            mime(Path::new("x/pos_auth.d.ts")),
            "text/plain; charset=utf-8"
        );
        assert_eq!(mime(Path::new("pos_auth_bg.wasm")), "application/wasm");
        assert_eq!(mime(Path::new("a.MJS")), "text/javascript; charset=utf-8");
    }

    #[test]
    fn only_isolated_pages_are_isolated() {
        assert!(is_isolated_page(Path::new("www/overhead.isolated.html")));
        assert!(!is_isolated_page(Path::new("www/index.html")));
        assert!(!is_isolated_page(Path::new("www/isolated.html/x.js")));
    }
}
