//! Serves the router over HTTP/1.1 one connection at a time (hyper), instead
//! of `axum::serve`, so that a handler can have its own connection dropped
//! with no answer at all: the `drop_after_accept` fault.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinSet;
use tower_service::Service;

/// How long `stop` lets connections finish the request they are answering.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Put in every request's extensions: closes the request's connection
/// without writing anything more.
#[derive(Clone, Debug)]
pub struct DropConnection(Arc<Notify>);

impl DropConnection {
    /// Closes the connection: the handler's future is dropped with it, so
    /// the caller should then wait forever.
    pub fn now(&self) {
        // A stored permit: works even before the connection task waits.
        self.0.notify_one();
    }
}

/// Accepts connections until `stop` fires, then lets the open ones finish
/// their current request (up to [`SHUTDOWN_GRACE`]) and aborts the rest.
pub async fn serve(listener: TcpListener, router: Router, stop: oneshot::Receiver<()>) {
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let kill = Arc::new(Notify::new());
                    let handle = DropConnection(Arc::clone(&kill));
                    let router = router.clone();
                    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                        let mut request = request.map(Body::new);
                        request.extensions_mut().insert(handle.clone());
                        let mut router = router.clone();
                        async move { router.call(request).await }
                    });
                    let connection = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .serve_connection(TokioIo::new(stream), service);
                    let connection = graceful.watch(connection);
                    connections.spawn(async move {
                        tokio::select! {
                            // Dropping the connection closes its socket.
                            _ = kill.notified() => {}
                            _ = connection => {}
                        }
                    });
                }
                Err(e) => {
                    // Out of file descriptors and the like: do not spin.
                    eprintln!("[sandbox] accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = &mut stop => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
    connections.abort_all();
}
