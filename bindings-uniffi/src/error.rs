//! One error enum for every UniFFI language, made from the core's single list
//! of error kinds (`libdocker::for_each_error_kind!`, which also makes C's
//! result codes and Python's exception classes): a variant per kind,
//! `Callback` for a listener that threw and `Panic` for a bug caught at the
//! boundary. In Kotlin it is `DockerException`, in
//! Swift `DockerError`; each variant carries the whole message as `reason`.

macro_rules! docker_errors {
    ($($(#[$doc:meta])* $kind:ident = $code:literal, $name:literal, $py:literal < $parent:literal;)*) => {
        /// What went wrong; the variant says which kind of failure it is.
        #[derive(Debug, thiserror::Error, uniffi::Error)]
        pub enum DockerError {
            $(
                $(#[$doc])*
                #[error("{reason}")]
                $kind { reason: String },
            )*
            /// A listener implemented in the foreign language threw.
            #[error("{reason}")]
            Callback { reason: String },
            /// A bug in libdocker: a panic, caught at the boundary (as C's
            /// `DOCKER_RESULT_PANIC`). The client stays usable.
            #[error("{reason}")]
            Panic { reason: String },
        }

        impl From<libdocker::Error> for DockerError {
            fn from(e: libdocker::Error) -> Self {
                let reason = e.to_string();
                match e.kind() {
                    $(libdocker::ErrorKind::$kind => DockerError::$kind { reason },)*
                    // ErrorKind is non_exhaustive; every kind is listed above.
                    _ => DockerError::Status { reason },
                }
            }
        }
    };
}

libdocker::for_each_error_kind!(docker_errors);

impl From<uniffi::UnexpectedUniFFICallbackError> for DockerError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        DockerError::Callback { reason: e.reason }
    }
}

impl DockerError {
    /// A panic's payload as a `Panic` error.
    pub(crate) fn panic(payload: Box<dyn std::any::Any + Send>) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into());
        DockerError::Panic {
            reason: format!("libdocker panicked (a bug; please report it): {what}"),
        }
    }

    /// An argument the bindings could not use (bad JSON, a bad number).
    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        DockerError::InvalidParams {
            reason: reason.into(),
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, DockerError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_error_keeps_its_kind_and_message() {
        let e = DockerError::from(libdocker::Error::from_status(
            404,
            "No such container: x".into(),
        ));
        assert!(
            matches!(&e, DockerError::NotFound { reason } if reason.contains("No such container"))
        );
    }
}
