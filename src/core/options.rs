//! `AuthOptions`: validation with messages that name the option, and defaults.

use serde::Deserialize;

use super::backend::Backend;
use super::error::AuthError;
use super::field::{Field, Members};

mod base_url;
pub use base_url::check_base_url;

/// The validated options of one client.
#[derive(Clone, PartialEq, Debug)]
pub struct Config {
    /// Without a trailing slash, so paths append cleanly.
    pub base_url: String,
    pub backend: Backend,
    /// `false` for `storage: "memory"`.
    pub session_storage: bool,
    pub storage_key: String,
    pub auto_refresh: bool,
    pub refresh_margin_ms: i64,
    pub timeout_ms: i64,
    pub headers: Vec<(String, String)>,
    pub developer_id: Option<String>,
    pub server_time_zone: String,
    /// `idleLock`: lock after this long without input; 0 is off.
    pub idle_lock_ms: i64,
    /// `unlockAttempts`: wrong passwords in a row that end the session.
    pub unlock_attempts: u32,
}

impl Config {
    /// The headers every call to the back end carries besides its own: the
    /// `headers` option, then CashDesk's `developer-id`.
    pub fn extra_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let developer = self.developer_id.as_deref().map(|id| ("developer-id", id));
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(developer)
    }

    /// `base_url` split into its origin and its path (no trailing slash);
    /// the URL is already the browser's normalised form.
    pub fn base_origin_and_path(&self) -> (&str, &str) {
        base_url::origin_and_path(&self.base_url)
    }
}

/// CashDesk's zone when the option is absent (docs/API.md).
pub const DEFAULT_SERVER_TIME_ZONE: &str = "Europe/Kyiv";

const KNOWN: [&str; 13] = [
    "baseUrl",
    "backend",
    "storage",
    "storageKey",
    "autoRefresh",
    "refreshMargin",
    "timeout",
    "headers",
    "developerId",
    "serverTimeZone",
    "allowInsecureHttp",
    "idleLock",
    "unlockAttempts",
];

/// The longest wait a browser timer takes (2^31 − 1 ms).
pub const MAX_TIMER_MS: i64 = 2_147_483_647;

/// The options object as the module reads it.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    /// The object's own member names, to refuse unknown ones.
    #[serde(skip)]
    pub names: Vec<String>,
    /// `storage` is a StorageLike (the web layer keeps the object itself).
    #[serde(skip)]
    pub storage_like: bool,
    pub base_url: Field<String>,
    pub backend: Field<String>,
    pub storage: Field<String>,
    pub storage_key: Field<String>,
    pub auto_refresh: Field<bool>,
    pub refresh_margin: Field<f64>,
    pub timeout: Field<f64>,
    pub headers: Field<Members<String>>,
    pub developer_id: Field<String>,
    pub server_time_zone: Field<String>,
    pub allow_insecure_http: Field<bool>,
    pub idle_lock: Field<f64>,
    pub unlock_attempts: Field<f64>,
}

impl super::field::Named for Options {
    fn set_names(&mut self, names: Vec<String>) {
        self.names = names;
    }
}

