//! The JSON API, `/api/v1/…`: the same service calls as the pages, as JSON.
//!
//! Scripts authenticate with `Authorization: Bearer <token>` (get one from `POST /tokens`
//! or the tokens page). Errors are `{code, message, field, errors}` with stable codes. The
//! OpenAPI document is generated from these handlers, so it cannot drift from them.

mod accounts;
mod dashboards;
mod elections;
mod elevators;
mod funds;
pub(crate) mod labels;
mod notify;
mod proposals;
pub(crate) mod ratings;
mod registry;
mod requests;
mod roster;
mod standards;
mod volunteers;

use crate::AppState;
use crate::error::{ApiError, WebError};
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
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
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
        .merge(dashboards::router())
        .merge(notify::router())
}

/// The OpenAPI document, with paths under `/api/v1`.
pub fn openapi_json() -> String {
    let mut doc = OpenApiRouter::<Arc<AppState>>::new()
        .nest("/api/v1", router())
        .split_for_parts()
        .1;
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    document_every_status(&mut doc);
    elevators::describe(&mut doc);
    dashboards::describe(&mut doc);
    funds::describe(&mut doc);
    volunteers::describe(&mut doc);
    ratings::describe(&mut doc);
    proposals::describe(&mut doc);
    elections::describe(&mut doc);
    requests::describe(&mut doc);
    standards::describe(&mut doc);
    doc.to_pretty_json().unwrap_or_else(|_| "{}".into())
}

/// Adds to each operation the error answers that every handler can give, so the document
/// lists every status an operation returns (a client, or a fuzzer checking conformance, can
/// rely on it): 400 for a request HTTP itself cannot read, 401 without credentials, 403
/// without permission (or CSRF token), 404 for an id that does not exist, 422 for input that
/// is wrong; for writes also 409 (a stale version, a second confirmation) and 413 (a body
/// over the limit); and 415 where the body must be JSON. Each as [`ApiError`].
fn document_every_status(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
    let error = |what: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    utoipa::openapi::Content::new(Some(Ref::from_schema_name("ApiError"))),
                )
                .build(),
        )
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [
            (&mut item.get, false),
            (&mut item.post, true),
            (&mut item.put, true),
            (&mut item.patch, true),
            (&mut item.delete, true),
        ];
        for (op, write) in ops {
            let Some(op) = op.as_mut() else { continue };
            let json_body = matches!(&op.request_body, Some(RefOr::T(b)) if b.content.contains_key("application/json"));
            let mut add = |status: &str, what: &str| {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error(what));
            };
            add("400", "The request could not be read");
            add("401", "Not signed in: no token, or one that is not valid");
            add(
                "403",
                "Not allowed for this account, or a missing CSRF token",
            );
            add("404", "Not found");
            add("422", "The input is wrong; `errors` names each field");
            if write {
                add("409", "Stale version, or already done");
                add("413", "The body is over the size limit");
            }
            if json_body {
                add("415", "The body is not declared `application/json`");
            }
        }
    }
}

pub async fn openapi_handler() -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_json(),
    )
}

pub type ApiResult<T> = Result<Json<T>, WebError>;
