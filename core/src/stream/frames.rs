//! The stdout/stderr stream of a process. Without a TTY the daemon multiplexes it in
//! frames: an 8-byte header (stream type, three zero bytes, big-endian payload
//! length) and the payload. With a TTY there is no framing at all.
//!
//! Decoding is incremental and copies nothing: payloads are slices of the buffers
//! the transport read. A frame split across reads comes out as several chunks of the
//! same stream, in order; bytes are never altered.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use futures_core::Stream;
use futures_util::StreamExt;

use super::bytes::ByteStream;
use crate::error::Error;

/// Which standard stream a chunk belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum StdStream {
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,
}

impl StdStream {
    pub fn as_str(self) -> &'static str {
        match self {
            StdStream::Stdin => "stdin",
            StdStream::Stdout => "stdout",
            StdStream::Stderr => "stderr",
        }
    }
}

impl fmt::Display for StdStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A piece of a process's output. TTY output is all `Stdout`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogChunk {
    pub stream: StdStream,
    pub bytes: Bytes,
}

/// Incremental decoder of the multiplexed format.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    header: [u8; 8],
    /// Header bytes gathered so far (0..8).
    have: usize,
    /// Payload bytes still to come in the current frame.
    remaining: usize,
    stream: Option<StdStream>,
    /// Payload of a stream-3 frame: an error the daemon reports inside the stream.
    system_error: Option<BytesMut>,
}

impl FrameDecoder {
    pub fn new() -> Self {
        FrameDecoder::default()
    }

    /// Takes the next chunk out of `buf`, advancing it. `Ok(None)` means `buf` is used up.
    pub fn decode(&mut self, buf: &mut Bytes) -> Result<Option<LogChunk>, Error> {
        loop {
            if self.remaining > 0 {
                if buf.is_empty() {
                    return Ok(None);
                }
                let n = self.remaining.min(buf.len());
                let bytes = buf.split_to(n);
                self.remaining -= n;
                if let Some(err) = self.system_error.as_mut() {
                    err.extend_from_slice(&bytes);
                    if self.remaining == 0 {
                        return Err(self.finish_system_error());
                    }
                    continue;
                }
                let stream = self.stream.unwrap_or(StdStream::Stdout);
                let bytes = if self.remaining == 0 {
                    absorb_following(buf, stream as u8, bytes)
                } else {
                    bytes
                };
                return Ok(Some(LogChunk { stream, bytes }));
            }
            if buf.is_empty() {
                return Ok(None);
            }
            let n = (8 - self.have).min(buf.len());
            self.header[self.have..self.have + n].copy_from_slice(&buf[..n]);
            buf.advance(n);
            self.have += n;
            if self.have < 8 {
                return Ok(None);
            }
            self.have = 0;
            let length = u32::from_be_bytes([
                self.header[4],
                self.header[5],
                self.header[6],
                self.header[7],
            ]) as usize;
            self.stream = match self.header[0] {
                0 => Some(StdStream::Stdin),
                1 => Some(StdStream::Stdout),
                2 => Some(StdStream::Stderr),
                3 => {
                    self.system_error = Some(BytesMut::with_capacity(length.min(64 * 1024)));
                    None
                }
                other => {
                    return Err(Error::decode(
                        "a multiplexed output stream",
                        format!(
                            "byte {other:#04x} is not a stream type (0-3); the output may be a TTY stream read as multiplexed"
                        ),
                    ))
                }
            };
            self.remaining = length;
            if length == 0 && self.system_error.is_some() {
                return Err(self.finish_system_error());
            }
        }
    }

    /// Whether the input ended cleanly, between frames.
    pub fn is_at_boundary(&self) -> bool {
        self.have == 0 && self.remaining == 0
    }

    fn finish_system_error(&mut self) -> Error {
        let payload = self.system_error.take().unwrap_or_default();
        Error::ServerError {
            message: String::from_utf8_lossy(&payload).trim_end().to_string(),
        }
    }