/// Validates the options object (`None` when it is not an object).
/// `base_url` must already be the href the browser's URL parser produced
/// (the web layer parses it).
pub fn parse(options: Option<&Options>) -> Result<Config, AuthError> {
    let Some(o) = options else {
        return Err(AuthError::invalid(
            "options must be an object such as { baseUrl: \"https://pos.example\" }",
        ));
    };
    if let Some(k) = o.names.iter().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(AuthError::invalid(["unknown option \"", k, "\""].concat()));
    }
    let string = |k: &str, v: &Field<String>| -> Result<Option<String>, AuthError> {
        match v {
            Field::Absent => Ok(None),
            Field::Given(s) if !s.is_empty() => Ok(Some(s.clone())),
            _ => Err(AuthError::invalid(
                [k, " must be a non-empty string"].concat(),
            )),
        }
    };
    let boolean = |k: &str, v: &Field<bool>, default: bool| match v {
        Field::Absent => Ok(default),
        Field::Given(b) => Ok(*b),
        Field::Mistyped => Err(AuthError::invalid([k, " must be true or false"].concat())),
    };
    let number =
        |k: &str, v: &Field<f64>, default: f64, min_exclusive: bool| -> Result<f64, AuthError> {
            match *v {
                Field::Absent => Ok(default),
                Field::Given(n) if n.is_finite() && (n > 0.0 || (n == 0.0 && !min_exclusive)) => {
                    Ok(n)
                }
                _ => Err(AuthError::invalid(
                    [
                        k,
                        " must be a finite number ",
                        if min_exclusive { "> 0" } else { ">= 0" },
                    ]
                    .concat(),
                )),
            }
        };

    let allow_insecure = boolean("allowInsecureHttp", &o.allow_insecure_http, false)?;
    let base_url =
        string("baseUrl", &o.base_url)?.ok_or_else(|| AuthError::invalid("baseUrl is required"))?;
    let base_url = check_base_url(&base_url, allow_insecure)?;
    let backend = match string("backend", &o.backend)? {
        None => Backend::Portos,
        Some(b) => Backend::parse(&b).ok_or_else(|| {
            AuthError::invalid("backend must be \"portos\", \"cashdesk\" or \"metadefender\"")
        })?,
    };
    let bad_storage = || {
        AuthError::invalid("storage must be \"session\", \"memory\" or an object with getItem, setItem and removeItem")
    };
    let session_storage = match (o.storage_like, &o.storage) {
        (true, _) => true,
        (false, Field::Mistyped) => return Err(bad_storage()),
        (false, given) => match string("storage", given)?.as_deref() {
            None | Some("session") => true,
            Some("memory") => false,
            Some(_) => return Err(bad_storage()),
        },
    };
    Ok(Config {
        base_url,
        backend,
        session_storage,
        storage_key: string("storageKey", &o.storage_key)?.unwrap_or_else(|| "pos-auth".to_owned()),
        auto_refresh: boolean("autoRefresh", &o.auto_refresh, true)?,
        refresh_margin_ms: (number("refreshMargin", &o.refresh_margin, 60.0, false)? * 1000.0)
            .min(1e15) as i64,
        timeout_ms: (number("timeout", &o.timeout, 10_000.0, true)?.ceil() as i64)
            .min(MAX_TIMER_MS),
        headers: headers(&o.headers)?,
        developer_id: string("developerId", &o.developer_id)?,
        server_time_zone: string("serverTimeZone", &o.server_time_zone)?
            .unwrap_or_else(|| DEFAULT_SERVER_TIME_ZONE.to_owned()),
        // Rounded up: any idleLock above 0 locks, however short.
        idle_lock_ms: (number("idleLock", &o.idle_lock, 0.0, false)? * 1000.0)
            .ceil()
            .min(1e15) as i64,
        unlock_attempts: match o.unlock_attempts {
            Field::Absent => 5,
            Field::Given(n) if n >= 1.0 && n.fract() == 0.0 => n.min(u32::MAX.into()) as u32,
            _ => return Err(AuthError::invalid("unlockAttempts must be an integer >= 1")),
        },
    })
}

fn headers(value: &Field<Members<String>>) -> Result<Vec<(String, String)>, AuthError> {
    let members = match value {
        Field::Absent => return Ok(Vec::new()),
        Field::Given(Members(m)) => m,
        Field::Mistyped => {
            return Err(AuthError::invalid(
                "headers must be an object of header names to strings",
            ))
        }
    };
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    members
        .iter()
        .map(|(name, v)| {
            let Field::Given(value) = v else {
                return Err(AuthError::invalid(
                    ["headers[\"", name, "\"] must be a string"].concat(),
                ));
            };
            if !token(name) {
                return Err(AuthError::invalid(
                    ["headers: \"", name, "\" is not a valid header name"].concat(),
                ));
            }
            if name.eq_ignore_ascii_case("authorization") {
                return Err(AuthError::invalid(
                    "headers must not set Authorization: the client sets it",
                ));
            }
            if value.contains(['\r', '\n', '\0']) {
                return Err(AuthError::invalid(
                    ["headers[\"", name, "\"] must not contain CR, LF or NUL"].concat(),
                ));
            }
            // Header values are byte strings: the browser refuses anything past Latin-1.
            if value.chars().any(|c| c as u32 > 0xff) {
                return Err(AuthError::invalid(
                    ["headers[\"", name, "\"] must be Latin-1 text"].concat(),
                ));
            }
            Ok((name.clone(), value.clone()))
        })
        .collect()
}

