//! Attaching the runtime's threads to a JVM once. JNA attaches a native thread
//! to the JVM for each call into Kotlin (a listener's callback) and detaches it
//! afterwards, a heavy operation per event; a thread attached already is left
//! alone. When this library lives in a JVM (found through the JVM's exported
//! `JNI_GetCreatedJavaVMs`), each runtime thread attaches itself as a daemon
//! thread when it starts. Elsewhere (Swift, Python) nothing happens.

use std::ffi::CStr;
use std::sync::OnceLock;

use jni::sys::{jint, jsize, JavaVM as RawVm, JNI_OK};
use jni::JavaVM;

type GetCreatedJavaVms = unsafe extern "system" fn(*mut *mut RawVm, jsize, *mut jsize) -> jint;

/// The JVM this process runs, if any.
fn vm() -> Option<&'static JavaVM> {
    static VM: OnceLock<Option<JavaVM>> = OnceLock::new();
    VM.get_or_init(|| {
        let name: &CStr = c"JNI_GetCreatedJavaVMs";
        // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name; the symbol, when
        // present, has the JNI signature (the java launcher loads libjvm globally).
        let sym = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
        if sym.is_null() {
            return None;
        }
        // SAFETY: the symbol is JNI_GetCreatedJavaVMs (see above).
        let get: GetCreatedJavaVms = unsafe { std::mem::transmute(sym) };
        let mut vm: *mut RawVm = std::ptr::null_mut();
        let mut count: jsize = 0;
        // SAFETY: room for one VM pointer and the count, as the function expects.
        let status = unsafe { get(&mut vm, 1, &mut count) };
        if status != JNI_OK || count == 0 {
            return None;
        }
        // SAFETY: a live JavaVM pointer from the JVM itself, valid process-wide.
        unsafe { JavaVM::from_raw(vm) }.ok()
    })
    .as_ref()
}

/// Attaches the current thread to the JVM for good (as a daemon thread, so it
/// never keeps the JVM from exiting); whether it is attached.
pub fn attach_current_thread() -> bool {
    vm().is_some_and(|vm| vm.attach_current_thread_as_daemon().is_ok())
}
