//! Response streams and their decoders: raw bytes, multiplexed stdout/stderr frames,
//! lines, one JSON value after another (with the items that report failures),
//! typed progress, tar archives unpacked as they arrive, and hijacked connections.

mod attach;
mod bytes;
pub(crate) mod failures;
mod frames;
mod json;
mod lines;
pub mod progress;
pub mod untar;
pub(crate) mod websocket;

pub use self::attach::{AttachInput, Attached};
pub use self::bytes::ByteStream;
pub use self::frames::{FrameDecoder, LogChunk, LogStream, StdStream};
pub use self::json::JsonStream;
pub use self::lines::LineStream;
pub use self::progress::{Progress, ProgressDetail, ProgressStream, ProgressSummary};
