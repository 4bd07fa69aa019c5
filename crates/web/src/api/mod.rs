//! The JSON API, `/api/v1/…`: the same service calls as the pages, as JSON.
//!
//! Scripts authenticate with `Authorization: Bearer <token>` (get one from `POST /tokens`
//! or the tokens page). Errors are `{code, message, field, errors}` with stable codes. The
//! OpenAPI document is generated from these handlers, so it cannot drift from them.

mod accounts;
mod elections;
mod elevators;
mod funds;
mod proposals;
pub(crate) mod ratings;
mod registry;
mod requests;
mod roster;
mod volunteers;
mod standards;

use crate::error::{ApiError, WebError};
use crate::AppState;
use axum::Json;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "linli API", description = "Self-governance of old residential compounds: the registry of compounds, buildings, units and households."),
    components(schemas(ApiError)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::router())
        .merge(registry::router())
        .merge(proposals::router())
        .merge(elections::router())
        .merge(roster::router())
        .merge(ratings::router())
        .merge(elevators::router())
        .merge(funds::router())
        .merge(volunteers::router())
        .merge(requests::router())
        .merge(standards::router())
}

/// The OpenAPI document, with paths under `/api/v1`.
pub fn openapi_json() -> String {
    let mut doc = OpenApiRouter::<Arc<AppState>>::new().nest("/api/v1", router()).split_for_parts().1;
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc.to_pretty_json().unwrap_or_else(|_| "{}".into())
}

pub async fn openapi_handler() -> ([(axum::http::HeaderName, &'static str); 1], String) {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], openapi_json())
}

pub type ApiResult<T> = Result<Json<T>, WebError>;
