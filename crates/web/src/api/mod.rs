//! The JSON API, `/api/v1/…`: the same service calls as the pages, as JSON.
//!
//! Scripts authenticate with `Authorization: Bearer <token>` (get one from `POST /tokens`
//! or the tokens page). Errors are `{code, message, field, errors}` with stable codes. The
//! OpenAPI document is generated from these handlers, so it cannot drift from them.

mod elections;
mod elevators;
mod funds;
mod notify;
mod proposals;
pub(crate) mod ratings;
mod registry;
mod requests;
mod roster;
mod volunteers;
mod standards;

use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::ApiJson;
use crate::{AppState, State};
use axum::Json;
use axum::http::StatusCode;
use linli_store::ServiceError;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
        .routes(routes!(create_token))
        .routes(routes!(me))
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
        .merge(notify::router())
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

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    /// Username or phone number.
    login: String,
    password: String,
    /// What the token is for.
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    token: String,
}

/// Exchange a login and password for an API token.
#[utoipa::path(post, path = "/tokens", tag = "accounts", security(()), request_body = TokenRequest,
    responses((status = 201, body = TokenResponse), (status = 401, body = ApiError), (status = 429, body = ApiError)))]
async fn create_token(state: State, ctx: Ctx, ApiJson(req): ApiJson<TokenRequest, true>) -> Result<(StatusCode, Json<TokenResponse>), WebError> {
    let s = &state.store;
    let account = s.authenticate(&req.login, &req.password).await.map_err(|e| ctx.err(e))?;
    let actor = s.actor(account.id).await.map_err(|e| ctx.err(e))?.ok_or_else(|| ctx.err(ServiceError::BadCredentials))?;
    let token = s.create_api_token(&actor, &req.name).await.map_err(|e| ctx.err(e))?;
    Ok((StatusCode::CREATED, Json(TokenResponse { token })))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    account_id: i64,
    name: String,
    roles: Vec<MeRole>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeRole {
    role: String,
    at: String,
}

/// Who the token or session belongs to, and their roles.
#[utoipa::path(get, path = "/me", tag = "accounts", responses((status = 200, body = Me), (status = 401, body = ApiError)))]
async fn me(ctx: Ctx) -> ApiResult<Me> {
    let a = ctx.actor()?;
    Ok(Json(Me {
        account_id: a.account_id,
        name: a.name.clone(),
        roles: a.grants.iter().map(|g| MeRole { role: g.role.as_str().into(), at: g.at.to_string() }).collect(),
    }))
}
