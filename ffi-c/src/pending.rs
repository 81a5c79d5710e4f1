//! Calls driven by the caller's own event loop (an epoll loop, libuv, a GUI's
//! main loop): `docker_client_invoke_start` makes the call without blocking,
//! and `docker_pending_poll` moves it on and names the socket to watch before
//! the next poll. A whole answer goes over a socket the caller's loop watches
//! (`libdocker::foreign_loop`), so the daemon's answer wakes the caller's
//! thread directly, as it wakes a blocking caller; what the call waits for in
//! libdocker's runtime instead (a time limit, a TLS connection, a connection
//! freed under the pool's cap) makes the call's wake descriptor readable.

use std::ffi::{c_char, c_int};
use std::future::Future;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};

use libdocker::blocking::Docker;
use libdocker::{foreign_loop, Error};

use crate::call::{docker_call, Call};
use crate::client::docker_client;
use crate::error::{docker_result, fail, set_last_error};
use crate::ffi::{from_raw, into_raw};
use crate::string::to_c_string;

/// A call started by `docker_client_invoke_start`. Not thread-safe: poll it,
/// read its wake descriptor and free it from one thread at a time (it may move
/// between threads). Released, and cancelled if it has not ended, by
/// `docker_pending_free`.
pub struct docker_pending {
    _private: [u8; 0],
}

type Answer = Pin<Box<dyn Future<Output = Result<String, Error>> + Send>>;

struct Pending {
    /// `None` once it has ended.
    answer: Option<Answer>,
    wake: Arc<WakeFd>,
    waker: Waker,
}

/// An eventfd that a wake-up of the call makes readable.
struct WakeFd(OwnedFd);

impl WakeFd {
    fn new() -> io::Result<WakeFd> {
        // SAFETY: eventfd has no memory preconditions; a new descriptor or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor, owned from here on.
        Ok(WakeFd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Takes the wake-ups so far (the descriptor is no longer readable).
    fn drain(&self) {
        let mut count = [0u8; 8];
        // SAFETY: reads at most 8 bytes into `count`; the eventfd is non-blocking.
        unsafe { libc::read(self.0.as_raw_fd(), count.as_mut_ptr().cast(), 8) };
    }
}

impl Wake for WakeFd {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let one = 1u64.to_ne_bytes();
        // SAFETY: writes 8 bytes from `one`. A full counter (never, in practice)
        // leaves the descriptor readable anyway.
        unsafe { libc::write(self.0.as_raw_fd(), one.as_ptr().cast(), 8) };
    }
}

/// The runtime whose thread runs what pending calls wait for besides their
/// sockets (timers, TLS, streams): `foreign_loop` wants a multi-thread one.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("libdocker-c")
            .enable_all()
            .build()
            .expect("cannot start the tokio runtime of libdocker (out of threads or memory?)")
    })
}

/// Starts operation `op` like `docker_client_invoke` (the same parameters and
/// answers; streams and hijacked connections refused the same way), without
/// blocking: sets `*out` to the pending call, which the caller's event loop
/// moves on with `docker_pending_poll`; nothing is sent before its first poll.
/// Parameters that are not valid JSON fail here; the rest (an unknown
/// operation or parameter) is reported by a poll. `op`, `params_json` and the
/// body are copied. Release the call with `docker_pending_free`, which cancels
/// it if it has not ended; the call keeps what it needs of the client, which
/// may be freed first. Its wake descriptor is an eventfd (Linux). A thread that
/// holds as many pending calls as the client's connection cap and then makes a
/// blocking call on the same client waits for ever: keep blocking calls off
/// such a loop's thread.
#[no_mangle]
pub extern "C" fn docker_client_invoke_start(
    client: *const docker_client,
    op: *const c_char,
    params_json: *const c_char,
    body: *const u8,
    body_len: usize,
    out: *mut *mut docker_pending,
) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        let op = try_str!(op);
        let params = try_opt_str!(params_json);
        let body = try_slice!(body, body_len);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        start(docker, Call::op(op, params, body), out)
    }
}

/// Starts `call` (a `docker_call`, with its time limit, headers, cancel handle
/// or raw request) like `docker_client_call`, without blocking, as
/// `docker_client_invoke_start` does; sets `*out`. Consumes `call` whatever the
/// outcome. A body read through a callback is refused
/// (`DOCKER_RESULT_INVALID_PARAMS`): send such a call with `docker_client_call`.
#[no_mangle]
pub extern "C" fn docker_client_call_start(
    client: *const docker_client,
    call: *mut docker_call,
    out: *mut *mut docker_pending,
) -> docker_result {
    ffi_boundary! {
        let call = try_take!(call as Call);
        let docker = try_ref!(client as Docker);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        start(docker, *call, out)
    }
}

