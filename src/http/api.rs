//! The dashboard's JSON API under `/api/`: the same read models the pages render.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::Serialize;

use super::dashboard::{Dashboard, RUNS_SHOWN, SUMMARIES_SHOWN, SortParam, guarded};
use crate::domain::fingerprint::Fingerprint;
use crate::store::StoreError;

pub(super) fn routes() -> Router<Dashboard> {
    Router::new()
        .route("/api/clusters", get(clusters))
        .route("/api/clusters/{fingerprint}", get(cluster))
        .route("/api/runs", get(runs))
        .route("/api/summaries", get(summaries))
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    guarded((status, Json(body)).into_response())
}

fn error(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "error": message }))
}

fn answer<T: Serialize>(result: Result<T, StoreError>) -> Response {
    match result {
        Ok(body) => json(StatusCode::OK, &body),
        Err(e) => {
            tracing::warn!(error = %e, "the dashboard API could not read the store");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store could not be read",
            )
        }
    }
}

async fn clusters(State(d): State<Dashboard>, Query(q): Query<SortParam>) -> Response {
    answer(d.store.dashboard_clusters(d.clock.now(), q.order()).await)
}

/// An alias answers with its cluster (whose `cluster.fingerprint` is the canonical one).
async fn cluster(State(d): State<Dashboard>, Path(raw): Path<String>) -> Response {
    let Ok(fp) = raw.parse::<Fingerprint>() else {
        return error(StatusCode::NOT_FOUND, "unknown cluster");
    };
    match d.store.dashboard_cluster(fp, d.clock.now()).await {
        Ok(None) => error(StatusCode::NOT_FOUND, "unknown cluster"),
        other => answer(other),
    }
}

async fn runs(State(d): State<Dashboard>) -> Response {
    answer(d.store.dashboard_runs(RUNS_SHOWN).await)
}

async fn summaries(State(d): State<Dashboard>) -> Response {
    answer(d.store.summaries(SUMMARIES_SHOWN).await)
}
