//! The account of the caller: who am I, API tokens (make, list, revoke), password change,
//! signing out.

use super::ApiResult;
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{ApiJson, Ids};
use crate::{AppState, State};
use axum::Json;
use axum::http::StatusCode;
use linli_store::ServiceError;
use linli_store::accounts::Credential;
use linli_store::agenda::Agenda;
use linli_store::tokens::{NewToken, TokenView};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(create_token, list_tokens))
        .routes(routes!(revoke_token))
        .routes(routes!(me))
        .routes(routes!(agenda))
        .routes(routes!(change_password))
        .routes(routes!(logout))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    /// Username or phone number.
    login: String,
    password: String,
    /// What the token is for.
    name: String,
}

/// Exchange a login and password for an API token. It lasts 90 days unless the server is set
/// otherwise (`expires_at`); sign-ins are rate-limited per account and per client address, and
/// an account may make 20 tokens an hour.
#[utoipa::path(post, path = "/tokens", tag = "accounts", security(()), request_body = TokenRequest,
    responses((status = 201, body = NewToken), (status = 401, body = ApiError), (status = 422, body = ApiError), (status = 429, body = ApiError)))]
async fn create_token(
    state: State,
    ctx: Ctx,
    ApiJson(req): ApiJson<TokenRequest, true>,
) -> Result<(StatusCode, Json<NewToken>), WebError> {
    let s = &state.store;
    let account = s
        .authenticate(&req.login, &req.password, ctx.client)
        .await?;
    let actor = s
        .actor(account.id)
        .await?
        .ok_or_else(|| WebError::from(ServiceError::BadCredentials))?;
    let token = s.create_api_token(&actor, &req.name).await?;
    Ok((StatusCode::CREATED, Json(token)))
}

/// Your API tokens, newest first; revoked and expired ones are listed as not `active`.
#[utoipa::path(get, path = "/tokens", tag = "accounts", responses((status = 200, body = Vec<TokenView>), (status = 401, body = ApiError)))]
async fn list_tokens(state: State, ctx: Ctx) -> ApiResult<Vec<TokenView>> {
    Ok(Json(state.store.api_tokens(ctx.actor()?).await?))
}

/// Revoke one of your API tokens (from then on it authenticates no one).
#[utoipa::path(delete, path = "/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn revoke_token(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> Result<StatusCode, WebError> {
    state.store.revoke_api_token(ctx.actor()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    current_password: String,
    /// At least 10 characters, not one character repeated, not the login or phone, not one
    /// of the 10,000 most common passwords.
    password: String,
}

/// Change your password. Every other session and API token of the account ends; the session
/// or token of this request keeps working.
#[utoipa::path(post, path = "/password", tag = "accounts", request_body = PasswordChange,
    responses((status = 204), (status = 401, body = ApiError), (status = 422, body = ApiError), (status = 429, body = ApiError)))]
async fn change_password(
    state: State,
    ctx: Ctx,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, WebError> {
    let actor = ctx.actor()?;
    let keep = match (&ctx.token, &ctx.session) {
        (Some(t), _) => Some(Credential::Token(t)),
        (None, Some(s)) => Some(Credential::Session(s)),
        (None, None) => None,
    };
    state
        .store
        .change_password(
            actor,
            &req.current_password,
            &req.password,
            keep,
            ctx.client,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out: ends the session of the cookie, or revokes the API token the request carries.
#[utoipa::path(post, path = "/logout", tag = "accounts", responses((status = 204), (status = 401, body = ApiError)))]
async fn logout(state: State, ctx: Ctx) -> Result<StatusCode, WebError> {
    let actor = ctx.actor()?;
    match (&ctx.token, &ctx.session) {
        (Some(t), _) => state.store.revoke_token_secret(actor, t).await?,
        (None, Some(s)) => state.store.logout(s).await?,
        (None, None) => {}
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    account_id: i64,
    name: String,
    roles: Vec<MeRole>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeRole {
    role: linli_domain::authz::Role,
    at: String,
}

/// Who the token or session belongs to, and their roles.
#[utoipa::path(get, path = "/me", tag = "accounts", responses((status = 200, body = Me), (status = 401, body = ApiError)))]
async fn me(ctx: Ctx) -> ApiResult<Me> {
    let a = ctx.actor()?;
    Ok(Json(Me {
        account_id: a.account_id,
        name: a.name.clone(),
        roles: a
            .grants
            .iter()
            .map(|g| MeRole {
                role: g.role,
                at: g.at.to_string(),
            })
            .collect(),
    }))
}

/// What needs the caller now: votes to cast, what their household owes, their requests, and
/// for those who run a compound or handle requests the work waiting there (the home page's
/// lists). Each list is short; its entries lead to the pages with the rest.
#[utoipa::path(get, path = "/me/agenda", tag = "accounts", responses((status = 200, body = Agenda), (status = 401, body = ApiError)))]
async fn agenda(state: State, ctx: Ctx) -> ApiResult<super::labels::Labelled<Agenda>> {
    let agenda = state.store.agenda(ctx.actor()?).await?;
    Ok(super::labels::worded(agenda, ctx.lang))
}

super::labels::labels!(Agenda, |v, lang| {}, nested: [my_requests, overdue, queue]);
