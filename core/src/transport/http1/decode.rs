//! Reading an answer out of the bytes that have arrived: its head, then its body
//! with the framing the head declares (`Content-Length`, chunked, or until the
//! connection closes), piece by piece for a stream or whole. The chunked decoder
//! takes every complete chunk a read brought in at once, out of one buffer.

use bytes::{Buf, Bytes, BytesMut};

use crate::error::Error;

/// Largest response head accepted.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Bytes asked for per read of an answer, at least: a small answer, head and
/// body, then arrives in one read.
pub(crate) const MIN_READ: usize = 16 * 1024;
/// Chunk data at least this large is handed out where it lies, not copied.
const IN_PLACE: usize = 4096;

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

/// An answer's body being read out of a buffer its driver fills: piece by piece
/// for a stream ([`next_piece`](Self::next_piece)) or whole
/// ([`whole`](Self::whole)); blocking and async drivers alike.
pub(crate) struct BodyDecoder {
    framing: Framing,
    /// The answer said `Connection: close`.
    close: bool,
    chunked: ChunkedDecoder,
    /// Chunk data decoded and not yet handed out.
    out: BytesMut,
    done: bool,
}

/// What [`BodyDecoder::next_piece`] found.
#[derive(Debug)]
pub(crate) enum Piece {
    Data(Bytes),
    /// Nothing more yet: read more.
    More,
    /// The body is complete.
    End,
}

/// What [`BodyDecoder::whole`] found.
pub(crate) enum Whole {
    Done(Bytes),
    /// More input: at least this many bytes (0: any), or the end of the connection.
    More(usize),
}

impl BodyDecoder {
    /// The body of the answer with head `parts` to a request that was a HEAD or not.
    pub fn new(parts: &http::response::Parts, head_only: bool) -> Self {
        let framing = if head_only {
            Framing::Length(0)
        } else {
            Framing::of(parts)
        };
        BodyDecoder {
            done: framing == Framing::Length(0),
            framing,
            close: asks_close(parts),
            chunked: ChunkedDecoder::default(),
            out: BytesMut::new(),
        }
    }

    /// Whether the body is chunked.
    pub fn is_chunked(&self) -> bool {
        self.framing == Framing::Chunked
    }

    /// Chunks begun so far: each is one write of the sender.
    pub fn chunks(&self) -> u64 {
        self.chunked.chunks()
    }

    /// Whether the whole body has been taken.
    pub fn is_done(&self) -> bool {
        self.done && self.out.is_empty()
    }

    /// The next piece of data out of `buf`: everything a read brought in at once,
    /// in as few pieces as it lies (large chunk data where it lies, small chunks
    /// joined).
    pub fn next_piece(&mut self, buf: &mut BytesMut) -> Result<Piece, Error> {
        if self.done {
            return Ok(if self.out.is_empty() {
                Piece::End
            } else {
                Piece::Data(self.out.split().freeze())
            });
        }
        let data = match &mut self.framing {
            Framing::Length(remaining) => {
                let n = (*remaining).min(buf.len() as u64) as usize;
                *remaining -= n as u64;
                self.done = *remaining == 0;
                (n > 0).then(|| buf.split_to(n).freeze())
            }
            Framing::Chunked => {
                let in_place = self.chunked.decode(buf, &mut self.out)?;
                self.done = self.chunked.is_done();
                in_place.or_else(|| (!self.out.is_empty()).then(|| self.out.split().freeze()))
            }
            Framing::UntilClose => (!buf.is_empty()).then(|| buf.split().freeze()),
        };
        Ok(match data {
            Some(data) => Piece::Data(data),
            None if self.done => Piece::End,
            None => Piece::More,
        })
    }

    /// The whole body once `buf` holds all of it.
    pub fn whole(&mut self, buf: &mut BytesMut) -> Result<Whole, Error> {
        match self.framing {
            Framing::Length(n) => {
                let n = usize::try_from(n)
                    .map_err(|_| Error::decode("a response", "its length is too large"))?;
                if buf.len() >= n {
                    self.done = true;
                    Ok(Whole::Done(buf.split_to(n).freeze()))
                } else {
                    Ok(Whole::More(n - buf.len()))
                }
            }
            Framing::Chunked => {
                // A large chunk comes back on its own: decode on before reading.
                while let Some(piece) = self.chunked.decode(buf, &mut self.out)? {
                    self.out.extend_from_slice(&piece);
                }
                if self.chunked.is_done() {
                    self.done = true;
                    Ok(Whole::Done(self.out.split().freeze()))
                } else {
                    Ok(Whole::More(0))
                }
            }
            Framing::UntilClose => Ok(Whole::More(0)),
        }
    }

    /// The connection ended: the rest of a body that ends that way, or an error
    /// if the body was cut short.
    pub fn at_eof(&mut self, buf: &mut BytesMut, address: &str) -> Result<Bytes, Error> {
        if self.framing == Framing::UntilClose {
            self.done = true;
            return Ok(buf.split().freeze());
        }
        Err(Error::closed(format!(
            "{address} closed the connection before the response was complete"
        )))
    }

    /// Whether the connection can carry another request now that the body is
    /// read (`buf`: what was read past it).
    pub fn reusable(&self, buf: &BytesMut) -> bool {
        self.done && !self.close && self.framing != Framing::UntilClose && buf.is_empty()
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
