//! Decoding a whole JSON answer. The body is checked as UTF-8 once, then parsed as
//! `str`: `serde_json` then skips checking every string on its own, which cost a
//! tenth of a container list's decode.

use serde::de::DeserializeOwned;

use crate::error::Error;

/// Decodes `body` into `T`; `what` names the answer in the error.
pub(crate) fn from_body<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Error> {
    let text = std::str::from_utf8(body).map_err(|e| {
        Error::decode(
            format!("the answer to {what}"),
            format_args!("not UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    serde_json::from_str(text).map_err(|e| Error::decode(format!("the answer to {what}"), e))
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
    fn bad_json_is_an_error_naming_the_answer() {
        let err = from_body::<Value>(b"[1, 2", "ImageList").unwrap_err();
        assert!(err.to_string().contains("ImageList"), "{err}");
    }
}
