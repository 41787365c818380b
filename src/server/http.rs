//! The HTTP front end: a small hyper server that hands each request to the contract (or to the
//! scenario in force) and delivers the reply, faults included.

use super::journal::{Journal, ReceivedRequest};
use crate::conformance::{self, MAX_BODY_BYTES, Mismatch};
use crate::request::Route;
use crate::respond::{self, Contract, Delivery, Reply};
use crate::scenario;
use crate::{RequestParts, Scenario};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// How long a client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the connections of one server share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) contract: Contract,
    pub(crate) plan: Plan,
    pub(crate) delay: Duration,
    pub(crate) journal: Option<Journal>,
}

/// Which scenario answers the next request: the steps in turn, the last one repeating.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    steps: Vec<Scenario>,
    answered: AtomicUsize,
}

impl Plan {
    pub(crate) fn new(steps: Vec<Scenario>) -> Self {
        Self { steps, answered: AtomicUsize::new(0) }
    }

    /// Whether every request is answered by the contract (no scenario was chosen).
    fn is_contract_only(&self) -> bool {
        self.steps.is_empty()
    }

    fn next(&self) -> Scenario {
        match self.steps.len() {
            0 => Scenario::Contract,
            1 => self.steps[0],
            len => {
                let step = self.answered.fetch_add(1, Ordering::Relaxed).min(len - 1);
                self.steps[step]
            }
        }
    }
}

/// What a front end answers: the reply to one request whose body was read whole. The front end
/// reads the body (answering 413 past [`MAX_BODY_BYTES`]), waits the reply's delay, and delivers
/// it, faults included.
pub(crate) trait Handler: Send + Sync + 'static {
    /// The reply to `parts`.
    fn reply(&self, parts: RequestParts<'_>) -> impl std::future::Future<Output = Reply> + Send;

    /// The reply to a request whose body is over [`MAX_BODY_BYTES`] (`parts.body` is empty: the
    /// body was not read), of `declared` bytes when its `content-length` says so.
    fn too_large(&self, parts: RequestParts<'_>, declared: Option<u64>) -> Reply {
        let _ = (parts, declared);
        respond::too_large()
    }
}

impl Handler for Shared {
    async fn reply(&self, parts: RequestParts<'_>) -> Reply {
        // Fixed scenarios answer Create Integration only, as their wiremock mocks do; any other
        // route gets the contract's 404 or 405, and does not use up a step of a sequence.
        // Decoding the route is needed only when a fixed scenario may answer, and then once.
        let routed = std::cell::OnceCell::new();
        let on_route = || *routed.get_or_init(|| matches!(Route::of(&parts), Route::CreateIntegration { .. }));
        let (scenario, delay) = match scenario::chosen_by_headers(&parts) {
            Ok(Some(choice)) => choice,
            Ok(None) if self.plan.is_contract_only() || on_route() => (self.plan.next(), self.delay),
            Ok(None) => (Scenario::Contract, self.delay),
            Err(mismatch) => {
                let reply = Reply::text(400, format!("{mismatch}\n"));
                self.remember(&parts, &reply, vec![mismatch]);
                return reply;
            }
        };
        let (mut reply, mismatches) = match scenario.reply().filter(|_| on_route()) {
            None => {
                let answer = self.contract.respond(&parts);
                (answer.reply, answer.mismatches)
            }
            Some(reply) if self.journal.is_some() => (reply, conformance::request_mismatches(&parts)),
            Some(reply) => (reply, Vec::new()),
        };
        reply.delay = delay.max(reply.delay);
        self.remember(&parts, &reply, mismatches);
        reply
    }

    fn too_large(&self, parts: RequestParts<'_>, declared: Option<u64>) -> Reply {
        let reply = respond::too_large();
        self.remember(&parts, &reply, vec![conformance::body_too_large(declared)]);
        reply
    }
}

