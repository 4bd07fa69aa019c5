//! Signing in and out, the home page, the account page (password change, API tokens), and
//! claiming a home with an invite code.

use super::{Chrome, PageResult, chrome};
use crate::ctx::{Ctx, SESSION_COOKIE};
use crate::form::{CsrfForm, Ids};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use linli_domain::authz::Role;
use linli_store::ServiceError;
use linli_store::accounts::{Credential, SESSION_SECONDS};
use linli_store::registry::PlaceRef;
use linli_store::tokens::TokenView;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/account", get(account_page))
        .route("/account/password", axum::routing::post(change_password))
        .route(
            "/tokens",
            get(|| async { Redirect::to("/account#tokens") }).post(create_token),
        )
        .route("/tokens/{id}/revoke", axum::routing::post(revoke_token))
        .route("/claim", get(claim_page).post(claim))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct Home {
    t: T,
    c: Chrome,
    name: String,
    roles: Vec<Role>,
    places: Vec<PlaceRef>,
    modes: Vec<(linli_domain::registry::ManagementMode, i64)>,
    /// What needs the reader now, list by list (empty lists left out).
    agenda: Vec<super::agenda::Section>,
    /// Works on the registry rather than only living in it: sees tools such as API tokens.
    editor: bool,
}

async fn home(state: State, ctx: Ctx) -> PageResult {
    let Some(actor) = &ctx.actor else {
        return Ok(Redirect::to("/login").into_response());
    };
    let s = &state.store;
    let places = s.home_places(actor).await?;
    // The mode breakdown matters to those who oversee many compounds.
    let wide = actor
        .grants
        .iter()
        .any(|g| g.at.target().is_some_and(|n| n.kind.is_region()));
    let modes = if wide {
        s.mode_counts(actor).await?
    } else {
        Vec::new()
    };
    let agenda = s.agenda(actor).await?;
    let (t, c) = chrome(&ctx);
    let agenda = super::agenda::sections(&t, &agenda);
    let mut roles: Vec<Role> = actor.roles().collect();
    roles.dedup();
    let editor = actor.grants.iter().any(|g| g.role.holds_a_post());
    Ok(Home {
        t,
        c,
        name: actor.name.clone(),
        roles,
        places,
        modes,
        agenda,
        editor,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct Login {
    t: T,
    c: Chrome,
    login: String,
    errors: FormErrors,
}

async fn login_page(ctx: Ctx) -> Response {
    let (t, c) = chrome(&ctx);
    Login {
        t,
        c,
        login: String::new(),
        errors: FormErrors::default(),
    }
    .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
}

pub fn session_cookie(token: &str, max_age: i64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

async fn login(state: State, ctx: Ctx, CsrfForm(f): CsrfForm<LoginForm>) -> PageResult {
    match state.store.login(&f.login, &f.password, ctx.client).await {
        Ok(session) => {
            let mut res = Redirect::to("/").into_response();
            if let Some(v) = session_cookie(&session.token, SESSION_SECONDS, state.secure_cookies) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(e @ (ServiceError::BadCredentials | ServiceError::RateLimited { .. })) => {
            let (t, c) = chrome(&ctx);
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNAUTHORIZED);
            Ok((
                status,
                Login {
                    t,
                    c,
                    login: f.login,
                    errors: FormErrors::new(&e, ctx.lang),
                },
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(state: State, ctx: Ctx, CsrfForm(_): CsrfForm<Empty>) -> PageResult {
    if let Some(s) = &ctx.session {
        state.store.logout(s).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    if let Some(v) = session_cookie("", 0, state.secure_cookies) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct Account {
    t: T,
    c: Chrome,
    /// A token just made, shown this once.
    token: Option<String>,
    tokens: Vec<TokenView>,
    token_days: i64,
    errors: FormErrors,
    changed: bool,
}

impl Account {
    async fn show(
        state: &AppState,
        ctx: &Ctx,
        token: Option<String>,
        errors: FormErrors,
        changed: bool,
    ) -> PageResult {
        let actor = ctx.actor()?;
        let tokens = state.store.api_tokens(actor).await?;
        let (t, c) = chrome(ctx);
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let page = Account {
            t,
            c,
            token,
            tokens,
            token_days: state.store.limits().token_days,
            errors,
            changed,
        };
        Ok((status, page).into_response())
    }
}

async fn account_page(state: State, ctx: Ctx) -> PageResult {
    Account::show(&state, &ctx, None, FormErrors::default(), false).await
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    password: String,
}

/// Changes the password; this browser stays signed in, every other session and token ends.
async fn change_password(
    state: State,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let keep = ctx.session.as_deref().map(Credential::Session);
    match state
        .store
        .change_password(actor, &f.current_password, &f.password, keep, ctx.client)
        .await
    {
        Ok(()) => Account::show(&state, &ctx, None, FormErrors::default(), true).await,
        Err(e @ ServiceError::Invalid(_)) => {
            Account::show(&state, &ctx, None, FormErrors::new(&e, ctx.lang), false).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
}

async fn create_token(state: State, ctx: Ctx, CsrfForm(f): CsrfForm<TokenForm>) -> PageResult {
    let actor = ctx.actor()?;
    let made = state.store.create_api_token(actor, &f.name).await?;
    Account::show(&state, &ctx, Some(made.token), FormErrors::default(), false).await
}

async fn revoke_token(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    state.store.revoke_api_token(ctx.actor()?, id).await?;
    Ok(Redirect::to("/account#tokens").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "claim.html")]
struct Claim {
    t: T,
    c: Chrome,
    errors: FormErrors,
    code: String,
    display_name: String,
    phone: String,
}

async fn claim_page(ctx: Ctx, crate::form::Q(q): crate::form::Q<ClaimQuery>) -> Response {
    let (t, c) = chrome(&ctx);
    Claim {
        t,
        c,
        errors: FormErrors::default(),
        code: q.code.unwrap_or_default(),
        display_name: String::new(),
        phone: String::new(),
    }
    .into_response()
}

#[derive(Deserialize)]
struct ClaimQuery {
    code: Option<String>,
}

#[derive(Deserialize)]
struct ClaimForm {
    code: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
}

/// Claims a home; a visitor without an account gets one, signed in by their phone number.
async fn claim(state: State, ctx: Ctx, CsrfForm(f): CsrfForm<ClaimForm>) -> PageResult {
    let s = &state.store;
    let result = async {
        match &ctx.actor {
            Some(a) => s
                .claim_invite(a.account_id, &f.code, ctx.client)
                .await
                .map(|h| (h, None)),
            None => {
                let (h, session) = s
                    .claim_invite_as_visitor(
                        &f.code,
                        &f.display_name,
                        &f.phone,
                        &f.password,
                        ctx.client,
                    )
                    .await?;
                Ok((h, Some(session.token)))
            }
        }
    }
    .await;
    match result {
        Ok((household, token)) => {
            let mut res = Redirect::to(&format!("/households/{household}")).into_response();
            if let Some(v) =
                token.and_then(|t| session_cookie(&t, SESSION_SECONDS, state.secure_cookies))
            {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(e) if FormErrors::reshows(&e) => {
            let (t, c) = chrome(&ctx);
            let page = Claim {
                t,
                c,
                errors: FormErrors::new(&e, ctx.lang),
                code: f.code,
                display_name: f.display_name,
                phone: f.phone,
            };
            Ok((FormErrors::status(&e), page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
