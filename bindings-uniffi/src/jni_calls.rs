//! Kotlin's direct calls: the hottest methods of `Docker`, and the pull
//! streams' `nextBatch` (what every `Flow` reads), entered through JNI
//! instead of UniFFI's generated JNA calls. A generated call allocates JNA
//! structures for every crossing (its call status, its buffers) and a suspend
//! call crosses five times. Here Kotlin starts a call with one JNI call
//! (`start`), whose first poll runs on Kotlin's thread (`first_poll`: with a
//! pooled connection ready, that writes the request), and the answer comes
//! back with one call into the JVM (`Reply`), made at once when the answer is
//! ready in the first poll, else by the runtime thread that finishes the call
//! (attached to the JVM for good); a last JNI call frees the task (`release`).
//! A call made on a `DockerLoop`'s thread is driven by that loop instead
//! (`docker_loop`, whose entry points end this file): its answer comes back
//! on the loop's thread. Values and errors travel in UniFFI's own
//! serialization, so the Kotlin side lifts them with the generated converters
//! and gets exactly what the generated method would give.
//!
//! The Kotlin half is `bindings-uniffi/kotlin/dev/libdocker/DirectCalls.kt`; the
//! generated methods these replace are left out of the Kotlin bindings
//! (`uniffi.toml`). The methods themselves are the exported objects' own
//! (`Docker`'s, the streams'): nothing here builds a request.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};

use futures_util::FutureExt as _;
use jni::objects::{GlobalRef, JClass, JMethodID, JObject, JString, JValue};
use jni::signature::{Primitive, ReturnType};
use jni::sys::{jint, jlong};
use jni::{JNIEnv, JavaVM};
use libdocker::foreign_loop;
use uniffi::{Lower, LowerError};

use crate::client::Docker;
use crate::docker_loop::{DockerLoop, DrivenCall};
use crate::error::{DockerError, Result};
use crate::first_poll::{self, Started};
use crate::maps::{MapEventStream, MapLogStream};
use crate::monitor::MonitorStream;
use crate::runtime;
use crate::streams::{EventStream, JsonStream, LogStream, ProgressStream};
use crate::UniFfiTag;

/// What a completion needs: the JVM, and `DirectCall`'s `succeed` and `fail`.
struct Jvm {
    vm: JavaVM,
    succeed: JMethodID,
    fail: JMethodID,
}

static JVM: OnceLock<Jvm> = OnceLock::new();

fn jvm(env: &mut JNIEnv, call: &JObject) -> jni::errors::Result<&'static Jvm> {
    if let Some(jvm) = JVM.get() {
        return Ok(jvm);
    }
    let class = env.get_object_class(call)?;
    let jvm = Jvm {
        vm: env.get_java_vm()?,
        succeed: env.get_method_id(&class, "succeed", "([B)V")?,
        fail: env.get_method_id(&class, "fail", "([B)V")?,
    };
    Ok(JVM.get_or_init(|| jvm))
}

/// The object (a `Docker`, a `LogStream`) a Kotlin object's handle names, as
/// a new reference.
///
/// # Safety
/// `handle` is a live UniFFI handle of an `O` that the caller keeps alive
/// until this returns (the Kotlin side holds its call counter).
unsafe fn object<O>(handle: jlong) -> Option<Arc<O>> {
    // SAFETY: see above; UniFFI made the handle with Handle::from_arc.
    unsafe { uniffi::ffi::Handle::from_raw(handle as u64).map(|h| h.into_arc_borrowed()) }
}

/// A started call, to cancel and release: first polled here and then a task
/// of the runtime (`first_poll`), or driven by a `DockerLoop`'s thread.
enum Task {
    Runtime(Started),
    Loop(DrivenCall),
}

