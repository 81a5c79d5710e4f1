//! The little HTTP/1.1 we speak ourselves, where hyper's per-chunk hand-offs would
//! cost too much (bulk streams, whole answers, the blocking transport) or where the
//! connection stops being HTTP (hijack): writing a request head (`Message` for a
//! request whose body is in memory), reading a response head, reading a body whole
//! (`WholeBody`, for blocking and async readers alike), and decoding a chunked body
//! many chunks at a time out of one buffer.

use std::io;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::connect;
use super::io::Io;
use crate::error::Error;

/// Largest response head accepted.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Bytes asked for per read of an answer, at least: a small answer, head and
/// body, then arrives in one read.
pub(crate) const MIN_READ: usize = 16 * 1024;
/// Chunk data at least this large is handed out where it lies, not copied.
const IN_PLACE: usize = 4096;

/// The head of a request, with `extra` headers and its `Content-Length`.
pub(crate) fn encode_head(
    parts: &http::request::Parts,
    extra: &[(&str, &str)],
    content_length: usize,
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
    // A GET or HEAD without a body says nothing of its length (as hyper does).
    let bodiless = content_length == 0
        && (parts.method == http::Method::GET || parts.method == http::Method::HEAD);
    if !bodiless {
        head.extend_from_slice(b"Content-Length: ");
        head.extend_from_slice(content_length.to_string().as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// Writes all of `bytes`.
pub(crate) async fn write_all(io: &mut Io, bytes: &[u8], address: &str) -> Result<(), Error> {
    let failed =
        |e: io::Error| connect::tls_or_closed(e, address, "dropped the connection while we wrote");
    io.write_all(bytes).await.map_err(failed)?;
    io.flush().await.map_err(failed)
}

/// Reads a response head; what follows it stays in `buf`.
pub(crate) async fn read_head(
    io: &mut Io,
    buf: &mut BytesMut,
    address: &str,
) -> Result<http::response::Parts, Error> {
    loop {
        if let Some(parts) = parse_head(buf, address)? {
            return Ok(parts);
        }
        if buf.len() >= MAX_HEAD {
            return Err(Error::decode("a response head", "it is larger than 64 KiB"));
        }
        buf.reserve(MIN_READ);
        let n = io.read_buf(buf).await.map_err(|e| {
            connect::tls_or_closed(e, address, "dropped the connection before answering")
        })?;
        if n == 0 {
            return Err(Error::closed(format!(
                "{address} closed the connection before answering"
            )));
        }
    }
}

/// A complete response head at the start of `buf` (consumed), or `None` for more.
pub(crate) fn parse_head(
    buf: &mut BytesMut,
    address: &str,
) -> Result<Option<http::response::Parts>, Error> {
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut resp = httparse::Response::new(&mut slots);
    let len = match resp.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => {
            return Err(Error::decode(
                format!("the HTTP response from {address}"),
                e,
            ))
        }
    };
    let bad_head = |e: &dyn std::fmt::Display| {
        Error::decode(format!("the HTTP response from {address}"), e.to_string())
    };
    let status = http::StatusCode::from_u16(resp.code.unwrap_or(0)).map_err(|e| bad_head(&e))?;
    // Where each header lies in the head, so that values can share its bytes.
    let base = buf.as_ptr() as usize;
    let spans: Vec<_> = resp
        .headers
        .iter()
        .map(|h| {
            let name = h.name.as_ptr() as usize - base;
            let value = h.value.as_ptr() as usize - base;
            (name..name + h.name.len(), value..value + h.value.len())
        })
        .collect();
    let head = buf.split_to(len).freeze();
    let mut headers = http::HeaderMap::with_capacity(spans.len());
    for (name, value) in spans {
        let name = http::HeaderName::from_bytes(&head[name]).map_err(|e| bad_head(&e))?;
        let value =
            http::HeaderValue::from_maybe_shared(head.slice(value)).map_err(|e| bad_head(&e))?;
        headers.append(name, value);
    }
    let (mut parts, ()) = http::Response::new(()).into_parts();
    parts.status = status;
    parts.headers = headers;
    Ok(Some(parts))
}

/// How a response body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `Content-Length`: this many bytes remain.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Neither: the body ends with the connection.
    UntilClose,
}

impl Framing {
    pub fn of(parts: &http::response::Parts) -> Framing {
        let chunked = parts
            .headers
            .get_all(http::header::TRANSFER_ENCODING)
            .iter()
            .any(|v| {
                v.to_str()
                    .is_ok_and(|v| v.to_ascii_lowercase().contains("chunked"))
            });
        if chunked {
            return Framing::Chunked;
        }
        match parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
        {
            Some(n) => Framing::Length(n),
            None if parts.status == http::StatusCode::NO_CONTENT
                || parts.status == http::StatusCode::NOT_MODIFIED =>
            {
                Framing::Length(0)
            }
            None => Framing::UntilClose,
        }
    }
}

/// Whether an answer says its connection closes after it (`Connection: close`).
pub(crate) fn asks_close(parts: &http::response::Parts) -> bool {
    parts
        .headers
        .get(http::header::CONNECTION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("close"))
}

/// Bodies up to this size are copied behind the head and written with it.
const INLINE_BODY: usize = 64 * 1024;

/// A request with its body in memory, encoded for one exchange on our codec
/// (the blocking transport and whole answers).
pub(crate) struct Message {
    /// The head, and behind it the body if that is small (one write).
    pub head: Vec<u8>,
    /// A large body, written after the head rather than copied behind it.
    pub body: Bytes,
    /// GET, HEAD, PUT, DELETE: the request may be sent twice.
    pub idempotent: bool,
    /// HEAD: the answer has no body whatever its headers say.
    pub head_only: bool,
}

impl Message {
    pub fn new(parts: &http::request::Parts, body: crate::body::Body) -> Result<Message, Error> {
        let body = match body.into_full() {
            None => Bytes::new(),
            Some(Ok(bytes)) => bytes,
            Some(Err(_)) => return Err(Error::invalid("a streamed body cannot be sent whole")),
        };
        let mut head = encode_head(parts, &[], body.len());
        let body = if body.len() <= INLINE_BODY {
            head.extend_from_slice(&body);
            Bytes::new()
        } else {
            body
        };
        Ok(Message {
            head,
            body,
            idempotent: matches!(
                parts.method,
                http::Method::GET | http::Method::HEAD | http::Method::PUT | http::Method::DELETE
            ),
            head_only: parts.method == http::Method::HEAD,
        })
    }
}

/// Reads an answer's body whole out of a buffer its caller fills, blocking or
/// async alike.
pub(crate) struct WholeBody {
    framing: Framing,
    close: bool,
    chunked: ChunkedDecoder,
    out: BytesMut,
}

/// What [`WholeBody::step`] needs next.
pub(crate) enum Step {
    /// The body is complete.
    Done(Bytes),
    /// More input: at least this many bytes (0: any), or the end of the connection.
    More(usize),
}

impl WholeBody {
    /// The body of the answer with head `parts` to a request that was a HEAD or not.
    pub fn new(parts: &http::response::Parts, head_only: bool) -> Self {
        WholeBody {
            framing: if head_only {
                Framing::Length(0)
            } else {
                Framing::of(parts)
            },
            close: asks_close(parts),
            chunked: ChunkedDecoder::default(),
            out: BytesMut::new(),
        }
    }

    /// Takes what `buf` holds.
    pub fn step(&mut self, buf: &mut BytesMut) -> Result<Step, Error> {
        match self.framing {
            Framing::Length(n) => {
                let n = usize::try_from(n)
                    .map_err(|_| Error::decode("a response", "its length is too large"))?;
                if buf.len() >= n {
                    Ok(Step::Done(buf.split_to(n).freeze()))
                } else {
                    Ok(Step::More(n - buf.len()))
                }
            }
            Framing::Chunked => {
                // A large chunk comes back on its own: decode on before reading.
                while let Some(piece) = self.chunked.decode(buf, &mut self.out)? {
                    self.out.extend_from_slice(&piece);
                }
                if self.chunked.is_done() {
                    Ok(Step::Done(std::mem::take(&mut self.out).freeze()))
                } else {
                    Ok(Step::More(0))
                }
            }
            Framing::UntilClose => Ok(Step::More(0)),
        }
    }

    /// The connection ended before [`step`](Self::step) was done: the body if
    /// it ends that way, else the answer was cut short.
    pub fn at_end(&mut self, buf: &mut BytesMut, address: &str) -> Result<Bytes, Error> {
        if self.framing == Framing::UntilClose {
            return Ok(buf.split().freeze());
        }
        Err(Error::closed(format!(
            "{address} closed the connection before the response was complete"
        )))
    }

    /// Whether the connection can carry another request once the body is read
    /// (`buf`: what was read past it).
    pub fn reusable(&self, buf: &BytesMut) -> bool {
        !self.close && self.framing != Framing::UntilClose && buf.is_empty()
    }
}

/// Decodes `Transfer-Encoding: chunked` incrementally: each call takes every
/// complete piece out of the input and appends the data to `out`.
#[derive(Debug, Default)]
pub(crate) struct ChunkedDecoder {
    /// Data bytes left in the current chunk.
    remaining: u64,
    state: ChunkState,
    /// Chunks begun so far.
    chunks: u64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum ChunkState {
    /// Expecting a size line.
    #[default]
    Size,
    /// Inside a chunk's data.
    Data,
    /// Expecting the CRLF after a chunk's data.
    DataEnd,
    /// After the last (zero) chunk: trailers until an empty line.
    Trailers,
    Done,
}

impl ChunkedDecoder {
    /// How many chunks have begun: each is one write of the sender.
    pub fn chunks(&self) -> u64 {
        self.chunks
    }

    /// Whether the terminating chunk (and trailers) have been read.
    pub fn is_done(&self) -> bool {
        self.state == ChunkState::Done
    }

    /// Takes every complete piece out of `input`, appending chunk data to `out`;
    /// except that a large piece of chunk data, met while `out` is empty, is
    /// returned as it is instead (no copy), ending the call.
    pub fn decode(
        &mut self,
        input: &mut BytesMut,
        out: &mut BytesMut,
    ) -> Result<Option<Bytes>, Error> {
        let data = &input[..];
        let mut pos = 0;
        loop {
            match self.state {
                ChunkState::Size => {
                    let rest = &data[pos..];
                    let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                        if rest.len() > 1024 {
                            return Err(bad("a chunk size line longer than 1 KiB"));
                        }
                        break;
                    };
                    let size = parse_size(&rest[..nl])?;
                    pos += nl + 1;
                    self.chunks += 1;
                    if size == 0 {
                        self.state = ChunkState::Trailers;
                    } else {
                        self.remaining = size;
                        self.state = ChunkState::Data;
                    }
                }
                ChunkState::Data => {
                    let available = data.len() - pos;
                    if available == 0 {
                        break;
                    }
                    let n = self.remaining.min(available as u64) as usize;
                    if out.is_empty() && n >= IN_PLACE {
                        input.advance(pos);
                        self.remaining -= n as u64;
                        if self.remaining == 0 {
                            self.state = ChunkState::DataEnd;
                        }
                        return Ok(Some(input.split_to(n).freeze()));
                    }
                    out.extend_from_slice(&data[pos..pos + n]);
                    pos += n;
                    self.remaining -= n as u64;
                    if self.remaining == 0 {
                        self.state = ChunkState::DataEnd;
                    }
                }
                ChunkState::DataEnd => {
                    if data.len() - pos < 2 {
                        break;
                    }
                    if &data[pos..pos + 2] != b"\r\n" {
                        return Err(bad("chunk data not followed by CRLF"));
                    }
                    pos += 2;
                    self.state = ChunkState::Size;
                }
                ChunkState::Trailers => {
                    let Some(end) = find_crlf(&data[pos..]) else {
                        break;
                    };
                    pos += end + 2;
                    if end == 0 {
                        self.state = ChunkState::Done;
                    }
                }
                ChunkState::Done => break,
            }
        }
        input.advance(pos);
        Ok(None)
    }
}

/// The size in a chunk size line (`1a`, `1a;ext=x`, with its `\r`).
fn parse_size(line: &[u8]) -> Result<u64, Error> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut size: u64 = 0;
    let mut digits = 0;
    for &b in line {
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            b';' | b' ' | b'\t' if digits > 0 => break,
            _ => {
                return Err(bad(&format!(
                    "the chunk size {:?}",
                    String::from_utf8_lossy(line)
                )))
            }
        };
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(u64::from(v)))
            .ok_or_else(|| bad("a chunk size beyond 64 bits"))?;
        digits += 1;
    }
    if digits == 0 {
        return Err(bad(&format!(
            "the chunk size {:?}",
            String::from_utf8_lossy(line)
        )));
    }
    Ok(size)
}

