//! The policy: one set of settings that means the same thing in every front end.
//!
//! A team writes its policy once — its own rule packs, the built-in rules it switches on or off, the
//! replacement style, the JSON mode, the hash key — and expects a pipe on a laptop and the Lambda in
//! front of every log group to scrub alike. So the settings have one name each ([`VARIABLES`], all
//! `LOGSCRUB_*`), one reading of their values ([`Policy::from_lookup`]; the CLI's flags are the same
//! settings under other names and end in the same [`Policy`]), and one way to a compiled engine
//! ([`Policy::scrubber`]): the built-in pack, then each user pack in order (rules, retunings and
//! `[[allow]]` entries), then the options.
//!
//! Errors name the variable or the pack's file and line, never a value: a hash key or a pack line
//! could be a secret.
//!
//! ```
//! use logscrub::policy::Policy;
//!
//! let policy = Policy::from_lookup(|name| match name {
//!     "LOGSCRUB_STYLE" => Some("mask".to_string()),
//!     "LOGSCRUB_DISABLE" => Some("phone, ip".to_string()),
//!     _ => None,
//! })
//! .unwrap();
//! let scrubber = policy.scrubber().unwrap();
//! let mut out = Vec::new();
//! scrubber.scrub(b"to jane@example.com or +1 415 555 0132", &mut out);
//! assert_eq!(out, b"to ****@*******.*** or +1 415 555 0132");
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use crate::json::JsonMode;
use crate::pack::{Pack, Style};
use crate::scrubber::{BuildError, Options, Scrubber};

/// Every setting of the policy: the environment variable, and what it holds. Front ends read these
/// names and no others for these settings (the README's settings table lists them too).
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "LOGSCRUB_RULES",
        "rule packs merged on top of the built-in rules, in order (comma-separated paths)",
    ),
    (
        "LOGSCRUB_ENABLE",
        "rules to switch on, comma-separated (e.g. IP)",
    ),
    (
        "LOGSCRUB_DISABLE",
        "rules to switch off, comma-separated (e.g. PHONE,IP)",
    ),
    (
        "LOGSCRUB_STYLE",
        "replacement style for every rule: label, mask, last4 or hash",
    ),
    ("LOGSCRUB_JSON", "JSON lines: auto (default), on or off"),
    (
        "LOGSCRUB_HASH_KEY",
        "the hash style's secret key itself (at least 16 bytes)",
    ),
    (
        "LOGSCRUB_HASH_KEY_FILE",
        "a file holding the hash key (one trailing newline ignored); wins over LOGSCRUB_HASH_KEY",
    ),
];

/// What to scrub with: the settings, not yet compiled.
#[derive(Clone, Default)]
pub struct Policy {
    /// User packs, merged in order on top of the built-in pack.
    pub rules: Vec<PathBuf>,
    /// Rule ids switched on.
    pub enable: Vec<String>,
    /// Rule ids switched off.
    pub disable: Vec<String>,
    /// Replaces every rule's style.
    pub style: Option<Style>,
    /// How lines holding JSON are scrubbed.
    pub json: JsonMode,
    /// The `hash` style's key.
    pub hash_key: Option<Vec<u8>>,
}

/// `Debug` shows whether there is a hash key, never its bytes.
impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("rules", &self.rules)
            .field("enable", &self.enable)
            .field("disable", &self.disable)
            .field("style", &self.style)
            .field("json", &self.json)
            .field(
                "hash_key",
                &self.hash_key.as_ref().map(|_| "<set, not shown>"),
            )
            .finish()
    }
}

/// A setting that could not be read: which one, and why (never its value when it is a key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError(String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

