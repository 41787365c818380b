//! A front end running on a thread of its own, so that it serves whatever runtime (or none) the
//! caller uses, and stops when dropped.

use super::http::{self, Handler};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// A [`Handler`] served on 127.0.0.1 from its own thread and current-thread runtime.
#[derive(Debug)]
pub(crate) struct Background {
    address: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Binds 127.0.0.1:`port` (0 lets the OS pick) and serves `handler` there.
    pub(crate) fn start<H: Handler>(port: u16, handler: Arc<H>) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name(format!("zis-contract {address}")).spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => {
                        http::serve(listener, handler, async {
                            let _ = stopped.await;
                        })
                        .await
                    }
                    Err(err) => eprintln!("zis-contract: cannot serve on {address}: {err}"),
                }
            });
        })?;
        Ok(Self { address, shutdown: Some(shutdown), thread: Some(thread) })
    }

    /// The address it listens on.
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops serving and waits for the thread to end (connections in flight end with it).
    pub(crate) fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}
