//! The one call pipeline. Every call goes through it, whoever makes it: typed
//! methods, `invoke`, raw requests, the ping, the blocking client, C and Python.
//!
//! 1. **Plan** (`plan.rs`): look the operation up in the table (or take a raw
//!    request as given), check and encode its parameters, choose its body, and
//!    work out what its answer will be; refuse a call its caller cannot read.
//!    Nothing needs the daemon yet, so bad input never sends a byte.
//! 2. **Send** (`send.rs`): learn the API version (`ping.rs`, once), refuse what
//!    the daemon is too old for or leave out what it does without, fill in
//!    registry credentials (`credentials.rs`) and the TTY setting (`tty.rs`)
//!    where the table says, build the request (`request.rs`), and enter the
//!    transport through its one entry, expecting the answer whole, streamed or
//!    upgraded. A blocking call runs the same steps on blocking sockets. An
//!    update the daemon refuses as out of sequence is explained with the
//!    object's current version (`sequence.rs`).
//! 3. **Reply** (`reply.rs`): a failure status is the matching error with the
//!    daemon's message; a whole answer is decoded as the caller asks (an
//!    [`Output`], JSON text, or a type, `json.rs`); a stream opens as log frames,
//!    JSON values that end at a reported failure, or bytes; a hijacked
//!    connection as an attached process.
//!
//! `call.rs` (`Docker::invoke`) and `raw.rs` (`Docker::request`) are the
//! builders that start a call.

mod call;
mod credentials;
pub(crate) mod json;
mod output;
mod ping;
mod plan;
mod raw;
pub(crate) mod reply;
mod request;
mod send;
mod sequence;
mod tty;

pub use call::Invoke;
pub use output::Output;
pub use ping::Ping;
pub use plan::{CallOptions, Delivery};
pub use raw::RawRequest;

pub(crate) use plan::Planned;
