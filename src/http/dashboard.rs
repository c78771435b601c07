//! The dashboard's HTML pages (GET only): clusters, one cluster, runs, summaries. Every
//! window ends at the dashboard's clock, so a driven clock (the demo) shows its own "now".

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::Markup;
use serde::Deserialize;

use super::views;
use crate::clock::SharedClock;
use crate::domain::fingerprint::Fingerprint;
use crate::store::{ClusterSort, Store, StoreError};

/// Most ledger rows and model calls on the runs page.
pub const RUNS_SHOWN: i64 = 200;
/// Most summaries on the summaries page.
pub const SUMMARIES_SHOWN: i64 = 60;

/// What the dashboard reads: the store, and the clock its windows end at.
#[derive(Clone)]
pub struct Dashboard {
    pub(super) store: Store,
    pub(super) clock: SharedClock,
}

/// `?sort=`: unknown or absent values sort by score.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SortParam {
    sort: Option<String>,
}

impl SortParam {
    pub(super) fn order(&self) -> ClusterSort {
        self.sort
            .as_deref()
            .and_then(ClusterSort::parse)
            .unwrap_or_default()
    }
}

impl Dashboard {
    pub fn new(store: Store, clock: SharedClock) -> Dashboard {
        Dashboard { store, clock }
    }

    /// The pages and the JSON API.
    pub(super) fn routes(self) -> Router {
        Router::new()
            .route("/", get(clusters))
            .route("/clusters/{fingerprint}", get(cluster))
            .route("/runs", get(runs))
            .route("/summaries", get(summaries))
            .merge(super::api::routes())
            .fallback(unknown_page)
            .with_state(self)
    }
}

/// Headers every dashboard response carries: no scripts, no sniffing.
pub(super) fn guarded(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn page(status: StatusCode, markup: Markup) -> Response {
    guarded(
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            markup.into_string(),
        )
            .into_response(),
    )
}

/// A store failure: logged here, not shown (its text may carry production data).
fn unavailable(error: StoreError) -> Response {
    tracing::warn!(%error, "the dashboard could not read the store");
    page(StatusCode::SERVICE_UNAVAILABLE, views::unavailable())
}

async fn clusters(State(d): State<Dashboard>, Query(q): Query<SortParam>) -> Response {
    let sort = q.order();
    match d.store.dashboard_clusters(d.clock.now(), sort).await {
        Ok(rows) => page(StatusCode::OK, views::clusters::clusters_page(&rows, sort)),
        Err(e) => unavailable(e),
    }
}

async fn cluster(State(d): State<Dashboard>, Path(raw): Path<String>) -> Response {
    let unknown = || {
        page(
            StatusCode::NOT_FOUND,
            views::not_found("No cluster has this fingerprint."),
        )
    };
    let Ok(fp) = raw.parse::<Fingerprint>() else {
        return unknown();
    };
    match d.store.dashboard_cluster(fp, d.clock.now()).await {
        Ok(None) => unknown(),
        // An alias (a fingerprint merged into another cluster) goes to its cluster's page.
        Ok(Some(detail)) if detail.cluster.fingerprint != fp.to_string() => guarded(
            Redirect::permanent(&format!("/clusters/{}", detail.cluster.fingerprint))
                .into_response(),
        ),
        Ok(Some(detail)) => page(StatusCode::OK, views::cluster::cluster_page(&detail)),
        Err(e) => unavailable(e),
    }
}

async fn runs(State(d): State<Dashboard>) -> Response {
    match d.store.dashboard_runs(RUNS_SHOWN).await {
        Ok(view) => page(StatusCode::OK, views::runs::runs_page(&view)),
        Err(e) => unavailable(e),
    }
}

/// Any other path: the dashboard's own 404 page, with its headers.
async fn unknown_page() -> Response {
    page(StatusCode::NOT_FOUND, views::not_found("No such page."))
}

async fn summaries(State(d): State<Dashboard>) -> Response {
    match d.store.summaries(SUMMARIES_SHOWN).await {
        Ok(list) => page(StatusCode::OK, views::summaries::summaries_page(&list)),
        Err(e) => unavailable(e),
    }
}
