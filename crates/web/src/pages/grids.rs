//! The grid pages: a compound's grids (and the form to draw one), a grid with its people and
//! households, the forms to add a person and to put households (a unit, a building, or listed
//! ones) into it.

use super::{Chrome, PageResult, chrome};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, Ids};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_store::ServiceError;
use linli_store::grids::*;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/compounds/{id}/grids", get(list).post(create))
        .route("/grids/{id}", get(show))
        .route("/grids/{id}/members", post(add_member))
        .route("/grids/{id}/members/{member}/remove", post(remove_member))
        .route("/grids/{id}/households", post(assign))
}

#[derive(Template, WebTemplate)]
#[template(path = "grid_list.html")]
struct ListPage {
    t: T,
    c: Chrome,
    g: GridList,
    errors: FormErrors,
}

async fn list(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let g = state.store.grids(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(ListPage {
        t,
        c,
        g,
        errors: FormErrors::default(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
struct GridForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    note: String,
}

async fn create(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<GridForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = GridInput {
        name: f.name,
        parent_id: f.parent_id.trim().parse().ok(),
        note: f.note,
    };
    match state.store.create_grid(actor, id, &input).await {
        Ok(g) => Ok(Redirect::to(&format!("/grids/{}", g.id)).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let g = state.store.grids(actor, id).await?;
            let (t, c) = chrome(&ctx);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ListPage {
                    t,
                    c,
                    g,
                    errors: FormErrors::new(&e, ctx.lang),
                },
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "grid_show.html")]
struct ShowPage {
    t: T,
    c: Chrome,
    g: GridView,
    errors: FormErrors,
}

fn show_page(ctx: &Ctx, g: GridView, errors: FormErrors) -> ShowPage {
    let (t, c) = chrome(ctx);
    ShowPage { t, c, g, errors }
}

async fn show(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let g = state.store.grid(ctx.actor()?, id).await?;
    Ok(show_page(&ctx, g, FormErrors::default()).into_response())
}

/// After a grid form: back to the grid, or the grid again with the error.
async fn done(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Result<GridView, ServiceError>,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/grids/{id}")).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let g = state.store.grid(ctx.actor()?, id).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                show_page(ctx, g, FormErrors::new(&e, ctx.lang)),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
struct MemberForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    role: String,
}

async fn add_member(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<MemberForm>,
) -> PageResult {
    let r = state
        .store
        .add_grid_member(
            ctx.actor()?,
            id,
            &MemberInput {
                login: f.login,
                role: f.role,
            },
        )
        .await;
    done(&state, &ctx, id, r).await
}

async fn remove_member(
    state: State,
    ctx: Ctx,
    Ids((id, member)): Ids<(i64, i64)>,
    CsrfForm(_): CsrfForm<GridForm>,
) -> PageResult {
    let r = state
        .store
        .remove_grid_member(ctx.actor()?, id, member)
        .await;
    done(&state, &ctx, id, r).await
}

#[derive(Deserialize, Default)]
struct AssignForm {
    /// "unit:7", "building:3", or household ids separated by spaces or commas.
    #[serde(default)]
    what: String,
    #[serde(default)]
    ids: String,
}

async fn assign(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<AssignForm>,
) -> PageResult {
    let mut input = AssignInput::default();
    match f.what.split_once(':') {
        Some(("unit", u)) => input.unit_id = u.trim().parse().ok(),
        Some(("building", b)) => input.building_id = b.trim().parse().ok(),
        _ => {
            input.household_ids = f
                .ids
                .split([' ', ',', '，'])
                .filter_map(|s| s.trim().parse().ok())
                .collect()
        }
    }
    let r = state
        .store
        .assign_grid_households(ctx.actor()?, id, &input)
        .await;
    done(&state, &ctx, id, r).await
}
