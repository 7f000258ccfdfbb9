//! Wasm calls that can stop in the middle: a call started with wasmtime's `call_async` runs on
//! its own fiber; a host function awaiting [`suspend`] stops it there, and [`Fiber::resume`]
//! (from ordinary, synchronous code) runs it to its next suspension or its end. The engine
//! spike (docs/engine.md) chose this over raw stack switching; NEP-481 submodules use it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A suspension point: pending the first time it is polled, ready the next.
#[derive(Debug, Default)]
pub struct Suspend {
    polled: bool,
}

impl Future for Suspend {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            Poll::Ready(())
        } else {
            self.polled = true;
            Poll::Pending
        }
    }
}

/// Stops the running fiber until it is resumed.
pub fn suspend() -> Suspend {
    Suspend::default()
}

/// How far a [`Fiber::resume`] got.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress<T> {
    /// Stopped at a suspension point.
    Suspended,
    /// Finished with this output.
    Finished(T),
    /// It had already finished (nothing ran).
    AlreadyFinished,
}

/// A computation (usually a wasm `call_async`) that runs on a fiber, step by step.
pub struct Fiber<T> {
    future: Option<Pin<Box<dyn Future<Output = T> + Send>>>,
}

impl<T> Fiber<T> {
    /// Wraps `future`; nothing runs until the first [`Fiber::resume`].
    pub fn new(future: impl Future<Output = T> + Send + 'static) -> Fiber<T> {
        Fiber { future: Some(Box::pin(future)) }
    }

    /// Runs until the next suspension point or the end. Dropping an unfinished fiber unwinds
    /// it (wasmtime frees its stack).
    pub fn resume(&mut self) -> Progress<T> {
        let Some(future) = self.future.as_mut() else { return Progress::AlreadyFinished };
        let mut context = Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            Poll::Pending => Progress::Suspended,
            Poll::Ready(output) => {
                self.future = None;
                Progress::Finished(output)
            }
        }
    }
}
