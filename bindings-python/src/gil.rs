//! The one place where the GIL is released: around every blocking wait on the
//! daemon, so other Python threads run meanwhile.

use pyo3::Python;

/// Runs `work` with the GIL released.
pub fn unlocked<T, F>(py: Python<'_>, work: F) -> T
where
    F: Send + FnOnce() -> T,
    T: Send,
{
    py.detach(work)
}
