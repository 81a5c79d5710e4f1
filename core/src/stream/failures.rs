//! Items of a JSON stream that report a failure, and the error each becomes, as
//! the operation table's [`StreamErrors`] rule says: pull, push, load and plugin
//! progress end with `Error::Progress` (or `Unauthorized` / `NotFound` when the
//! registry's message says so), a build with `Error::BuildFailed` carrying the
//! output of the step that failed. Colour codes are taken out of both.

use std::borrow::Cow;

use serde::Deserialize;

use crate::api::StreamErrors;
use crate::error::Error;

/// Watches the items of one JSON stream for a failure.
#[derive(Debug)]
pub(crate) struct Failures {
    rule: StreamErrors,
    /// What the build step under way printed so far.
    step_output: String,
}

/// The fields of an item that tell a failure (and a build's output).
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow, default)]
    error: Option<Cow<'a, str>>,
    #[serde(rename = "errorDetail", borrow, default)]
    error_detail: Option<Detail<'a>>,
    #[serde(borrow, default)]
    stream: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Detail<'a> {
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

impl Failures {
    /// Watches for what `rule` calls a failure; `None` when it calls nothing so.
    pub fn new(rule: StreamErrors) -> Option<Failures> {
        (rule != StreamErrors::None).then(|| Failures {
            rule,
            step_output: String::new(),
        })
    }

    /// Looks at one item (its JSON text): the error it reports, if it is a failure.
    pub fn check(&mut self, item: &[u8]) -> Option<Error> {
        let probe: Probe<'_> = serde_json::from_slice(item).ok()?;
        let message = probe
            .error
            .or_else(|| probe.error_detail.and_then(|d| d.message));
        let Some(message) = message else {
            if let (StreamErrors::Build, Some(text)) = (self.rule, probe.stream) {
                if text.starts_with("Step ") {
                    self.step_output.clear();
                }
                if !is_bookkeeping(&text) {
                    self.step_output.push_str(&strip_ansi(&text));
                }
            }
            return None;
        };
        let message = strip_ansi(&message).trim_end().to_string();
        Some(match self.rule {
            StreamErrors::Build => Error::BuildFailed {
                message,
                output: std::mem::take(&mut self.step_output),
            },
            StreamErrors::Progress(action) => classify(Error::Progress {
                operation: action.to_string(),
                message,
            }),
            StreamErrors::None => return None,
        })
    }
}

/// The daemon's own lines about a step (its intermediate container and layer),
/// which are not what the step printed.
fn is_bookkeeping(text: &str) -> bool {
    let line = text.trim_end_matches('\n');
    !line.contains('\n')
        && (line.starts_with(" ---> ") || line.starts_with("Removing intermediate container "))
}

/// Registry failures reach us as 500s or as in-stream errors whose text says what
/// happened; a refused login becomes [`Error::Unauthorized`], an unknown image
/// [`Error::NotFound`], so callers can match on them.
pub(crate) fn classify(e: Error) -> Error {
    let message = match &e {
        Error::ServerError { message }
        | Error::Status { message, .. }
        | Error::Progress { message, .. } => message.clone(),
        _ => return e,
    };
    let lower = message.to_ascii_lowercase();
    const REFUSED: [&str; 6] = [
        "no basic auth credentials",
        "unauthorized",
        "401 unauthorized",
        "authentication required",
        "incorrect username or password",
        "denied: requested access",
    ];
    if REFUSED.iter().any(|p| lower.contains(p)) {
        return Error::Unauthorized { message };
    }
    if lower.contains("manifest unknown") || lower.contains("not found: manifest") {
        return Error::NotFound { message };
    }
    e
}

/// `text` without ANSI escape sequences (colours, cursor moves), as a terminal
/// would not show them.
pub(crate) fn strip_ansi(text: &str) -> Cow<'_, str> {
    if !text.contains('\x1b') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            // CSI: ESC [ parameters, then one final byte in @..~.
            Some('[') => {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: ESC ] … ended by BEL or ESC \.
            Some(']') => {
                chars.next();
                while let Some(c) = chars.next() {
                    if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            // nF escapes (ESC ( B …): intermediate bytes, then one final byte.
            Some(' '..='/') => {
                while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
                chars.next();
            }
            // Any other escape: ESC and the one character after it.
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_refusals_become_unauthorized() {
        let e = classify(Error::ServerError {
            message: "Head \"http://127.0.0.1:5001/v2/x/manifests/1\": no basic auth credentials"
                .into(),
        });
        assert!(matches!(e, Error::Unauthorized { .. }));
        let e = classify(Error::Progress {
            operation: "push".into(),
            message: "disk full".into(),
        });
        assert!(matches!(e, Error::Progress { .. }));
        let e = classify(Error::ServerError {
            message: "manifest for a:1 not found: manifest unknown".into(),
        });
        assert!(matches!(e, Error::NotFound { .. }));
    }

    #[test]
    fn a_build_failure_carries_its_step_output_without_colours_or_the_daemons_bookkeeping() {
        let mut f = Failures::new(StreamErrors::Build).unwrap();
        for item in [
            r#"{"stream":"Step 1/2 : FROM x\n"}"#,
            r#"{"stream":"Step 2/2 : RUN exit 7\n"}"#,
            r#"{"stream":" ---\u003e Running in 54bb729c163b\n"}"#,
            r#"{"stream":"\u001b[31mred\u001b[0m line\n"}"#,
            r#"{"stream":"Removing intermediate container 54bb729c163b\n"}"#,
        ] {
            assert!(f.check(item.as_bytes()).is_none());
        }
        let err = f
            .check(br#"{"errorDetail":{"code":7,"message":"returned a non-zero code: 7"},"error":"returned a non-zero code: 7"}"#)
            .unwrap();
        match err {
            Error::BuildFailed { message, output } => {
                assert_eq!(message, "returned a non-zero code: 7");
                assert_eq!(output, "Step 2/2 : RUN exit 7\nred line\n");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn progress_failures_name_the_action_or_the_registry_refusal() {
        let mut f = Failures::new(StreamErrors::Progress("push")).unwrap();
        assert!(f.check(br#"{"status":"Preparing","id":"abc"}"#).is_none());
        let err = f.check(br#"{"errorDetail":{"message":"disk full"},"error":"disk full"}"#);
        assert!(
            matches!(err, Some(Error::Progress { ref operation, ref message }) if operation == "push" && message == "disk full"),
            "{err:?}"
        );
        let err = f.check(br#"{"error":"unauthorized: authentication required"}"#);
        assert!(matches!(err, Some(Error::Unauthorized { .. })), "{err:?}");
        assert!(Failures::new(StreamErrors::None).is_none());
    }

    #[test]
    fn colour_codes_are_taken_out() {
        assert_eq!(strip_ansi("plain"), "plain");
        assert_eq!(strip_ansi("\x1b[1;31mbold red\x1b[0m!"), "bold red!");
        assert_eq!(strip_ansi("a\x1b]0;title\x07b"), "ab");
        assert_eq!(strip_ansi("a\x1b(Bb"), "ab");
    }
}
