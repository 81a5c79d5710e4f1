//! Decoding a whole JSON answer. The body is checked as UTF-8 once, then parsed as
//! `str`: `serde_json` then skips checking every string on its own, which cost a
//! tenth of a container list's decode.

use serde::de::DeserializeOwned;

use crate::error::Error;

/// Decodes `body` into `T`; `what` names the answer in the error.
pub(crate) fn from_body<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Error> {
    let text = utf8(body, what)?;
    serde_json::from_str(text).map_err(|e| Error::decode(format!("the answer to {what}"), e))
}

/// Checks that `body` is one JSON document (UTF-8 and syntax; numbers' range and
/// escapes' code points are left to whoever decodes it) and hands back its text.
pub(crate) fn check<'a>(body: &'a [u8], what: &str) -> Result<&'a str, Error> {
    let text = utf8(body, what)?;
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map_err(|e| Error::decode(format!("the answer to {what}"), e))?;
    Ok(text)
}

fn utf8<'a>(body: &'a [u8], what: &str) -> Result<&'a str, Error> {
    std::str::from_utf8(body).map_err(|e| {
        Error::decode(
            format!("the answer to {what}"),
            format_args!("not UTF-8 at byte {}", e.valid_up_to()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn a_body_decodes_into_the_asked_type() {
        let v: Vec<u32> = from_body(b"[1, 2, 3]", "Test").unwrap();
        assert_eq!(v, [1, 2, 3]);
    }

    #[test]
    fn invalid_utf8_is_an_error_naming_the_answer_and_the_byte() {
        let err = from_body::<Value>(b"{\"a\": \"\xff\"}", "ContainerList").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("ContainerList"), "{text}");
        assert!(text.contains("not UTF-8 at byte 7"), "{text}");
    }

    #[test]
    fn a_checked_body_is_handed_back_as_it_came() {
        let body = b"[{\"Id\": \"a\"}, {\"Id\": \"b\"}]";
        assert_eq!(check(body, "ContainerList").unwrap().as_bytes(), body);
        let err = check(b"[{\"Id\": }]", "ContainerList").unwrap_err();
        assert!(err.to_string().contains("ContainerList"), "{err}");
        assert!(check(b"{\"a\": \"\xff\"}", "Test").is_err());
    }

    #[test]
    fn bad_json_is_an_error_naming_the_answer() {
        let err = from_body::<Value>(b"[1, 2", "ImageList").unwrap_err();
        assert!(err.to_string().contains("ImageList"), "{err}");
    }
}