/// A comma-separated list, items trimmed, empty items dropped.
fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Policy {
    /// Reads the process environment.
    pub fn from_env() -> Result<Policy, PolicyError> {
        Policy::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the [`VARIABLES`] through `get` (the environment, or a test's map). Empty values count
    /// as unset.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Policy, PolicyError> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let style = match var("LOGSCRUB_STYLE") {
            None => None,
            Some(s) => Some(Style::parse(s.trim()).ok_or_else(|| {
                PolicyError(format!(
                    "LOGSCRUB_STYLE={s:?} is not one of label, mask, last4, hash"
                ))
            })?),
        };
        let json = match var("LOGSCRUB_JSON") {
            None => JsonMode::default(),
            Some(m) => JsonMode::parse(m.trim()).ok_or_else(|| {
                PolicyError(format!("LOGSCRUB_JSON={m:?} is not one of auto, on, off"))
            })?,
        };
        let hash_key = match var("LOGSCRUB_HASH_KEY_FILE") {
            Some(path) => Some(read_hash_key(Path::new(path.trim()))?),
            // The key's bytes as they are: never trimmed, never printed.
            None => var("LOGSCRUB_HASH_KEY").map(String::into_bytes),
        };
        Ok(Policy {
            rules: var("LOGSCRUB_RULES")
                .map(|v| list(&v).into_iter().map(PathBuf::from).collect())
                .unwrap_or_default(),
            enable: var("LOGSCRUB_ENABLE").map(|v| list(&v)).unwrap_or_default(),
            disable: var("LOGSCRUB_DISABLE")
                .map(|v| list(&v))
                .unwrap_or_default(),
            style,
            json,
            hash_key,
        })
    }

    /// The built-in pack with every user pack merged on top, in order.
    pub fn pack(&self) -> Result<Pack, BuildError> {
        let mut pack = Pack::builtin()?;
        for file in &self.rules {
            pack.merge_file(file)?;
        }
        Ok(pack)
    }

    /// The engine options this policy sets.
    pub fn options(&self) -> Options {
        Options {
            style: self.style,
            enable: self.enable.clone(),
            disable: self.disable.clone(),
            hash_key: self.hash_key.clone(),
            json: self.json,
        }
    }

    /// Loads the packs and compiles the engine: every error a policy can hold surfaces here, with
    /// the file and line for pack errors.
    pub fn scrubber(&self) -> Result<Scrubber, BuildError> {
        Scrubber::new(&self.pack()?, &self.options())
    }
}

/// Reads a hash key file: its bytes, less one trailing newline (`\n` or `\r\n`), which editors and
/// `echo` add.
pub fn read_hash_key(path: &Path) -> Result<Vec<u8>, PolicyError> {
    let mut key = std::fs::read(path).map_err(|e| {
        PolicyError(format!(
            "cannot read hash key file {}: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    if key.ends_with(b"\n") {
        key.pop();
        if key.ends_with(b"\r") {
            key.pop();
        }
    }
    Ok(key)
}

/// An I/O error's reason without the `(os error N)` suffix.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Policy, PolicyError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Policy::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn reads_every_variable() {
        let p = read(&[
            ("LOGSCRUB_RULES", "/opt/a.toml, /opt/b.toml"),
            ("LOGSCRUB_ENABLE", "IP"),
            ("LOGSCRUB_DISABLE", "PHONE,,EMAIL "),
            ("LOGSCRUB_STYLE", "last4"),
            ("LOGSCRUB_JSON", "off"),
            ("LOGSCRUB_HASH_KEY", " key with spaces "),
        ])
        .unwrap();
        assert_eq!(
            p.rules,
            vec![PathBuf::from("/opt/a.toml"), PathBuf::from("/opt/b.toml")]
        );
        assert_eq!(p.enable, ["IP"]);
        assert_eq!(p.disable, ["PHONE", "EMAIL"]);
        assert_eq!(p.style, Some(Style::Last4));
        assert_eq!(p.json, JsonMode::Off);
        assert_eq!(p.hash_key.as_deref(), Some(&b" key with spaces "[..]));
        assert!(!format!("{p:?}").contains("spaces"));
        let empty = read(&[("LOGSCRUB_STYLE", " ")]).unwrap();
        assert_eq!(empty.style, None);
        assert_eq!(empty.json, JsonMode::Auto);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = read(&[("LOGSCRUB_STYLE", "blur")]).unwrap_err();
        assert!(e.to_string().starts_with("LOGSCRUB_STYLE=\"blur\""), "{e}");
        let e = read(&[("LOGSCRUB_JSON", "yes")]).unwrap_err();
        assert!(e.to_string().starts_with("LOGSCRUB_JSON=\"yes\""), "{e}");
        let e = read(&[("LOGSCRUB_HASH_KEY_FILE", "/nonexistent/key")]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/key"), "{e}");
    }

    #[test]
    fn a_pack_that_fails_names_its_file_and_line() {
        let dir = std::env::temp_dir().join(format!("logscrub-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.toml");
        let bad = dir.join("bad.toml");
        std::fs::write(&good, "[[rule]]\nid = \"PHONE\"\nenabled = false\n").unwrap();
        std::fs::write(&bad, "\n[[rule]]\nid = \"X\"\nregex = '('\n").unwrap();
        let policy = Policy {
            rules: vec![good.clone()],
            ..Policy::default()
        };
        let s = policy.scrubber().unwrap();
        assert!(!s.rules()[s.rule_id("PHONE").unwrap().index()].enabled);
        let policy = Policy {
            rules: vec![good, bad.clone()],
            ..Policy::default()
        };
        let e = policy.scrubber().unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}:4: invalid regex", bad.display())),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
