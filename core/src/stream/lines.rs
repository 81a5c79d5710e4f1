//! Line mode over a process's output: stdout and stderr are split into lines
//! separately (each line keeps its `\n`); a line longer than the limit is emitted in
//! pieces, so memory stays bounded whatever the process prints.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::frames::{LogChunk, LogStream, StdStream};
use crate::error::Error;

/// Lines of a [`LogStream`].
pub struct LineStream {
    source: LogStream,
    max_line: usize,
    /// Partial line per stream (stdin, stdout, stderr).
    partial: [BytesMut; 3],
    ready: VecDeque<LogChunk>,
    ended: bool,
}

impl LogStream {
    /// Splits the output into lines (each keeping its `\n`); a line longer than
    /// `max_line` bytes is emitted in pieces of `max_line`.
    pub fn lines(self, max_line: usize) -> LineStream {
        LineStream::new(self, max_line)
    }
}

impl LineStream {
    pub(crate) fn new(source: LogStream, max_line: usize) -> Self {
        LineStream {
            source,
            max_line: max_line.max(1),
            partial: Default::default(),
            ready: VecDeque::new(),
            ended: false,
        }
    }

    fn split(&mut self, chunk: LogChunk) {
        let stream = chunk.stream;
        let slot = stream as usize;
        let mut rest: &[u8] = &chunk.bytes;
        while !rest.is_empty() {
            let room = self.max_line - self.partial[slot].len();
            let window = &rest[..rest.len().min(room)];
            match window.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.partial[slot].extend_from_slice(&rest[..=i]);
                    rest = &rest[i + 1..];
                    self.emit(stream);
                }
                None => {
                    self.partial[slot].extend_from_slice(window);
                    rest = &rest[window.len()..];
                    if self.partial[slot].len() >= self.max_line {
                        self.emit(stream);
                    }
                }
            }
        }
    }

    fn emit(&mut self, stream: StdStream) {
        let line: Bytes = self.partial[stream as usize].split().freeze();
        if !line.is_empty() {
            self.ready.push_back(LogChunk {
                stream,
                bytes: line,
            });
        }
    }
}

impl Stream for LineStream {
    type Item = Result<LogChunk, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(line) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(line)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.source).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.split(chunk),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => {
                    this.ended = true;
                    for s in [StdStream::Stdin, StdStream::Stdout, StdStream::Stderr] {
                        this.emit(s);
                    }
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::frames::tests::frame;
    use crate::stream::ByteStream;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn lines_per_stream_with_a_length_limit() {
        let mut input = frame(1, b"one\ntw");
        input.extend(frame(2, b"err line\n"));
        input.extend(frame(1, b"o\nabcdefghij"));
        input.extend(frame(1, b"tail"));
        let source = ByteStream::new(futures_util::stream::iter(vec![Ok(Bytes::from(input))]));
        let lines: Vec<(StdStream, Bytes)> = LogStream::new(source, false)
            .lines(8)
            .map(|r| r.map(|c| (c.stream, c.bytes)).unwrap())
            .collect()
            .await;
        assert_eq!(
            lines,
            vec![
                (StdStream::Stdout, Bytes::from("one\n")),
                (StdStream::Stderr, Bytes::from("err line")),
                (StdStream::Stderr, Bytes::from("\n")),
                (StdStream::Stdout, Bytes::from("two\n")),
                (StdStream::Stdout, Bytes::from("abcdefgh")),
                (StdStream::Stdout, Bytes::from("ijtail")),
            ]
        );
    }
}
