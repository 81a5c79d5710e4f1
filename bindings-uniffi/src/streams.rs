//! Streams in two forms. (a) Pull objects: `next()` is a suspend function / an
//! async method giving the next item or null at the end; the Kotlin extension
//! turns one into a `Flow`, the Swift one into an `AsyncSequence`. `cancel()` (or
//! freeing the object: Kotlin's `close()` or `use {}`) ends it and closes its
//! connection. (b) Listeners: a
//! method taking a listener returns a `TaskHandle`; the listener hears every item
//! and then `on_end` once, and stops the stream by returning true, as
//! asyncdocker's callbacks do.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::{FutureExt, Stream, StreamExt};
use tokio::sync::Mutex;

use crate::error::{DockerError, Result};
use crate::runtime;
use crate::task_handle::TaskHandle;

/// Which standard stream a chunk of output is from (TTY output is all `Stdout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StdStream {
    Stdin,
    Stdout,
    Stderr,
}

/// A piece of a process's output.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LogChunk {
    pub stream: StdStream,
    pub data: Vec<u8>,
}

impl From<libdocker::LogChunk> for LogChunk {
    fn from(c: libdocker::LogChunk) -> Self {
        LogChunk {
            stream: match c.stream {
                libdocker::StdStream::Stdin => StdStream::Stdin,
                libdocker::StdStream::Stdout => StdStream::Stdout,
                libdocker::StdStream::Stderr => StdStream::Stderr,
            },
            data: c.bytes.to_vec(),
        }
    }
}

/// One message of a pull, push or build.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ProgressEvent {
    /// The layer (or other object) it is about.
    pub id: Option<String>,
    /// e.g. `Downloading`, `Pushed`, `Digest: sha256:…`.
    pub status: Option<String>,
    /// Bytes done and expected, for a layer's transfer.
    pub current: Option<u64>,
    pub total: Option<u64>,
    /// A build's output text.
    pub stream: Option<String>,
    /// Structured results (a built image's id, a push's digest), as JSON.
    pub aux_json: Option<String>,
}

impl From<libdocker::Progress> for ProgressEvent {
    fn from(p: libdocker::Progress) -> Self {
        ProgressEvent {
            id: p.id,
            status: p.status,
            current: p.detail.and_then(|d| d.current),
            total: p.detail.and_then(|d| d.total),
            stream: p.stream,
            aux_json: p.aux.map(|v| v.to_string()),
        }
    }
}

/// One event of the daemon.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DockerEvent {
    /// `container`, `image`, `network`, `volume`, …
    pub kind: String,
    /// `create`, `start`, `die`, …
    pub action: String,
    pub actor_id: String,
    pub attributes: HashMap<String, String>,
    /// Unix nanoseconds.
    pub time_nano: i64,
}

impl From<libdocker::Event> for DockerEvent {
    fn from(e: libdocker::Event) -> Self {
        DockerEvent {
            kind: e.kind,
            action: e.action,
            actor_id: e.actor.id,
            attributes: e.actor.attributes,
            time_nano: e.time_nano,
        }
    }
}

/// How a batch of items is handed over: as read, or (log output) with
/// neighbouring pieces of the same stream joined, which changes nothing a
/// reader of the bytes sees and saves an object per frame.
pub(crate) trait Batch: Sized {
    fn join(items: Vec<Self>) -> Vec<Self> {
        items
    }
}

/// How long a batch waits for more items after its first.
const GATHER: std::time::Duration = std::time::Duration::from_millis(2);

/// Joined log output stops growing a piece at this size.
const JOINED_MAX: usize = 1 << 20;

impl Batch for LogChunk {
    fn join(items: Vec<Self>) -> Vec<Self> {
        let mut joined: Vec<LogChunk> = Vec::with_capacity(items.len());
        for chunk in items {
            match joined.last_mut() {
                Some(last)
                    if last.stream == chunk.stream
                        && last.data.len() + chunk.data.len() <= JOINED_MAX =>
                {
                    last.data.extend_from_slice(&chunk.data)
                }
                _ => joined.push(chunk),
            }
        }
        joined
    }
}

impl Batch for ProgressEvent {}
impl Batch for DockerEvent {}
impl Batch for String {}

/// A stream read by `next()` and ended by `cancel()`, which any thread may call
/// at any time: a `next()` waiting for an item is woken and gives null, and the
/// stream (with its connection) is dropped at once.
pub(crate) struct Source<S: Stream> {
    stream: Arc<Mutex<Option<S>>>,
    cancel: libdocker::Cancel,
    /// An item read but not yet given (an error found after a batch's items).
    held: std::sync::Mutex<Option<S::Item>>,
}