/// Makes `call` a pending call in `*out`.
fn start(docker: &Docker, call: Call, out: &mut *mut docker_pending) -> docker_result {
    let answer =
        match call.into_whole_text(docker.client(), "read it with docker_client_invoke_stream") {
            Ok(answer) => Box::pin(answer) as Answer,
            Err(e) => return fail(e),
        };
    let wake = match WakeFd::new() {
        Ok(wake) => Arc::new(wake),
        Err(e) => {
            set_last_error(format!("no descriptor for the call's wake-ups: {e}"));
            return docker_result::Io;
        }
    };
    *out = into_raw::<Pending, _>(Pending {
        answer: Some(answer),
        waker: Waker::from(wake.clone()),
        wake,
    });
    docker_result::Ok
}

/// The descriptor that a pending call makes readable when it can go on for a
/// reason other than its socket: watch it, beside the socket a poll names,
/// whenever the call is pending. Owned by the call: valid until
/// `docker_pending_free`, do not close it, and stop watching it (and the
/// call's socket) before freeing the call. -1 for NULL.
#[no_mangle]
pub extern "C" fn docker_pending_wake_fd(pending: *const docker_pending) -> c_int {
    ffi_boundary! {
        // SAFETY: NULL or a call from docker_client_invoke_start, not freed.
        unsafe { pending.cast::<Pending>().as_ref() }.map_or(-1, |p| p.wake.0.as_raw_fd())
    }
}

/// Moves the call on without blocking. `out_fd`, `out_writable` and
/// `out_json` must not be NULL.
/// - `DOCKER_RESULT_OK`: it has ended, and `*out_json` is its answer, as
///   `docker_client_invoke` gives it (release it with `docker_string_free`).
/// - `DOCKER_RESULT_PENDING` (not a failure; `docker_error_message` is not
///   set for it): it waits. `*out_fd` is the socket to watch, for writing if
///   `*out_writable`, else for reading, or -1 when it waits only for its wake
///   descriptor (`docker_pending_wake_fd`, which is to be watched in any case,
///   for reading). Poll again when either is ready; a poll too early only
///   costs a retry. Stop watching the socket before the next poll: it may be
///   another one by then.
/// - `DOCKER_RESULT_NULL_PARAMETER`: a pointer was NULL; nothing happened.
/// - Anything else: it failed and has ended, with that code and message (a
///   `DOCKER_RESULT_PANIC` included).
///
/// Polling a call that has ended fails with `DOCKER_RESULT_INVALID_PARAMS`.
#[no_mangle]
pub extern "C" fn docker_pending_poll(
    pending: *mut docker_pending,
    out_fd: *mut c_int,
    out_writable: *mut bool,
    out_json: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let pending = try_mut!(pending as Pending);
        let out = try_mut!(out_json);
        let out_fd = try_mut!(out_fd);
        let out_writable = try_mut!(out_writable);
        *out = std::ptr::null_mut();
        *out_fd = -1;
        *out_writable = false;
        // Taken while polled: a panic in the poll drops it, and the call has ended.
        let Some(mut answer) = pending.answer.take() else {
            set_last_error(
                "docker_pending_poll: this call has ended already (its answer was given); \
                 release it with docker_pending_free"
                    .to_string(),
            );
            return docker_result::InvalidParams;
        };
        pending.wake.drain();
        let (polled, waits) = {
            let _runtime = runtime().enter();
            foreign_loop::poll(answer.as_mut(), &mut Context::from_waker(&pending.waker))
        };
        match polled {
            Poll::Pending => {
                pending.answer = Some(answer);
                // A whole answer waits on one socket at a time; were there more,
                // the wake descriptor has the caller poll again at once.
                if let Some(wait) = waits.first() {
                    *out_fd = wait.fd;
                    *out_writable = wait.writable;
                }
                if waits.len() > 1 {
                    pending.waker.wake_by_ref();
                }
                docker_result::Pending
            }
            Poll::Ready(Ok(text)) => {
                *out = to_c_string(text);
                docker_result::Ok
            }
            Poll::Ready(Err(e)) => fail(e),
        }
    }
}

/// Releases a pending call (stop watching its descriptors first). One that has
/// not ended is cancelled: nothing more is sent, and its connection is closed.
/// NULL does nothing.
#[no_mangle]
pub extern "C" fn docker_pending_free(pending: *mut docker_pending) {
    ffi_boundary! {
        // SAFETY: from docker_client_invoke_start, freed once.
        if let Some(pending) = unsafe { from_raw::<Pending, _>(pending) } {
            // What the call holds in the runtime (a timer) goes with it there.
            let _runtime = runtime().enter();
            drop(pending);
        }
    }
}
