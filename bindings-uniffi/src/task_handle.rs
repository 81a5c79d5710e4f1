//! `TaskHandle`: the owner of a listener's task (as matrix-rust-sdk's). `cancel()`
//! stops it, and so does dropping the handle (in Kotlin `close()` or leaving
//! `use {}`; in Swift releasing it): its connection is closed at once. Swift's
//! `Task.cancel()` does not reach Rust futures (uniffi-rs #2771), so in Swift this
//! handle, or a stream's `close()`, is how a long call is stopped.

use tokio::task::JoinHandle;

#[derive(uniffi::Object)]
pub struct TaskHandle {
    handle: JoinHandle<()>,
}

impl TaskHandle {
    pub(crate) fn new(handle: JoinHandle<()>) -> Self {
        TaskHandle { handle }
    }
}

#[uniffi::export]
impl TaskHandle {
    /// Stops the task (its listener hears no more); again, or after it ended,
    /// does nothing.
    pub fn cancel(&self) {
        self.handle.abort();
    }

    /// Whether the task has ended (by itself, by its listener, or cancelled).
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}
