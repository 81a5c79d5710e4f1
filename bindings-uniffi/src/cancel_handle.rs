//! `CancelHandle`: ends calls from outside them. A client made by
//! `Docker.withCancel(handle)` shares its connections with the client it came
//! from, and every call through it ends with `DockerError.Cancelled` (its
//! connection closed) once the handle fires. Kotlin does not need it (a
//! cancelled coroutine drops the Rust future); Swift does, because `Task.cancel()`
//! does not reach Rust futures (uniffi-rs #2771): it is how a Swift program stops
//! a `waitContainer`, an `exec` or a `run`.

#[derive(uniffi::Object, Default)]
pub struct CancelHandle {
    pub(crate) cancel: libdocker::Cancel,
}

#[uniffi::export]
impl CancelHandle {
    #[uniffi::constructor]
    pub fn new() -> std::sync::Arc<Self> {
        std::sync::Arc::new(CancelHandle::default())
    }

    /// Fires, from any thread: the calls of clients made with this handle end
    /// now, and later ones end at once. Again does nothing.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether it has fired.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}