impl Shared {
    /// Journals one request with its reply, when the server keeps a journal.
    fn remember(&self, parts: &RequestParts<'_>, reply: &Reply, mismatches: Vec<Mismatch>) {
        if let Some(journal) = &self.journal {
            journal.push(ReceivedRequest {
                method: parts.method.to_owned(),
                path: parts.path.to_owned(),
                headers: parts.headers.clone(),
                body: Bytes::copy_from_slice(parts.body),
                status: if reply.delivery == Delivery::Reset { 0 } else { reply.status },
                mismatches,
            });
        }
    }
}

/// Accepts connections on `listener` and serves each with `handler` until `shutdown` resolves.
pub(crate) async fn serve<H: Handler>(
    listener: TcpListener,
    handler: Arc<H>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of file descriptors or a connection aborted before it was accepted: wait a
            // moment and go on serving the others.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(stream, Arc::clone(&handler)));
    }
}

async fn serve_connection<H: Handler>(stream: TcpStream, handler: Arc<H>) {
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(ResettableStream { stream, reset: Arc::clone(&reset) });
    let service = service_fn(move |request| {
        let handler = Arc::clone(&handler);
        let reset = Arc::clone(&reset);
        async move { handle(handler.as_ref(), &reset, request).await }
    });
    // A client that goes away, or a reset on purpose, ends the connection with an error: the
    // server has nothing more to do with it.
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        // A client that half-closes after its request still gets the answer.
        .half_close(true)
        .serve_connection(io, service)
        .await;
}

/// The error that makes hyper drop a connection on purpose.
#[derive(Debug)]
struct ResetOnPurpose;

impl std::fmt::Display for ResetOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by the connection_reset scenario")
    }
}

impl std::error::Error for ResetOnPurpose {}

async fn handle<H: Handler>(
    handler: &H,
    reset: &AtomicBool,
    request: Request<Incoming>,
) -> Result<Response<ReplyBody>, ResetOnPurpose> {
    let (head, body) = request.into_parts();
    let declared_length =
        head.headers.get(http::header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    let path = head.uri.path_and_query().map_or("/", |path| path.as_str());
    let unread = || RequestParts::new(head.method.as_str(), path, &head.headers, b"");
    if declared_length.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Ok(response(handler.too_large(unread(), declared_length)));
    }
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => {
            return Ok(response(handler.too_large(unread(), declared_length)));
        }
        // The client went away while sending the body: nobody is left to answer.
        Err(_) => return Err(ResetOnPurpose),
    };
    let reply = handler.reply(RequestParts::new(head.method.as_str(), path, &head.headers, &body)).await;
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    if reply.delivery == Delivery::Reset {
        reset.store(true, Ordering::Relaxed);
        return Err(ResetOnPurpose);
    }
    Ok(response(reply))
}

fn response(reply: Reply) -> Response<ReplyBody> {
    let declared = reply.body.len();
    let (body, exact) = match reply.delivery {
        Delivery::Truncated => (reply.body.slice(..declared / 2), false),
        _ => (reply.body, true),
    };
    let mut response = Response::new(ReplyBody { data: Some(body), exact, flushed: false });
    *response.status_mut() =
        http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    *response.headers_mut() = reply.headers;
    if !exact {
        response.headers_mut().insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(declared));
    }
    response
}

/// A body sent in one frame.
///
/// `exact: false` is how a truncated body is sent: the body hides its length, so that hyper
/// trusts the declared `content-length`; after the frame it waits one turn, so that hyper flushes
/// what was sent before the short body ends the connection.
pub(crate) struct ReplyBody {
    data: Option<Bytes>,
    exact: bool,
    flushed: bool,
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if !self.exact && !self.flushed {
            self.flushed = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && (self.exact || self.flushed)
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.data, self.exact) {
            (Some(data), true) => SizeHint::with_exact(data.len() as u64),
            (None, true) => SizeHint::with_exact(0),
            (_, false) => SizeHint::default(),
        }
    }
}

/// A TCP stream that, once its connection is reset on purpose, closes with `SO_LINGER` zero: the
/// peer gets a TCP reset rather than an orderly close.
struct ResettableStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::Relaxed) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
