//! Response streams and their decoders: raw bytes, multiplexed stdout/stderr frames,
//! one JSON value after another, lines, and hijacked connections.

mod attach;
mod bytes;
pub mod dockerignore;
mod frames;
mod json;
mod lines;
pub mod progress;
pub mod tar;
pub(crate) mod websocket;

pub use self::attach::{AttachInput, Attached};
pub use self::bytes::ByteStream;
pub use self::frames::{FrameDecoder, LogChunk, LogStream, StdStream};
pub use self::json::JsonStream;
pub use self::lines::LineStream;
pub use self::progress::{Progress, ProgressDetail, ProgressKind, ProgressStream, ProgressSummary};
