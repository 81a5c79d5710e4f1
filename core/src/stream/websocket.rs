//! The WebSocket framing of `ContainerAttachWebsocket` (RFC 6455): the daemon's
//! frames read as a byte stream, and our frames (masked, as a client's must be)
//! written for stdin. The handshake is the transport's (`transport/upgrade.rs`).

use std::io;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::bytes::ByteStream;
use crate::error::Error;

/// Largest frame accepted from the daemon.
const MAX_FRAME: u64 = 64 << 20;

pub(crate) const OP_BINARY: u8 = 2;
pub(crate) const OP_CLOSE: u8 = 8;

/// One client frame (FIN set, masked).
pub(crate) fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 14);
    out.push(0x80 | opcode);
    match payload.len() {
        n if n < 126 => out.push(0x80 | n as u8),
        n if n <= u16::MAX as usize => {
            out.push(0x80 | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(0x80 | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    let mask = crate::random::random_bytes::<4>();
    out.extend_from_slice(&mask);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    out
}

/// The payloads of the daemon's data frames, in order; a close frame ends the stream.
pub(crate) fn payloads<R: AsyncRead + Unpin + Send + 'static>(reader: R) -> ByteStream {
    let frames = futures_util::stream::unfold(Some(reader), |state| async move {
        let mut r = state?;
        loop {
            match read_frame(&mut r).await {
                Ok(None) => return None,
                Ok(Some((opcode, payload))) => match opcode {
                    0..=2 if payload.is_empty() => continue,
                    0..=2 => return Some((Ok(payload), Some(r))),
                    OP_CLOSE => return None,
                    // Ping and pong carry no output.
                    9 | 10 => continue,
                    other => {
                        let e =
                            Error::decode("a WebSocket frame", format!("unknown opcode {other}"));
                        return Some((Err(e), None));
                    }
                },
                Err(e) => return Some((Err(e), None)),
            }
        }
    });
    ByteStream::new(frames)
}

/// Reads one frame; `None` at a clean end of the connection between frames.
async fn read_frame<R: AsyncRead + Unpin>(r: &mut R) -> Result<Option<(u8, Bytes)>, Error> {
    let closed = |e: io::Error| Error::closed(format!("the WebSocket connection broke: {e}"));
    let mut head = [0u8; 2];
    match r.read_exact(&mut head).await {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(closed(e)),
    }
    let opcode = head[0] & 0x0f;
    let masked = head[1] & 0x80 != 0;
    let mut len = u64::from(head[1] & 0x7f);
    if len == 126 {
        let mut b = [0u8; 2];
        r.read_exact(&mut b).await.map_err(closed)?;
        len = u64::from(u16::from_be_bytes(b));
    } else if len == 127 {
        let mut b = [0u8; 8];
        r.read_exact(&mut b).await.map_err(closed)?;
        len = u64::from_be_bytes(b);
    }
    if len > MAX_FRAME {
        return Err(Error::decode(
            "a WebSocket frame",
            format!("{len} bytes is more than the 64 MiB accepted"),
        ));
    }
    let mut mask = [0u8; 4];
    if masked {
        r.read_exact(&mut mask).await.map_err(closed)?;
    }
    let mut payload = BytesMut::zeroed(len as usize);
    r.read_exact(&mut payload).await.map_err(closed)?;
    if masked {
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= mask[i % 4];
        }
    }
    Ok(Some((opcode, payload.freeze())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn frames_of_every_length_round_trip() {
        let mut wire = Vec::new();
        for n in [0usize, 5, 125, 126, 70_000] {
            wire.extend(frame(OP_BINARY, &vec![b'a'; n]));
        }
        wire.extend(frame(OP_CLOSE, b""));
        wire.extend(frame(OP_BINARY, b"after close"));
        let lens: Vec<usize> = payloads(std::io::Cursor::new(wire))
            .map(|p| p.unwrap().len())
            .collect()
            .await;
        assert_eq!(
            lens,
            vec![5, 125, 126, 70_000],
            "empty frames skipped, close ends"
        );
    }
}