impl<S: Stream + Unpin + Send + 'static> Source<S> {
    pub(crate) fn new(stream: S) -> Self {
        Source {
            stream: Arc::new(Mutex::new(Some(stream))),
            cancel: libdocker::Cancel::new(),
            held: std::sync::Mutex::new(None),
        }
    }

    fn take_held(&self) -> Option<S::Item> {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Keeps `item` for the next read.
    pub(crate) fn hold(&self, item: S::Item) {
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) = Some(item);
    }

    /// The next item; None once the stream ended, failed or was cancelled.
    pub(crate) async fn next<T, E>(&self) -> Option<std::result::Result<T, E>>
    where
        S: Stream<Item = std::result::Result<T, E>>,
    {
        self.next_batch(1).await.pop()
    }

    /// The next item and then those already arrived, up to `most` items in
    /// all: one crossing of the FFI for many small items (log lines). Empty once
    /// the stream ended or was cancelled; an error ends the batch, and is given
    /// alone if it comes first.
    pub(crate) async fn next_batch<T, E>(&self, most: usize) -> Vec<std::result::Result<T, E>>
    where
        S: Stream<Item = std::result::Result<T, E>>,
    {
        let mut guard = self.stream.lock().await;
        if let Some(item) = self.take_held() {
            return vec![item];
        }
        let Some(stream) = guard.as_mut() else {
            return Vec::new();
        };
        let first = tokio::select! {
            biased;
            _ = self.cancel.cancelled() => None,
            item = stream.next() => item,
        };
        let Some(first) = first else {
            *guard = None;
            return Vec::new();
        };
        let mut batch = vec![first];
        // What arrives within GATHER of the first item joins it: a fast
        // stream crosses the FFI in batches, a slow one is barely delayed.
        let until = tokio::time::Instant::now() + GATHER;
        while batch.len() < most && batch.last().is_some_and(|r| r.is_ok()) {
            let next = match stream.next().now_or_never() {
                Some(item) => item,
                None => tokio::select! {
                    biased;
                    _ = self.cancel.cancelled() => break,
                    _ = tokio::time::sleep_until(until) => break,
                    item = stream.next() => item,
                },
            };
            match next {
                Some(item) => batch.push(item),
                None => {
                    // Ended: this batch is the last; the next call gives empty.
                    *guard = None;
                    break;
                }
            }
        }
        batch
    }

    /// Ends the stream: now if no `next()` holds it, else as soon as the
    /// waiting `next()` wakes or its aborted task lets go.
    pub(crate) fn cancel(&self) {
        self.cancel.cancel();
        match self.stream.try_lock() {
            Ok(mut guard) => *guard = None,
            Err(_) => {
                let stream = self.stream.clone();
                runtime::spawn(async move { *stream.lock().await = None });
            }
        }
    }

    /// The handle that fires with `cancel()` (for work beside the stream).
    pub(crate) fn cancelled(&self) -> &libdocker::Cancel {
        &self.cancel
    }
}

/// A core stream, its items converted and its errors made `DockerError`s.
pub(crate) type Items<T> = futures_util::stream::BoxStream<'static, Result<T>>;

pub(crate) fn items<S, I, T>(stream: S) -> Items<T>
where
    S: Stream<Item = std::result::Result<I, libdocker::Error>> + Send + 'static,
    T: From<I> + Send + 'static,
{
    stream
        .map(|item| item.map(T::from).map_err(DockerError::from))
        .boxed()
}

/// The next items of `owner`'s source (`Source::next_batch`), on the runtime;
/// a failure ends the stream, and is thrown after the items before it.
pub(crate) async fn next_batch_of<T, O>(owner: Arc<O>, most: u32) -> Result<Vec<T>>
where
    T: Batch + Send + 'static,
    O: AsRef<Source<Items<T>>> + Send + Sync + 'static,
{
    runtime::run(async move {
        let source: &Source<Items<T>> = (*owner).as_ref();
        let mut items = Vec::new();
        for item in source.next_batch(most.max(1) as usize).await {
            match item {
                Ok(item) => items.push(item),
                Err(e) if items.is_empty() => {
                    source.cancel();
                    return Err(e);
                }
                Err(e) => {
                    // The items first; the error comes with the next call.
                    source.hold(Err(e));
                    break;
                }
            }
        }
        Ok(T::join(items))
    })
    .await
}

/// The next item of `owner`'s source, on the runtime; a failure ends the stream.
pub(crate) async fn next_of<T, O>(owner: Arc<O>) -> Result<Option<T>>
where
    T: Send + 'static,
    O: AsRef<Source<Items<T>>> + Send + Sync + 'static,
{
    runtime::run(async move {
        let source: &Source<Items<T>> = (*owner).as_ref();
        match source.next().await {
            Some(Ok(item)) => Ok(Some(item)),
            Some(Err(e)) => {
                source.cancel();
                Err(e)
            }
            None => Ok(None),
        }
    })
    .await
}

