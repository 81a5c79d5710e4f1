//! `ps` and `logs` of a map: its containers on every daemon (whoever made them,
//! found by the Compose project label), and their logs merged into one stream
//! with a name prefix on each line, as docker-map's `push_container_logs` and
//! `docker compose logs` show them.

use std::pin::Pin;

use bytes::Bytes;
use futures_util::stream::{select_all, BoxStream};
use futures_util::{Stream, StreamExt};
use serde::Serialize;

use super::clients::Clients;
use super::model::ContainerMap;
use super::state::{self, Existing};
use crate::error::Error;
use crate::resources::containers::LogsOptions;
use crate::stream::StdStream;

/// The map's containers on every daemon it uses, by service and number.
pub async fn ps(map: &ContainerMap, clients: &Clients) -> Result<Vec<Existing>, Error> {
    clients.check(map)?;
    let names = state::used_clients(map);
    let parts = futures_util::future::try_join_all(
        names.iter().map(|c| state::containers(map, clients, c)),
    )
    .await?;
    Ok(parts.into_iter().flatten().collect())
}

/// One line of a container's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogLine {
    pub client: String,
    pub service: String,
    /// The container's name.
    pub container: String,
    /// `stdout` or `stderr`.
    pub stream: &'static str,
    /// The line, without its newline.
    #[serde(serialize_with = "lossy")]
    pub line: Bytes,
}

fn lossy<S: serde::Serializer>(b: &Bytes, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(b))
}

impl LogLine {
    /// `web_1  | the line`, as Compose prints it; `width` pads the name.
    pub fn prefixed(&self, width: usize) -> String {
        format!(
            "{:<width$} | {}",
            self.container,
            String::from_utf8_lossy(&self.line)
        )
    }
}

/// Every container's logs as one stream of lines, interleaved as they come.
pub struct MapLogs {
    inner: BoxStream<'static, Result<LogLine, Error>>,
}

impl Stream for MapLogs {
    type Item = Result<LogLine, Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for MapLogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapLogs").finish_non_exhaustive()
    }
}

pub async fn logs(
    map: &ContainerMap,
    clients: &Clients,
    options: LogsOptions,
) -> Result<MapLogs, Error> {
    let containers = ps(map, clients).await?;
    let mut streams = Vec::new();
    for c in containers {
        let docker = clients.get(&c.client).expect("checked by ps").clone();
        let logs = docker.containers().logs(&c.id, options.clone()).await?;
        streams.push(lines_of(c, logs).boxed());
    }
    Ok(MapLogs {
        inner: select_all(streams).boxed(),
    })
}

/// A container's chunks cut into lines (a line split across frames is joined).
fn lines_of(
    c: Existing,
    logs: crate::stream::LogStream,
) -> impl Stream<Item = Result<LogLine, Error>> + Send {
    let pending: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    futures_util::stream::unfold(
        (
            logs,
            pending,
            std::collections::VecDeque::<Result<LogLine, Error>>::new(),
            c,
            false,
        ),
        |(mut logs, mut pending, mut ready, c, mut ended)| async move {
            loop {
                if let Some(item) = ready.pop_front() {
                    return Some((item, (logs, pending, ready, c, ended)));
                }
                if ended {
                    return None;
                }
                let line = |stream: usize, bytes: Vec<u8>| LogLine {
                    client: c.client.clone(),
                    service: c.service.clone(),
                    container: c.name.clone(),
                    stream: if stream == 1 { "stderr" } else { "stdout" },
                    line: Bytes::from(bytes),
                };
                match logs.next().await {
                    Some(Ok(chunk)) => {
                        let i = usize::from(chunk.stream == StdStream::Stderr);
                        pending[i].extend_from_slice(&chunk.bytes);
                        while let Some(at) = pending[i].iter().position(|b| *b == b'\n') {
                            let rest = pending[i].split_off(at + 1);
                            let mut whole = std::mem::replace(&mut pending[i], rest);
                            whole.pop();
                            ready.push_back(Ok(line(i, whole)));
                        }
                    }
                    Some(Err(e)) => {
                        ready.push_back(Err(e));
                        ended = true;
                    }
                    None => {
                        for (i, rest) in pending.iter_mut().enumerate() {
                            if !rest.is_empty() {
                                ready.push_back(Ok(line(i, std::mem::take(rest))));
                            }
                        }
                        ended = true;
                    }
                }
            }
        },
    )
}
