//! HTTP/1.1 as we speak it, without I/O: a request encoded for the wire
//! (`encode.rs`: its head, a body in memory or streamed in chunks), and an answer
//! decoded from whatever bytes have arrived (`decode.rs`: its head, then its body
//! piece by piece or whole, with `Content-Length`, chunked or until-close framing).
//! The drivers that move the bytes (`exchange.rs` for every request, blocking or
//! async; `response_body.rs` for streamed answers) hold no HTTP knowledge of their own.

mod decode;
mod encode;

pub(crate) use decode::{parse_head, BodyDecoder, Piece, Whole, MAX_HEAD, MIN_READ};
pub(crate) use encode::{chunk_head, Outgoing, OutgoingBody, LAST_CHUNK};