    fn truncation(&self) -> Error {
        if self.have > 0 {
            Error::closed(format!(
                "the output stream stopped inside a frame header ({} of 8 bytes)",
                self.have
            ))
        } else {
            Error::closed(format!(
                "the output stream stopped inside a frame ({} payload bytes missing)",
                self.remaining
            ))
        }
    }
}

/// Joins to `first` the payloads of the complete frames of the same stream that
/// follow it in `buf`: one chunk per run of a stream instead of one per frame (the
/// daemon's frames are an artifact of its buffering, not of the output).
fn absorb_following(buf: &mut Bytes, kind: u8, first: Bytes) -> Bytes {
    let mut merged: Option<BytesMut> = None;
    while buf.len() >= 8 && buf[0] == kind {
        let len = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]) as usize;
        if buf.len() < 8 + len {
            break;
        }
        let out = merged.get_or_insert_with(|| {
            let mut m = BytesMut::with_capacity(first.len() + buf.len());
            m.extend_from_slice(&first);
            m
        });
        out.extend_from_slice(&buf[8..8 + len]);
        buf.advance(8 + len);
    }
    merged.map_or(first, BytesMut::freeze)
}

/// stdout/stderr of a container or exec, as chunks in the daemon's order.
pub struct LogStream {
    source: ByteStream,
    buf: Bytes,
    /// `None` for TTY output, which has no framing.
    decoder: Option<FrameDecoder>,
    failed: bool,
}

impl LogStream {
    /// Decodes `source` as multiplexed frames, or passes it through when `tty`.
    pub fn new(source: ByteStream, tty: bool) -> Self {
        LogStream {
            source,
            buf: Bytes::new(),
            decoder: (!tty).then(FrameDecoder::new),
            failed: false,
        }
    }

    /// Whether the output is a TTY's (unframed).
    pub fn is_tty(&self) -> bool {
        self.decoder.is_none()
    }

    /// Reads everything, keeping stdout and stderr apart.
    pub async fn collect(mut self) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            match chunk.stream {
                StdStream::Stderr => err.extend_from_slice(&chunk.bytes),
                _ => out.extend_from_slice(&chunk.bytes),
            }
        }
        Ok((out, err))
    }
}

