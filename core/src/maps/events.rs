//! What a map action reports while it runs, and the stream that carries it: the
//! action runs as the stream is read (no task of its own), so dropping the
//! stream cancels the action where it is; `up` again resumes from there.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use serde::Serialize;
use tokio::sync::mpsc;

use super::plan::Action;
use crate::error::Error;

/// Where a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Begun (for a dependent: waiting for its dependencies).
    Working,
    /// A message while it works (pull or build output).
    Progress,
    Done,
    Failed,
    /// Not done because something it depends on failed.
    Skipped,
}

/// One report of a map action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapEvent {
    /// The step (`create`, `start`, `pull`, …) or `wait` (for a dependency's condition).
    pub step: String,
    pub status: Status,
    /// The client's name (`""`: the default client).
    pub client: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The container, network, volume or image.
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl MapEvent {
    /// A line for people: `tls  web  create demo_web_1 … done`.
    pub fn line(&self) -> String {
        let client = if self.client.is_empty() {
            "default"
        } else {
            &self.client
        };
        let mut line =
            format!("[{client}] {} {} {:?}", self.step, self.target, self.status).to_lowercase();
        if let Some(m) = &self.message {
            line.push_str(": ");
            line.push_str(m);
        }
        line
    }
}

/// How an action ended when everything it tried worked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub action: Option<Action>,
    /// Steps carried out.
    pub done: usize,
}

/// The sink the executor reports to.
pub(crate) type Sink = mpsc::UnboundedSender<MapEvent>;

/// A running action: its events as a stream; the stream's last item is the
/// action's error if it failed. [`MapRun::finish`] reads it to the end.
pub struct MapRun {
    driver: Option<BoxFuture<'static, Result<Summary, Error>>>,
    events: mpsc::UnboundedReceiver<MapEvent>,
    outcome: Option<Result<Summary, Error>>,
    ended: bool,
}

impl MapRun {
    pub(crate) fn new<F>(make: impl FnOnce(Sink) -> F) -> MapRun
    where
        F: std::future::Future<Output = Result<Summary, Error>> + Send + 'static,
    {
        let (tx, rx) = mpsc::unbounded_channel();
        MapRun {
            driver: Some(make(tx).boxed()),
            events: rx,
            outcome: None,
            ended: false,
        }
    }

    /// Runs the action to its end, dropping the events; its summary, or its error.
    pub async fn finish(mut self) -> Result<Summary, Error> {
        use futures_util::StreamExt;
        while let Some(item) = self.next().await {
            item?;
        }
        match self.outcome.take() {
            Some(outcome) => outcome,
            None => Ok(Summary::default()),
        }
    }

    /// Runs the action to its end, handing each event to `each`.
    pub async fn for_each(mut self, mut each: impl FnMut(&MapEvent)) -> Result<Summary, Error> {
        use futures_util::StreamExt;
        while let Some(item) = self.next().await {
            each(&item?);
        }
        self.outcome
            .take()
            .unwrap_or_else(|| Ok(Summary::default()))
    }

    /// The summary, once the stream has ended without an error.
    pub fn summary(&self) -> Option<&Summary> {
        self.outcome.as_ref().and_then(|o| o.as_ref().ok())
    }
}

impl Stream for MapRun {
    type Item = Result<MapEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        if let Some(driver) = this.driver.as_mut() {
            if let Poll::Ready(outcome) = driver.as_mut().poll(cx) {
                this.driver = None;
                this.outcome = Some(outcome);
            }
        }
        if let Poll::Ready(Some(event)) = this.events.poll_recv(cx) {
            return Poll::Ready(Some(Ok(event)));
        }
        if this.driver.is_some() {
            return Poll::Pending;
        }
        // The action is over and every event was read.
        this.ended = true;
        match this.outcome.take() {
            Some(Err(e)) => Poll::Ready(Some(Err(e))),
            other => {
                this.outcome = other;
                Poll::Ready(None)
            }
        }
    }
}

impl std::fmt::Debug for MapRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapRun")
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}
