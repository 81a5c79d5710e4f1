//! Waiting inside a step of a `Call`, where the event loop itself would wait.
//!
//! A call answered whole is pending after its first step: the request is out
//! and the answer not in yet. Going back to the loop then costs two of its
//! iterations and a socket watched and unwatched, as much again as the whole call
//! costs a blocking caller. So when the loop has nothing else to do (no callback
//! ready, no timer due sooner, not stopping), the step waits right here for its
//! socket *or* the loop's own selector, with the GIL released. Anything that
//! would wake the loop (another socket, a thread's `call_soon_threadsafe`, a
//! signal, the runtime's eventfd, which a wake of the call itself writes too)
//! ends the wait, and the step goes back to the loop as usual (after one more
//! poll, if its socket got ready meanwhile); a sequence of calls then costs what
//! blocking calls do.
//!
//! Only asyncio's own selector loops are looked into this way (their selector
//! is a pollable descriptor, and their queues are plain attributes); on other
//! loops (uvloop) every pending step goes back to the loop.

use std::os::fd::RawFd;
use std::time::Duration;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyList;

use libdocker::foreign_loop::Wait;

/// The longest one wait lasts before the step goes back to the loop.
const LONGEST: Duration = Duration::from_millis(20);

/// The descriptor of `event_loop`'s selector, if it is one of asyncio's own
/// selector loops, running asyncio's own iteration over an epoll selector: the
/// loops whose state this module knows how to read.
pub fn selector_of(event_loop: &Bound<'_, PyAny>) -> Option<RawFd> {
    let py = event_loop.py();
    let asyncio_own = || -> PyResult<bool> {
        let base_events = py.import("asyncio.base_events")?;
        let selector_events = py.import("asyncio.selector_events")?;
        let epoll = py.import("selectors")?.getattr("EpollSelector")?;
        let run_once = intern!(py, "_run_once");
        Ok(
            event_loop.is_instance(&selector_events.getattr("BaseSelectorEventLoop")?)?
                && event_loop
                    .get_type()
                    .getattr(run_once)?
                    .is(&base_events.getattr("BaseEventLoop")?.getattr(run_once)?)
                && event_loop.getattr("_selector")?.get_type().is(&epoll)
                && ["_ready", "_scheduled", "_stopping"]
                    .iter()
                    .all(|a| event_loop.hasattr(*a).unwrap_or(false)),
        )
    };
    if !asyncio_own().unwrap_or(false) {
        return None;
    }
    let fd: RawFd = event_loop
        .getattr("_selector")
        .and_then(|s| s.call_method0("fileno"))
        .and_then(|fd| fd.extract())
        .ok()?;
    (fd >= 0).then_some(fd)
}

/// Waits for `wait`'s socket while the loop is idle; whether it became ready
/// (`false`: the loop has work, or got some, or the wait ran out).
pub fn wait_while_idle(event_loop: &Bound<'_, PyAny>, selector: RawFd, wait: Wait) -> bool {
    // A loop whose state reads otherwise than expected is treated as busy.
    let Ok(Some(limit)) = idle_for(event_loop) else {
        return false;
    };
    let direction = if wait.writable {
        libc::POLLOUT
    } else {
        libc::POLLIN
    };
    let mut fds = [
        libc::pollfd {
            fd: wait.fd,
            events: direction,
            revents: 0,
        },
        libc::pollfd {
            fd: selector,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    let timeout = libc::timespec {
        tv_sec: limit.as_secs() as libc::time_t,
        tv_nsec: limit.subsec_nanos() as libc::c_long,
    };
    crate::gil::released(event_loop.py(), || {
        // SAFETY: two live pollfd entries and a live timespec; no signal mask.
        let n = unsafe { libc::ppoll(fds.as_mut_ptr(), 2, &timeout, std::ptr::null()) };
        // Ready, hung up or failed: the next read or write says which.
        n > 0 && fds[0].revents != 0
    })
}

/// How long the loop would sleep now, at most [`LONGEST`]: `None` if it has
/// work (a callback ready, a timer due, a stop asked for).
fn idle_for(event_loop: &Bound<'_, PyAny>) -> PyResult<Option<Duration>> {
    let py = event_loop.py();
    if event_loop.getattr(intern!(py, "_ready"))?.len()? > 0
        || event_loop.getattr(intern!(py, "_stopping"))?.is_truthy()?
    {
        return Ok(None);
    }
    let mut limit = LONGEST;
    let scheduled = event_loop.getattr(intern!(py, "_scheduled"))?;
    if let Ok(first) = scheduled.cast::<PyList>()?.get_item(0) {
        let when: f64 = first.getattr(intern!(py, "_when"))?.extract()?;
        let now: f64 = event_loop.call_method0(intern!(py, "time"))?.extract()?;
        match Duration::try_from_secs_f64(when - now) {
            Ok(left) if !left.is_zero() => limit = limit.min(left),
            _ => return Ok(None),
        }
    }
    Ok(Some(limit))
}
