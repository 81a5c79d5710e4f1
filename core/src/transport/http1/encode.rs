//! A request for the wire: its head, and its body either in memory (behind the
//! head, or after it when large) or as a stream sent with chunked framing.

use bytes::Bytes;

use crate::body::Body;

/// Bodies up to this size are copied behind the head and written with it.
const INLINE_BODY: usize = 64 * 1024;

/// What follows the head.
pub(crate) enum OutgoingBody {
    /// Nothing (or a small body, already behind the head).
    None,
    /// A large in-memory body, written after the head rather than copied behind it.
    Bytes(Bytes),
    /// A stream, sent chunk by chunk (`Transfer-Encoding: chunked`) as it yields.
    Stream(Body),
}

/// A request encoded for one exchange.
pub(crate) struct Outgoing {
    /// The head, and behind it the body if that is small (one write).
    pub head: Vec<u8>,
    pub body: OutgoingBody,
    /// GET, HEAD, PUT, DELETE: the request may be sent twice.
    pub idempotent: bool,
    /// HEAD: the answer has no body whatever its headers say.
    pub head_only: bool,
    /// Method and target, for messages (a timeout names the request).
    pub method: http::Method,
    pub uri: http::Uri,
}

impl Outgoing {
    /// Encodes `req`; `extra` headers go after its own (an upgrade's).
    pub fn new(req: http::Request<Body>, extra: &[(&str, &str)]) -> Outgoing {
        let (parts, body) = req.into_parts();
        let (length, body) = match body.into_full() {
            None => (Some(0), OutgoingBody::None),
            Some(Ok(bytes)) => (Some(bytes.len()), OutgoingBody::Bytes(bytes)),
            Some(Err(stream)) => (None, OutgoingBody::Stream(stream)),
        };
        let mut head = encode_head(&parts, extra, length);
        let body = match body {
            OutgoingBody::Bytes(bytes) if bytes.len() <= INLINE_BODY => {
                head.extend_from_slice(&bytes);
                OutgoingBody::None
            }
            other => other,
        };
        Outgoing {
            head,
            body,
            idempotent: matches!(
                parts.method,
                http::Method::GET | http::Method::HEAD | http::Method::PUT | http::Method::DELETE
            ),
            head_only: parts.method == http::Method::HEAD,
            uri: parts.uri,
            method: parts.method,
        }
    }

    /// Whether the request can go out a second time: it may be repeated and its
    /// body was not consumed by the first attempt.
    pub fn repeatable(&self) -> bool {
        self.idempotent && !matches!(self.body, OutgoingBody::Stream(_))
    }
}

/// The head of a request, with `extra` headers; `length` is the body's length, or
/// `None` for a body sent chunked.
fn encode_head(
    parts: &http::request::Parts,
    extra: &[(&str, &str)],
    length: Option<usize>,
) -> Vec<u8> {
    let mut head = Vec::with_capacity(512);
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    head.extend_from_slice(parts.method.as_str().as_bytes());
    head.push(b' ');
    head.extend_from_slice(target.as_bytes());
    head.extend_from_slice(b" HTTP/1.1\r\n");
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()));
    for (name, value) in headers.chain(extra.iter().map(|(n, v)| (*n, v.as_bytes()))) {
        head.extend_from_slice(name.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    match length {
        None => head.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        // A GET or HEAD without a body says nothing of its length (as curl does).
        Some(0) if parts.method == http::Method::GET || parts.method == http::Method::HEAD => {}
        Some(n) => {
            head.extend_from_slice(b"Content-Length: ");
            head.extend_from_slice(n.to_string().as_bytes());
            head.extend_from_slice(b"\r\n");
        }
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// The line that starts a chunk of `len` bytes (`len` > 0).
pub(crate) fn chunk_head(len: usize) -> Vec<u8> {
    format!("{len:x}\r\n").into_bytes()
}

/// The chunk that ends a chunked body (no trailers).
pub(crate) const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, body: Body) -> http::Request<Body> {
        http::Request::builder()
            .method(method)
            .uri("/v1.41/x?a=1")
            .header("Host", "docker")
            .body(body)
            .unwrap()
    }

    #[test]
    fn heads_tell_the_length_or_chunking_of_their_body() {
        let get = Outgoing::new(request("GET", Body::empty()), &[]);
        assert_eq!(
            String::from_utf8(get.head.clone()).unwrap(),
            "GET /v1.41/x?a=1 HTTP/1.1\r\nhost: docker\r\n\r\n"
        );
        assert!(get.idempotent && get.repeatable());
        let post = Outgoing::new(request("POST", Body::from("{}")), &[]);
        assert!(String::from_utf8(post.head.clone())
            .unwrap()
            .ends_with("Content-Length: 2\r\n\r\n{}"));
        assert!(!post.idempotent);
        let stream = Body::from_stream(futures_util::stream::empty());
        let put = Outgoing::new(request("PUT", stream), &[("Upgrade", "tcp")]);
        let head = String::from_utf8(put.head.clone()).unwrap();
        assert!(
            head.ends_with("Upgrade: tcp\r\nTransfer-Encoding: chunked\r\n\r\n"),
            "{head}"
        );
        assert!(put.idempotent && !put.repeatable(), "a stream is sent once");
    }

    #[test]
    fn large_bodies_follow_the_head_instead_of_being_copied() {
        let big = Outgoing::new(request("POST", Body::from(vec![7u8; 100_000])), &[]);
        assert!(matches!(big.body, OutgoingBody::Bytes(ref b) if b.len() == 100_000));
        assert_eq!(chunk_head(0x1f40), b"1f40\r\n");
    }
}
