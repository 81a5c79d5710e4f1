//! `TaskHandle`: the owner of a listener's task (as matrix-rust-sdk's). `cancel()`
//! stops it, and so does dropping the handle (in Kotlin `close()` or leaving
//! `use {}`; in Swift or Python releasing it): its connection is closed at once
//! and the listener hears `on_end(Cancelled)`. Keep the handle as long as the
//! listener should hear. Swift's `Task.cancel()` does not reach Rust futures
//! (uniffi-rs #2771), so in Swift this handle, a stream's `cancel()` or a
//! `CancelHandle` is how a long call is stopped.

use tokio::task::JoinHandle;

#[derive(uniffi::Object)]
pub struct TaskHandle {
    handle: JoinHandle<()>,
    cancel: libdocker::Cancel,
}

impl TaskHandle {
    /// The handle of `handle`, a task that ends soon after `cancel` fires.
    pub(crate) fn new(handle: JoinHandle<()>, cancel: libdocker::Cancel) -> Self {
        TaskHandle { handle, cancel }
    }
}

#[uniffi::export]
impl TaskHandle {
    /// Stops the task: the listener hears `on_end(Cancelled)` and nothing
    /// more. Again, or after it ended, does nothing.
    pub fn cancel(&self) {
        self.cancel.cancel();
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