/// Starts `work` on `docker_loop` (a `DockerLoop`'s, from its own thread) or,
/// for 0, polled first here (`first_poll`); `call` (a Kotlin `DirectCall`)
/// hears its end. Gives the task to cancel and release.
fn start<O, F, T>(
    env: &mut JNIEnv,
    handle: jlong,
    docker_loop: jlong,
    call: JObject,
    work: impl FnOnce(Arc<O>) -> F,
) -> std::result::Result<jlong, String>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Lower<UniFfiTag> + Send + 'static,
{
    let jvm = jvm(env, &call).map_err(|e| format!("DirectCall is not as expected: {e}"))?;
    // SAFETY: the Kotlin side holds the object's call counter during this call.
    let object = unsafe { object(handle) }.ok_or("the object's handle is null")?;
    let reply = Reply {
        jvm,
        call: Some(env.new_global_ref(call).map_err(|e| e.to_string())?),
    };
    // Boxed at once: a call's future is large (16 KiB for a ping), and every
    // move of it before its first poll is a copy of all of it.
    let work = AssertUnwindSafe(Box::pin(work(object))).catch_unwind();
    let work = async move {
        let answer = work
            .await
            .unwrap_or_else(|panic| Err(DockerError::panic(panic)));
        reply.send(answer);
    };
    let task = if docker_loop == 0 {
        Task::Runtime(first_poll::start(work))
    } else {
        // SAFETY: a live loop from `loopNew`, on whose thread Kotlin calls this.
        Task::Loop(unsafe { &*(docker_loop as *const DockerLoop) }.start(work))
    };
    Ok(Box::into_raw(Box::new(task)) as jlong)
}

/// Runs an entry point's body: a failure to start, or a panic, is thrown in
/// Kotlin as an `IllegalStateException` (0 is returned then).
fn boundary(
    env: &mut JNIEnv,
    body: impl FnOnce(&mut JNIEnv) -> std::result::Result<jlong, String>,
) -> jlong {
    let failed = match std::panic::catch_unwind(AssertUnwindSafe(|| body(env))) {
        Ok(Ok(value)) => return value,
        Ok(Err(reason)) => reason,
        Err(panic) => DockerError::panic(panic).to_string(),
    };
    if !env.exception_check().unwrap_or(true) {
        let _ = env.throw_new("java/lang/IllegalStateException", failed);
    }
    0
}

/// A Kotlin string argument.
fn text(env: &mut JNIEnv, s: &JString) -> std::result::Result<String, String> {
    env.get_string(s)
        .map(Into::into)
        .map_err(|e| format!("a string argument could not be read: {e}"))
}

/// Where a call's answer goes: its Kotlin `DirectCall`, exactly once. A call
/// dropped before its end (cancelled, or left on a closed `DockerLoop`) sends
/// `Cancelled`: a cancelled coroutine ignores it, any other caller hears it
/// instead of waiting for ever.
struct Reply {
    jvm: &'static Jvm,
    call: Option<GlobalRef>,
}

impl Reply {
    fn send<T: Lower<UniFfiTag>>(mut self, answer: Result<T>) {
        // Lowered before the call is taken: a panic here still answers (`drop`).
        let (method, bytes) = match answer {
            Ok(value) => {
                let mut bytes = Vec::new();
                T::write(value, &mut bytes);
                (self.jvm.succeed, bytes)
            }
            Err(e) => (self.jvm.fail, lowered(e)),
        };
        if let Some(call) = self.call.take() {
            deliver(self.jvm, &call, method, &bytes);
        }
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            let e = DockerError::Cancelled {
                reason: "the call was dropped before its end (cancelled, or its DockerLoop closed)"
                    .into(),
            };
            deliver(self.jvm, &call, self.jvm.fail, &lowered(e));
        }
    }
}

fn lowered(e: DockerError) -> Vec<u8> {
    <DockerError as LowerError<UniFfiTag>>::lower_error(e).destroy_into_vec()
}

/// Calls `method` (`succeed` or `fail`) of the Kotlin `call` with `bytes`, on
/// whichever thread the call ended.
/// Kotlin code it runs (a coroutine resumed at once, cancellation handlers)
/// runs as code outside the poll it may be called from.
fn deliver(jvm: &Jvm, call: &GlobalRef, method: JMethodID, bytes: &[u8]) {
    foreign_loop::suspended(|| runtime::out_of_place(|| deliver_here(jvm, call, method, bytes)));
}

