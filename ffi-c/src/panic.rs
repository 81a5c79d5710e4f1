//! The panic boundary: a panic must never unwind into C. Every entry point runs its
//! body through [`entry!`], which catches a panic and returns `DOCKER_RESULT_PANIC`
//! (or null / nothing where the function returns no result).

use std::cell::Cell;

use crate::error::{docker_result, set_last_error};

/// What a function returns when its body panicked.
pub(crate) trait PanicValue {
    fn panicked() -> Self;
}

impl PanicValue for docker_result {
    fn panicked() -> Self {
        set_last_error("libdocker panicked (a bug: please report it)".into());
        docker_result::Panic
    }
}

impl PanicValue for bool {
    fn panicked() -> Self {
        false
    }
}

impl PanicValue for () {
    fn panicked() -> Self {}
}

/// A file descriptor: -1, none.
impl PanicValue for std::ffi::c_int {
    fn panicked() -> Self {
        -1
    }
}

impl<T> PanicValue for *mut T {
    fn panicked() -> Self {
        std::ptr::null_mut()
    }
}

impl<T> PanicValue for *const T {
    fn panicked() -> Self {
        std::ptr::null()
    }
}

thread_local! {
    /// Set while a body runs, so the default panic message is not printed twice.
    static IN_ENTRY: Cell<bool> = const { Cell::new(false) };
}

/// Runs `body`, turning a panic into `R::panicked()`.
pub(crate) fn boundary<R: PanicValue>(body: impl FnOnce() -> R) -> R {
    let was = IN_ENTRY.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    IN_ENTRY.with(|c| c.set(was));
    result.unwrap_or_else(|_| R::panicked())
}

/// The body of an entry point, run inside [`boundary`]: an early `return` (as
/// the checks of `ffi.rs` do) leaves the body with that value.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        $crate::panic::boundary(move || { $($body)* })
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_result_code_with_a_message_not_an_unwind() {
        std::panic::set_hook(Box::new(|_| {}));
        let r: docker_result = boundary(|| panic!("boom"));
        let _ = std::panic::take_hook();
        assert_eq!(r, docker_result::Panic);
        let mut buf = [0 as std::ffi::c_char; 128];
        let mut n = 0;
        let got = crate::string::docker_error_message(buf.as_mut_ptr(), buf.len(), &mut n);
        assert_eq!(got, docker_result::Ok);
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
            .to_str()
            .unwrap();
        assert!(text.contains("panicked"), "{text}");
        assert_eq!(n, text.len());
        let p: *mut u8 = boundary(|| panic!("boom"));
        assert!(p.is_null());
    }
}
