//! One call through a `VendorClient`: build the request, send it under the vendor's
//! concurrency cap, judge the response, and hand failures to the retry loop.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::error::{body_excerpt_of, read_excerpt};
use super::retry::{Failure, Retries, RetryWhen, response_failure, transport_failure};
use super::{Call, HttpError, Idempotency, ResponseHead, Verdict, decode_json, default_verdict};

/// What a judge makes of a complete response.
enum Judged<T> {
    Done(T),
    Failed(Failure),
}

type Attempt<T> = Result<T, (Failure, Idempotency)>;

impl Call<'_> {
    /// See [`super::VendorClient::send`].
    pub async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, HttpError> {
        let mut retries = Retries::new(self.client);
        loop {
            match self.send_once(&build).await {
                Ok(response) => return Ok(response),
                Err((failure, idempotency)) => retries.after(failure, idempotency).await?,
            }
        }
    }

    /// See [`super::VendorClient::send_with`].
    pub async fn send_with(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        classify: impl Fn(&ResponseHead, &[u8]) -> Verdict,
    ) -> Result<(ResponseHead, Bytes), HttpError> {
        let vendor = self.client.vendor;
        self.exchange(build, |head, body| match classify(&head, &body) {
            Verdict::Accept => Judged::Done((head, body)),
            verdict => {
                let excerpt = body_excerpt_of(&body);
                Judged::Failed(response_failure(vendor, &head, verdict, excerpt))
            }
        })
        .await
    }

    /// See [`super::VendorClient::send_json`].
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<(ResponseHead, T), HttpError> {
        let vendor = self.client.vendor;
        self.exchange(build, |head, body| match default_verdict(&head) {
            Verdict::Accept => match decode_json::<T>(vendor, &body) {
                Ok(value) => Judged::Done((head, value)),
                Err(error) => {
                    // Cut short or not JSON at all: a proxy or a broken connection, worth
                    // another try. JSON of the wrong shape will not improve.
                    let retry = if error.is_retryable() {
                        RetryWhen::IfIdempotent
                    } else {
                        RetryWhen::Never
                    };
                    Judged::Failed(Failure {
                        error,
                        retry,
                        wait: None,
                    })
                }
            },
            verdict => {
                let excerpt = body_excerpt_of(&body);
                Judged::Failed(response_failure(vendor, &head, verdict, excerpt))
            }
        })
        .await
    }

    /// One try of `send`: the body of an accepted response is left unread.
    async fn send_once(
        &self,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Attempt<reqwest::Response> {
        let vendor = self.client.vendor;
        let request = self.prepare(build)?;
        let idempotency = self.idempotency_of(&request);
        let _permit = self.client.permits.acquire().await;
        let response = self
            .client
            .client
            .execute(request)
            .await
            .map_err(|e| (transport_failure(vendor, e), idempotency))?;
        let head = head_of(&response);
        self.client.note_quota(&head.headers);
        match default_verdict(&head) {
            Verdict::Accept => Ok(response),
            verdict => {
                let excerpt = read_excerpt(response).await;
                Err((
                    response_failure(vendor, &head, verdict, excerpt),
                    idempotency,
                ))
            }
        }
    }

    /// The retry loop for calls that read the whole body while holding the permit.
    async fn exchange<T>(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        judge: impl Fn(ResponseHead, Bytes) -> Judged<T>,
    ) -> Result<T, HttpError> {
        let mut retries = Retries::new(self.client);
        loop {
            match self.exchange_once(&build, &judge).await {
                Ok(value) => return Ok(value),
                Err((failure, idempotency)) => retries.after(failure, idempotency).await?,
            }
        }
    }

    async fn exchange_once<T>(
        &self,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        judge: &impl Fn(ResponseHead, Bytes) -> Judged<T>,
    ) -> Attempt<T> {
        let vendor = self.client.vendor;
        let request = self.prepare(build)?;
        let idempotency = self.idempotency_of(&request);
        let _permit = self.client.permits.acquire().await;
        let fail = |e| (transport_failure(vendor, e), idempotency);
        let response = self.client.client.execute(request).await.map_err(fail)?;
        let head = head_of(&response);
        self.client.note_quota(&head.headers);
        let body = read_body(vendor, response, self.client.max_body_bytes)
            .await
            .map_err(|failure| (failure, idempotency))?;
        match judge(head, body) {
            Judged::Done(value) => Ok(value),
            Judged::Failed(failure) => Err((failure, idempotency)),
        }
    }

    /// Builds the request; a request that cannot be built is a bug, never retried.
    fn prepare(
        &self,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Attempt<reqwest::Request> {
        build(&self.client.client).build().map_err(|e| {
            let error = HttpError::Config {
                vendor: self.client.vendor,
                reason: format!("invalid request: {}", e.without_url()),
            };
            let never = Failure {
                error,
                retry: RetryWhen::Never,
                wait: None,
            };
            (never, Idempotency::Unsafe)
        })
    }

    fn idempotency_of(&self, request: &reqwest::Request) -> Idempotency {
        self.idempotency
            .unwrap_or_else(|| Idempotency::of_method(request.method()))
    }
}

/// The whole body, or a failure once it is longer than `limit` bytes (by its
/// `Content-Length` before reading anything, else as it arrives): a body is never
/// buffered past the limit.
async fn read_body(
    vendor: &'static str,
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, Failure> {
    let too_large = || Failure {
        error: HttpError::TooLarge {
            vendor,
            limit_bytes: limit,
        },
        retry: RetryWhen::Never,
        wait: None,
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = bytes::BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body.freeze()),
            Err(e) => return Err(transport_failure(vendor, e)),
        }
    }
}

fn head_of(response: &reqwest::Response) -> ResponseHead {
    ResponseHead {
        status: response.status(),
        headers: response.headers().clone(),
    }
}