fn deliver_here(jvm: &Jvm, call: &GlobalRef, method: JMethodID, bytes: &[u8]) {
    // The caller's thread (an answer ready at once), a loop's thread, or a
    // runtime thread, which then stays attached to the JVM (as a daemon)
    // whatever LIBDOCKER_JVM_ATTACH says: attaching for every answer is what
    // this avoids.
    let delivered = jvm
        .vm
        .attach_current_thread_as_daemon()
        .and_then(|mut env| {
            // A frame for the local references: a runtime thread never returns to Java.
            env.with_local_frame(4, |env| -> jni::errors::Result<()> {
                let array = env.byte_array_from_slice(bytes)?;
                // SAFETY: the method ids are DirectCall's `(byte[]) -> void` methods.
                let called = unsafe {
                    env.call_method_unchecked(
                        call.as_obj(),
                        method,
                        ReturnType::Primitive(Primitive::Void),
                        &[JValue::Object(&array).as_jni()],
                    )
                };
                if called.is_err() && env.exception_check()? {
                    // DirectCall catches its own failures; anything else is a bug to show.
                    env.exception_describe()?;
                    env.exception_clear()?;
                }
                Ok(())
            })
        });
    if let Err(e) = delivered {
        // Only a JVM out of memory or shutting down gets here; say so rather
        // than leave a caller waiting without a word.
        eprintln!("libdocker: a Kotlin direct call's answer could not be handed back: {e}");
    }
}

/// Entry points of suspend methods: `Java_…(handle, args…, call) -> task`.
macro_rules! direct_async {
    ($($java:ident($d:ident $(, $arg:ident)*) => $work:expr;)*) => {$(
        #[no_mangle]
        pub extern "system" fn $java(
            mut env: JNIEnv,
            _: JClass,
            handle: jlong,
            docker_loop: jlong,
            $($arg: JString,)*
            call: JObject,
        ) -> jlong {
            boundary(&mut env, |env| {
                $(let $arg = text(env, &$arg)?;)*
                start(env, handle, docker_loop, call, move |$d: Arc<Docker>| async move { $work })
            })
        }
    )*};
}

direct_async! {
    Java_dev_libdocker_DirectCalls_ping(d) => d.ping().await;
    Java_dev_libdocker_DirectCalls_apiVersion(d) => d.api_version().await;
    Java_dev_libdocker_DirectCalls_version(d) => d.version().await;
    Java_dev_libdocker_DirectCalls_info(d) => d.info().await;
    Java_dev_libdocker_DirectCalls_invoke(d, op, params) => d.invoke(op, params).await;
}

/// Entry points of the pull streams' `nextBatch(most)`, what `asFlow()` reads:
/// `Java_…(handle, most, call) -> task`, one crossing each way per batch.
macro_rules! direct_next_batch {
    ($($java:ident => $stream:ty;)*) => {$(
        #[no_mangle]
        pub extern "system" fn $java(
            mut env: JNIEnv,
            _: JClass,
            handle: jlong,
            docker_loop: jlong,
            most: jint,
            call: JObject,
        ) -> jlong {
            boundary(&mut env, |env| {
                // Kotlin's UInt arrives as the Int of the same bits.
                let most = most as u32;
                start(env, handle, docker_loop, call, move |s: Arc<$stream>| s.next_batch(most))
            })
        }
    )*};
}

direct_next_batch! {
    Java_dev_libdocker_DirectCalls_logStreamNextBatch => LogStream;
    Java_dev_libdocker_DirectCalls_progressStreamNextBatch => ProgressStream;
    Java_dev_libdocker_DirectCalls_eventStreamNextBatch => EventStream;
    Java_dev_libdocker_DirectCalls_jsonStreamNextBatch => JsonStream;
    Java_dev_libdocker_DirectCalls_monitorStreamNextBatch => MonitorStream;
    Java_dev_libdocker_DirectCalls_mapEventStreamNextBatch => MapEventStream;
    Java_dev_libdocker_DirectCalls_mapLogStreamNextBatch => MapLogStream;
}