impl Stream for LogStream {
    type Item = Result<LogChunk, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.failed {
            return Poll::Ready(None);
        }
        loop {
            match this.decoder.as_mut() {
                Some(decoder) => match decoder.decode(&mut this.buf) {
                    Ok(Some(chunk)) => return Poll::Ready(Some(Ok(chunk))),
                    Ok(None) => {}
                    Err(e) => {
                        this.failed = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                },
                None if !this.buf.is_empty() => {
                    let bytes = std::mem::take(&mut this.buf);
                    return Poll::Ready(Some(Ok(LogChunk {
                        stream: StdStream::Stdout,
                        bytes,
                    })));
                }
                None => {}
            }
            match Pin::new(&mut this.source).poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => this.buf = bytes,
                Poll::Ready(Some(Err(e))) => {
                    this.failed = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.failed = true;
                    return match &this.decoder {
                        Some(d) if !d.is_at_boundary() => Poll::Ready(Some(Err(d.truncation()))),
                        _ => Poll::Ready(None),
                    };
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl fmt::Debug for LogStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogStream")
            .field("tty", &self.is_tty())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One multiplexed frame.
    pub(crate) fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![stream, 0, 0, 0];
        v.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    /// Feeds `input` split at every given size pattern and gathers (stream, bytes) per stream.
    fn decode_in_pieces(input: &[u8], piece: usize) -> Result<Vec<(StdStream, Vec<u8>)>, Error> {
        let mut d = FrameDecoder::new();
        let mut out: Vec<(StdStream, Vec<u8>)> = Vec::new();
        for part in input.chunks(piece.max(1)) {
            let mut buf = Bytes::copy_from_slice(part);
            while let Some(c) = d.decode(&mut buf)? {
                match out.last_mut() {
                    Some((s, b)) if *s == c.stream => b.extend_from_slice(&c.bytes),
                    _ => out.push((c.stream, c.bytes.to_vec())),
                }
            }
        }
        assert!(d.is_at_boundary());
        Ok(out)
    }

    #[test]
    fn frames_split_anywhere_decode_the_same() {
        let mut input = frame(1, b"hello\n");
        input.extend(frame(2, b"\x00\xff not utf8"));
        input.extend(frame(1, b""));
        input.extend(frame(0, b"in"));
        input.extend(frame(1, b"no newline"));
        let expected = vec![
            (StdStream::Stdout, b"hello\n".to_vec()),
            (StdStream::Stderr, b"\x00\xff not utf8".to_vec()),
            (StdStream::Stdin, b"in".to_vec()),
            (StdStream::Stdout, b"no newline".to_vec()),
        ];
        for piece in [1, 2, 3, 7, 8, 9, 13, input.len()] {
            assert_eq!(
                decode_in_pieces(&input, piece).unwrap(),
                expected,
                "piece {piece}"
            );
        }
    }

    #[test]
    fn consecutive_frames_of_one_stream_come_out_as_one_chunk() {
        let mut input = frame(1, b"a\n");
        input.extend(frame(1, b"b\n"));
        input.extend(frame(1, b""));
        input.extend(frame(2, b"e\n"));
        input.extend(frame(1, b"c\n"));
        input.extend(frame(1, b"d"));
        input.extend_from_slice(&frame(1, b"partial")[..10]);
        let mut d = FrameDecoder::new();
        let mut buf = Bytes::from(input);
        let mut chunks = Vec::new();
        while let Some(c) = d.decode(&mut buf).unwrap() {
            chunks.push((c.stream, c.bytes));
        }
        assert_eq!(
            chunks,
            vec![
                (StdStream::Stdout, Bytes::from("a\nb\n")),
                (StdStream::Stderr, Bytes::from("e\n")),
                (StdStream::Stdout, Bytes::from("c\nd")),
                (StdStream::Stdout, Bytes::from("pa")),
            ]
        );
    }

    #[test]
    fn large_frames_are_not_buffered_whole() {
        let payload = vec![b'x'; 5 << 20];
        let input = frame(2, &payload);
        let mut d = FrameDecoder::new();
        let mut largest = 0;
        let mut total = 0;
        for part in input.chunks(64 * 1024) {
            let mut buf = Bytes::copy_from_slice(part);
            while let Some(c) = d.decode(&mut buf).unwrap() {
                assert_eq!(c.stream, StdStream::Stderr);
                largest = largest.max(c.bytes.len());
                total += c.bytes.len();
            }
        }
        assert_eq!(total, payload.len());
        assert!(largest <= 64 * 1024);
    }

    #[test]
    fn a_system_error_frame_is_an_error() {
        let input = frame(3, b"log driver failed\n");
        let err = decode_in_pieces(&input, 5).unwrap_err();
        assert!(
            matches!(err, Error::ServerError { ref message } if message == "log driver failed")
        );
    }

    #[test]
    fn a_tty_stream_read_as_frames_is_named() {
        let err = decode_in_pieces(b"hello world, not framed", 64)
            .unwrap_err()
            .to_string();
        assert!(err.contains("TTY"), "{err}");
    }

    #[tokio::test]
    async fn a_truncated_stream_is_an_error_not_silence() {
        let mut input = frame(1, b"complete");
        input.extend_from_slice(&frame(1, b"cut short")[..12]);
        let source = ByteStream::new(futures_util::stream::iter(vec![Ok(Bytes::from(input))]));
        let mut s = LogStream::new(source, false);
        assert_eq!(s.next().await.unwrap().unwrap().bytes, "complete");
        assert_eq!(s.next().await.unwrap().unwrap().bytes, "cut ");
        let err = s.next().await.unwrap().unwrap_err();
        assert!(matches!(err, Error::StreamClosed { .. }), "{err}");
        assert!(s.next().await.is_none());
    }
}
