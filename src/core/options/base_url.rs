//! The `baseUrl` option's rules: where a client may send passwords and tokens.

use crate::core::error::AuthError;

/// `https:`, or `http:` on a loopback host, unless insecure HTTP is allowed;
/// no credentials, query or fragment. Returns it without a trailing slash.
pub fn check_base_url(href: &str, allow_insecure: bool) -> Result<String, AuthError> {
    let bad = |why: &str| Err(AuthError::invalid(["baseUrl ", why].concat()));
    let parts = href
        .find("://")
        .and_then(|i| Some((href.get(..i)?, href.get(i + 3..)?)));
    let (scheme, rest) = match parts {
        Some((s, r)) if s.eq_ignore_ascii_case("https") || s.eq_ignore_ascii_case("http") => (s, r),
        _ => return bad("must be an absolute http: or https: URL"),
    };
    if href.contains(['?', '#']) {
        return bad("must not have a query or fragment");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return bad("must not contain credentials");
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6
            .split(']')
            .next()
            .map(|h| ["[", h, "]"].concat())
            .unwrap_or_default(),
        None => authority
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase(),
    };
    if host.is_empty() {
        return bad("must name a host");
    }
    if scheme.eq_ignore_ascii_case("http") && !allow_insecure && !is_loopback(&host) {
        return bad("must use https: (http: is allowed on localhost, 127.0.0.0/8 and [::1]; set allowInsecureHttp: true to permit it elsewhere)");
    }
    Ok(href.trim_end_matches('/').to_owned())
}

/// A normalised URL split into its origin and its path.
pub fn origin_and_path(url: &str) -> (&str, &str) {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let path_start = url
        .get(authority_start..)
        .and_then(|rest| rest.find('/'))
        .map(|i| authority_start + i);
    match path_start.and_then(|i| Some((url.get(..i)?, url.get(i..)?))) {
        Some(split) => split,
        None => (url, ""),
    }
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4 && octets[0] == "127" && octets.iter().all(|o| o.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_http_is_fine_and_insecure_needs_consent() {
        for ok in [
            "http://localhost:8080",
            "http://127.0.0.1/x",
            "http://127.9.9.9",
            "http://[::1]:3000/",
        ] {
            assert!(check_base_url(ok, false).is_ok(), "{ok}");
        }
        assert!(check_base_url("http://127.0.0.1.example.com", false).is_err());
        assert!(check_base_url("http://10.0.0.5", false).is_err());
        assert!(check_base_url("http://10.0.0.5", true).is_ok());
    }
}