/// `openConnections()`, a plain call.
#[no_mangle]
pub extern "system" fn Java_dev_libdocker_DirectCalls_openConnections(
    mut env: JNIEnv,
    _: JClass,
    handle: jlong,
) -> jint {
    boundary(&mut env, |_| {
        // SAFETY: the Kotlin side holds the Docker's call counter during this call.
        let docker = unsafe { object::<Docker>(handle) }.ok_or("the Docker's handle is null")?;
        Ok(docker.open_connections() as jlong)
    }) as jint
}

/// Stops a started call: its future is dropped (closing its connection) and
/// its `DirectCall` hears `Cancelled`, which a cancelled coroutine ignores.
#[no_mangle]
pub extern "system" fn Java_dev_libdocker_DirectCalls_cancel(
    mut env: JNIEnv,
    _: JClass,
    task: jlong,
) {
    boundary(&mut env, |_| {
        if task != 0 {
            // SAFETY: a task from `start`, not yet released (Kotlin's order).
            match unsafe { &*(task as *const Task) } {
                Task::Runtime(started) => started.cancel(),
                Task::Loop(driven) => driven.cancel(),
            }
        }
        Ok(0)
    });
}

/// Frees a started call's task (once, after it ended or was cancelled).
#[no_mangle]
pub extern "system" fn Java_dev_libdocker_DirectCalls_release(
    mut env: JNIEnv,
    _: JClass,
    task: jlong,
) {
    boundary(&mut env, |_| {
        if task != 0 {
            // SAFETY: a task from `start`, released once (Kotlin's order).
            drop(unsafe { Box::from_raw(task as *mut Task) });
        }
        Ok(0)
    });
}

/// `DockerLoop`'s native half: its calls and its wake-up (`docker_loop`).
/// Gives the loop, which `loopFree` frees.
#[no_mangle]
pub extern "system" fn Java_dev_libdocker_DirectCalls_loopNew(mut env: JNIEnv, _: JClass) -> jlong {
    boundary(&mut env, |_| {
        let docker_loop =
            DockerLoop::new().map_err(|e| format!("a DockerLoop could not be made: {e}"))?;
        Ok(Box::into_raw(Box::new(docker_loop)) as jlong)
    })
}

/// On the loop's thread, when it has no coroutine to run: waits for its calls'
/// sockets or a wake-up, at most `timeout_ms` (-1: no limit), and polls the
/// calls that can go on.
#[no_mangle]
pub extern "system" fn Java_dev_libdocker_DirectCalls_loopWait(
    mut env: JNIEnv,
    _: JClass,
    docker_loop: jlong,
    timeout_ms: jint,
) {
    boundary(&mut env, |_| {
        // SAFETY: a live loop from `loopNew`, on its own thread (Kotlin's order).
        let docker_loop = unsafe { (docker_loop as *const DockerLoop).as_ref() }
            .ok_or("the DockerLoop's handle is null")?;
        docker_loop
            .wait(timeout_ms)
            .map_err(|e| format!("a DockerLoop could not wait for its sockets: {e}"))?;
        Ok(0)
    });
}

/// Wakes the loop's thread from `loopWait` (any thread).
#[no_mangle]
pub extern "system" fn Java_dev_libdocker_DirectCalls_loopWake(
    mut env: JNIEnv,
    _: JClass,
    docker_loop: jlong,
) {
    boundary(&mut env, |_| {
        // SAFETY: a live loop from `loopNew` (Kotlin wakes it only before its free).
        if let Some(docker_loop) = unsafe { (docker_loop as *const DockerLoop).as_ref() } {
            docker_loop.wake();
        }
        Ok(0)
    });
}

/// Frees a loop (once, on its thread, after its last `loopWait`): the calls
/// still on it are dropped, closing their connections, and their callers hear
/// `Cancelled`.
#[no_mangle]
pub extern "system" fn Java_dev_libdocker_DirectCalls_loopFree(
    mut env: JNIEnv,
    _: JClass,
    docker_loop: jlong,
) {
    boundary(&mut env, |_| {
        if docker_loop != 0 {
            // SAFETY: a loop from `loopNew`, freed once (Kotlin's order).
            drop(unsafe { Box::from_raw(docker_loop as *mut DockerLoop) });
        }
        Ok(0)
    });
}