/// A pull stream object of `$item`s (used here and by `monitor`).
macro_rules! pull_stream {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(uniffi::Object)]
        pub struct $name {
            source: Source<Items<$item>>,
        }

        impl AsRef<Source<Items<$item>>> for $name {
            fn as_ref(&self) -> &Source<Items<$item>> {
                &self.source
            }
        }

        impl $name {
            pub(crate) fn new<S, I>(stream: S) -> Arc<Self>
            where
                S: futures_util::Stream<Item = std::result::Result<I, libdocker::Error>> + Send + 'static,
                $item: From<I>,
            {
                Arc::new($name { source: Source::new(items(stream)) })
            }
        }

        export_async! {
            impl $name {
                /// The next item, or null once the stream has ended. A failure the
                /// daemon reports inside the stream is thrown here.
                pub async fn next(self: Arc<Self>) -> Result<Option<$item>> {
                    next_of(self).await
                }

                /// The next item and those already arrived, at most `most`:
                /// fewer crossings of the FFI for many small items (what the
                /// Kotlin `Flow` and Swift `AsyncSequence` read). Log output comes
                /// with neighbouring pieces of the same stream joined. Empty once
                /// the stream has ended; a failure is thrown after the items
                /// before it.
                pub async fn next_batch(self: Arc<Self>, most: u32) -> Result<Vec<$item>> {
                    next_batch_of(self, most).await
                }
            }
        }

        #[uniffi::export]
        impl $name {
            /// Ends the stream now and closes its connection, from any thread;
            /// a `next()` waiting meanwhile gives null, as does every later one.
            /// Again, or after the end, does nothing. (Kotlin's `close()` /
            /// `use {}` frees the object, which ends it too.) Swift's
            /// `Task.cancel()` does not reach a waiting `next()`: call this.
            pub fn cancel(&self) {
                self.source.cancel();
            }
        }
    };
}

pull_stream!(
    /// A process's output, demultiplexed (`logs`, an attached process's output).
    LogStream,
    LogChunk
);
pull_stream!(
    /// The messages of a pull, push or build.
    ProgressStream,
    ProgressEvent
);
pull_stream!(
    /// The daemon's events.
    EventStream,
    DockerEvent
);
pull_stream!(
    /// JSON documents, one per item (stats samples), as text.
    JsonStream,
    String
);

/// Hears a process's output (`logs_to`): return true from `on_chunk` to stop.
#[uniffi::export(with_foreign)]
pub trait LogListener: Send + Sync {
    fn on_chunk(&self, chunk: LogChunk) -> std::result::Result<bool, DockerError>;
    /// Once, at the end: null when the stream ended or the listener stopped it.
    fn on_end(&self, error: Option<DockerError>);
}

/// Hears a pull's, push's or build's messages (`pull_to`, `push_to`, `build_to`).
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    fn on_event(&self, event: ProgressEvent) -> std::result::Result<bool, DockerError>;
    fn on_end(&self, error: Option<DockerError>);
}

/// Hears the daemon's events (`events_to`).
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: DockerEvent) -> std::result::Result<bool, DockerError>;
    fn on_end(&self, error: Option<DockerError>);
}

/// Feeds a stream (opened by `open` on the runtime) to a listener until it ends,
/// fails, the listener says stop or the handle cancels it; `on_end` is heard
/// once, in every case. A listener that throws ends the stream with its error.
pub(crate) fn listen<F, S, I, T>(
    open: F,
    mut each: impl FnMut(T) -> std::result::Result<bool, DockerError> + Send + 'static,
    end: impl FnOnce(Option<DockerError>) + Send + 'static,
) -> Arc<TaskHandle>
where
    F: std::future::Future<Output = std::result::Result<S, libdocker::Error>> + Send + 'static,
    S: futures_util::Stream<Item = std::result::Result<I, libdocker::Error>> + Send + 'static,
    T: From<I>,
{
    let cancel = libdocker::Cancel::new();
    let cancelled = cancel.cancelled();
    let task = runtime::spawn(async move {
        let work = async move {
            let stream = open.await?;
            futures_util::pin_mut!(stream);
            while let Some(item) = stream.next().await {
                if each(T::from(item?))? {
                    break;
                }
            }
            Ok::<(), DockerError>(())
        };
        // A panic (in the stream or in a conversion) still ends with on_end.
        let work = std::panic::AssertUnwindSafe(work).catch_unwind();
        let outcome = tokio::select! {
            biased;
            _ = cancelled => Err(DockerError::Cancelled {
                reason: "cancelled through its TaskHandle".into(),
            }),
            done = work => done.unwrap_or_else(|payload| Err(DockerError::panic(payload))),
        };
        end(outcome.err());
    });
    Arc::new(TaskHandle::new(task, cancel))
}

pub(crate) use pull_stream;
