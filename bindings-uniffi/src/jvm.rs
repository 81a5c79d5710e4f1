//! Attaching the runtime's threads to a JVM once. JNA attaches a native thread
//! to the JVM for each call into Kotlin (a listener's callback) and detaches it
//! afterwards, a heavy operation per event; a thread attached already is left
//! alone. When this library lives in a JVM (found through the JVM's exported
//! `JNI_GetCreatedJavaVMs`), each runtime thread attaches itself as a daemon
//! thread when it starts. Elsewhere (Swift, Python) nothing happens.

use std::ffi::{c_void, CStr};
use std::sync::OnceLock;

/// The JNI invocation interface's function table (`JNIInvokeInterface_`).
#[repr(C)]
struct InvokeInterface {
    reserved: [*mut c_void; 3],
    destroy_java_vm: *mut c_void,
    attach_current_thread: *mut c_void,
    detach_current_thread: *mut c_void,
    get_env: *mut c_void,
    attach_current_thread_as_daemon: unsafe extern "system" fn(
        *mut *const InvokeInterface,
        *mut *mut c_void,
        *mut c_void,
    ) -> i32,
}

type JavaVm = *mut *const InvokeInterface;
type GetCreatedJavaVms = unsafe extern "system" fn(*mut JavaVm, i32, *mut i32) -> i32;

struct Vm(JavaVm);
// SAFETY: a JavaVM pointer is valid process-wide and usable from any thread (JNI spec).
unsafe impl Send for Vm {}
unsafe impl Sync for Vm {}

/// The JVM this process runs, if any.
fn vm() -> Option<&'static Vm> {
    static VM: OnceLock<Option<Vm>> = OnceLock::new();
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
        let mut vm: JavaVm = std::ptr::null_mut();
        let mut count = 0i32;
        // SAFETY: room for one VM pointer and the count, as the function expects.
        let status = unsafe { get(&mut vm, 1, &mut count) };
        (status == 0 && count > 0 && !vm.is_null()).then_some(Vm(vm))
    })
    .as_ref()
}

/// Attaches the current thread to the JVM for good (as a daemon thread, so it
/// never keeps the JVM from exiting); whether it is attached.
pub fn attach_current_thread() -> bool {
    let Some(vm) = vm() else {
        return false;
    };
    let mut env: *mut c_void = std::ptr::null_mut();
    // SAFETY: vm is a live JavaVM; the function table's slot 7 is
    // AttachCurrentThreadAsDaemon in every JNI version; args may be NULL.
    unsafe { ((**vm.0).attach_current_thread_as_daemon)(vm.0, &mut env, std::ptr::null_mut()) == 0 }
}