fn find_crlf(input: &[u8]) -> Option<usize> {
    input.windows(2).position(|w| w == b"\r\n")
}

fn bad(what: &str) -> Error {
    Error::decode(
        "a chunked response body",
        format!("{what} breaks the chunked encoding"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_decode_whatever_the_split() {
        let wire: &[u8] = b"5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nTrailer: x\r\n\r\n";
        for piece in 1..=wire.len() {
            let mut d = ChunkedDecoder::default();
            let (mut input, mut out) = (BytesMut::new(), BytesMut::new());
            for part in wire.chunks(piece) {
                input.extend_from_slice(part);
                assert!(
                    d.decode(&mut input, &mut out).unwrap().is_none(),
                    "small pieces are copied"
                );
            }
            assert_eq!(&out[..], b"hello world!", "piece {piece}");
            assert_eq!(d.chunks(), 4, "three data chunks and the last one");
            assert!(d.is_done());
            assert!(input.is_empty());
        }
    }

    #[test]
    fn large_chunk_data_is_handed_out_without_copying() {
        let mut wire = BytesMut::new();
        wire.extend_from_slice(b"3\r\nabc\r\n2000\r\n");
        wire.extend_from_slice(&[b'x'; 0x2000]);
        wire.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut d = ChunkedDecoder::default();
        let mut out = BytesMut::new();
        // The small chunk is copied; the large one then waits for `out` to be empty.
        assert!(d.decode(&mut wire, &mut out).unwrap().is_none());
        assert_eq!(out.len(), 3 + 0x2000);
        let mut wire = BytesMut::new();
        wire.extend_from_slice(b"2000\r\n");
        wire.extend_from_slice(&[b'y'; 0x2000]);
        wire.extend_from_slice(b"\r\n0\r\n\r\n");
        let start = wire.as_ptr() as usize + 6;
        let mut d = ChunkedDecoder::default();
        let piece = d.decode(&mut wire, &mut BytesMut::new()).unwrap().unwrap();
        assert_eq!(piece.len(), 0x2000);
        assert_eq!(piece.as_ptr() as usize, start, "the bytes were not moved");
        assert!(d.decode(&mut wire, &mut BytesMut::new()).unwrap().is_none());
        assert!(d.is_done());
    }

    #[test]
    fn broken_chunking_is_an_error() {
        let mut d = ChunkedDecoder::default();
        let mut input = BytesMut::from(&b"zz\r\n"[..]);
        let err = d.decode(&mut input, &mut BytesMut::new()).unwrap_err();
        assert!(err.to_string().contains("chunk size"), "{err}");
        let mut d = ChunkedDecoder::default();
        let mut input = BytesMut::from(&b"2\r\nabXY"[..]);
        assert!(d.decode(&mut input, &mut BytesMut::new()).is_err());
    }

    #[test]
    fn heads_parse_and_framing_follows_the_headers() {
        let mut buf = BytesMut::from(
            &b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nTransfer-Encoding: chunked\r\n\r\nrest"[..],
        );
        let parts = parse_head(&mut buf, "test").unwrap().unwrap();
        assert_eq!(parts.status, 200);
        assert_eq!(Framing::of(&parts), Framing::Chunked);
        assert_eq!(&buf[..], b"rest");
        let mut partial = BytesMut::from(&b"HTTP/1.1 200 OK\r\nContent-Len"[..]);
        assert!(parse_head(&mut partial, "test").unwrap().is_none());
    }
}