/// `accessToken({ minValidity })` as the module reads it.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct TokenOptions {
    #[serde(skip)]
    pub names: Vec<String>,
    pub min_validity: Field<f64>,
}

impl super::field::Named for TokenOptions {
    fn set_names(&mut self, names: Vec<String>) {
        self.names = names;
    }
}

/// How long (ms) the token must still be valid; `None`: the refresh margin,
/// as `fetch` uses. `options` is `None` when the argument was not an object.
pub fn min_validity_ms(options: Option<&TokenOptions>) -> Result<Option<i64>, AuthError> {
    let o = options.ok_or_else(|| {
        AuthError::invalid("accessToken options must be an object such as { minValidity: 30 }")
    })?;
    if let Some(k) = o.names.iter().find(|k| k.as_str() != "minValidity") {
        return Err(AuthError::invalid(
            ["unknown accessToken option \"", k, "\""].concat(),
        ));
    }
    match o.min_validity {
        Field::Absent => Ok(None),
        Field::Given(s) if s.is_finite() && s >= 0.0 => Ok(Some((s * 1000.0).min(1e15) as i64)),
        _ => Err(AuthError::invalid(
            "minValidity must be a finite number >= 0 (seconds)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<Options> {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let names = v.as_object()?.keys().cloned().collect();
        Some(Options {
            names,
            ..Options::deserialize(&v).unwrap()
        })
    }

    fn opts(text: &str) -> Result<Config, AuthError> {
        parse(read(text).as_ref())
    }

    #[test]
    fn defaults() {
        let c = opts(r#"{"baseUrl":"https://pos.example/api/"}"#).unwrap();
        assert_eq!(c.base_url, "https://pos.example/api");
        assert_eq!(c.backend, Backend::Portos);
        assert!(c.session_storage && c.auto_refresh);
        assert_eq!((c.refresh_margin_ms, c.timeout_ms), (60_000, 10_000));
        assert_eq!(c.storage_key, "pos-auth");
        assert_eq!(c.server_time_zone, "Europe/Kyiv");
        assert_eq!((c.idle_lock_ms, c.unlock_attempts), (0, 5));
    }

    #[test]
    fn messages_name_the_option() {
        let cases = [
            (r#"{}"#, "baseUrl"),
            (r#"{"baseUrl":"https://a","bogus":1}"#, "bogus"),
            (r#"{"baseUrl":"https://a","timeout":0}"#, "timeout"),
            (r#"{"baseUrl":"https://a","timeout":"5"}"#, "timeout"),
            (
                r#"{"baseUrl":"https://a","refreshMargin":-1}"#,
                "refreshMargin",
            ),
            (r#"{"baseUrl":"https://a","backend":"sap"}"#, "backend"),
            (r#"{"baseUrl":"https://a","storage":"local"}"#, "storage"),
            (r#"{"baseUrl":"https://a","autoRefresh":1}"#, "autoRefresh"),
            (
                r#"{"baseUrl":"https://a","headers":{"Authorization":"x"}}"#,
                "Authorization",
            ),
            (
                r#"{"baseUrl":"https://a","headers":{"X-A":"1\r\nX-B: 2"}}"#,
                "X-A",
            ),
            (r#"{"baseUrl":"https://a","headers":{"X-A":1}}"#, "X-A"),
            (r#"{"baseUrl":"http://pos.example"}"#, "baseUrl"),
            (r#"{"baseUrl":"ftp://pos.example"}"#, "baseUrl"),
            (r#"{"baseUrl":"https://u:p@pos.example"}"#, "baseUrl"),
            (r#"{"baseUrl":"https://pos.example/?a=1"}"#, "baseUrl"),
            (r#"{"baseUrl":"https://a","idleLock":-1}"#, "idleLock"),
            (r#"{"baseUrl":"https://a","idleLock":"60"}"#, "idleLock"),
            (r#"{"baseUrl":"https://a","idleLock":null}"#, "idleLock"),
            (
                r#"{"baseUrl":"https://a","unlockAttempts":0}"#,
                "unlockAttempts",
            ),
            (
                r#"{"baseUrl":"https://a","unlockAttempts":2.5}"#,
                "unlockAttempts",
            ),
            (
                r#"{"baseUrl":"https://a","unlockAttempts":-3}"#,
                "unlockAttempts",
            ),
            (
                r#"{"baseUrl":"https://a","unlockAttempts":"5"}"#,
                "unlockAttempts",
            ),
            (
                r#"{"baseUrl":"https://a","unlockAttempts":true}"#,
                "unlockAttempts",
            ),
        ];
        for (text, name) in cases {
            let e = opts(text).unwrap_err();
            assert!(e.message.contains(name), "{text} -> {}", e.message);
        }
        assert!(opts("null").is_err() && opts("[]").is_err());
    }

    #[test]
    fn idle_lock_is_seconds_and_unlock_attempts_a_whole_number() {
        let till = |idle: &str, attempts: &str| {
            let text = [
                r#"{"baseUrl":"https://a","idleLock":"#,
                idle,
                r#","unlockAttempts":"#,
                attempts,
                "}",
            ]
            .concat();
            opts(&text).map(|c| (c.idle_lock_ms, c.unlock_attempts))
        };
        assert_eq!(till("0", "1"), Ok((0, 1)));
        assert_eq!(till("300", "5.0"), Ok((300_000, 5)));
        // However short, an idleLock above 0 is on.
        assert_eq!(till("0.0001", "3"), Ok((1, 3)));
        assert_eq!(
            till("1e300", "1e300"),
            Ok((1_000_000_000_000_000, u32::MAX))
        );
        assert!(till("5", "0.999").is_err());
        let mut o = read(r#"{"baseUrl":"https://a"}"#).unwrap();
        o.idle_lock = Field::Given(f64::INFINITY);
        assert!(parse(Some(&o)).unwrap_err().message.contains("idleLock"));
        (o.idle_lock, o.unlock_attempts) = (Field::Absent, Field::Given(f64::INFINITY));
        assert!(parse(Some(&o)).is_err());
    }

    #[test]
    fn extra_headers_and_base_parts() {
        let c = opts(r#"{"baseUrl":"https://pos.example:8443/t/x/portos/","headers":{"Accept-Language":"sk"},"developerId":"42"}"#).unwrap();
        assert_eq!(
            c.extra_headers().collect::<Vec<_>>(),
            [("Accept-Language", "sk"), ("developer-id", "42")]
        );
        assert_eq!(
            c.base_origin_and_path(),
            ("https://pos.example:8443", "/t/x/portos")
        );
        let root = opts(r#"{"baseUrl":"http://[::1]:3000"}"#).unwrap();
        assert_eq!(root.base_origin_and_path(), ("http://[::1]:3000", ""));
    }

    #[test]
    fn min_validity_is_seconds_finite_and_not_negative() {
        let with = |v: Field<f64>, names: &[&str]| TokenOptions {
            names: names.iter().map(|n| n.to_string()).collect(),
            min_validity: v,
        };
        assert_eq!(
            min_validity_ms(Some(&TokenOptions::default())).unwrap(),
            None
        );
        assert_eq!(
            min_validity_ms(Some(&with(Field::Given(30.5), &["minValidity"]))).unwrap(),
            Some(30_500)
        );
        assert_eq!(
            min_validity_ms(Some(&with(Field::Given(0.0), &["minValidity"]))).unwrap(),
            Some(0)
        );
        for bad in [
            Field::Given(-1.0),
            Field::Given(f64::NAN),
            Field::Given(f64::INFINITY),
            Field::Mistyped,
        ] {
            let e = min_validity_ms(Some(&with(bad, &["minValidity"]))).unwrap_err();
            assert!(e.message.contains("minValidity"), "{}", e.message);
        }
        assert!(min_validity_ms(Some(&with(Field::Absent, &["minValidty"])))
            .unwrap_err()
            .message
            .contains("minValidty"));
        assert!(min_validity_ms(None).is_err());
    }
}
