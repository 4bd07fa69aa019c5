//! Each person's choice of channel (text message, e-mail, none), their e-mail address, the
//! language messages are written in, and the token of the link that stops them.

use crate::accounts::random_hex;
use crate::audit::{self, Change, GLOBAL_CHAIN};
use crate::entity::{account, notify_pref};
use crate::{Actor, ServiceError, ServiceResult, Store};
use linli_domain::notify::{Channel, Email};
use linli_domain::registry::Phone;
use linli_domain::{Invalid, Lang};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotifyPrefsView {
    /// sms | email | none
    pub channel: linli_domain::notify::Channel,
    pub email: Option<String>,
    /// The account's phone as its owner sees it (masked), where text messages go.
    pub phone: Option<String>,
    /// zh-CN | en: the language of the messages.
    pub lang: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NotifyPrefsInput {
    /// sms | email | none
    pub channel: String,
    #[serde(default)]
    pub email: Option<String>,
    /// zh-CN | en; by default the language of the request.
    #[serde(default)]
    pub lang: Option<String>,
}

/// Without a choice of their own, people with a phone get text messages: most residents of
/// an old compound have no e-mail, and a vote they never hear of is a vote they miss.
pub(crate) fn default_channel(phone: Option<&str>) -> Channel {
    if phone.is_some_and(|p| !p.is_empty()) {
        Channel::Sms
    } else {
        Channel::None
    }
}

impl Store {
    pub async fn notify_prefs(&self, actor: &Actor) -> ServiceResult<NotifyPrefsView> {
        let acc = account::Entity::find_by_id(actor.account_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let pref = notify_pref::Entity::find()
            .filter(notify_pref::Column::AccountId.eq(actor.account_id))
            .one(self.read())
            .await?;
        Ok(view(&acc, pref.as_ref()))
    }

    /// Sets the actor's channel (audited). Text messages need a phone on the account; e-mail
    /// needs an address.
    pub async fn set_notify_prefs(
        &self,
        actor: &Actor,
        input: &NotifyPrefsInput,
        lang: Lang,
    ) -> ServiceResult<NotifyPrefsView> {
        let channel = Channel::parse(&input.channel)
            .map_err(|_| ServiceError::invalid("channel", Invalid::BadChoice))?;
        let email = match input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(e) => Some(Email::parse(e).map_err(|e| ServiceError::invalid("email", e))?),
            None if channel == Channel::Email => {
                return Err(ServiceError::invalid("email", Invalid::Required));
            }
            None => None,
        };
        let lang = input.lang.as_deref().map(Lang::from_tag).unwrap_or(lang);
        let txn = self.begin_write().await?;
        let acc = account::Entity::find_by_id(actor.account_id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        if channel == Channel::Sms
            && acc
                .phone
                .as_deref()
                .is_none_or(|p| Phone::parse(p).is_err())
        {
            return Err(ServiceError::invalid("channel", Invalid::NoPhone));
        }
        let before = pref_of(&txn, acc.id).await?;
        let now = self.now();
        let row = match &before {
            Some(p) => {
                let mut a: notify_pref::ActiveModel = p.clone().into();
                a.channel = Set(channel);
                a.email = Set(email.as_ref().map(|e| e.as_str().to_string()));
                a.lang = Set(lang);
                a.updated_at = Set(now);
                a.update(&txn).await?
            }
            None => {
                notify_pref::ActiveModel {
                    account_id: Set(acc.id),
                    channel: Set(channel),
                    email: Set(email.as_ref().map(|e| e.as_str().to_string())),
                    lang: Set(lang),
                    unsubscribe_token: Set(random_hex(20)),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        let change = Change::by(actor, GLOBAL_CHAIN, "notify.prefs", "account", acc.id);
        Change { at: now, ..change }
            .before(before.as_ref().map(snapshot))
            .after(snapshot(&row))
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(view(&acc, Some(&row)))
    }

    /// Whether `token` is the stop link of someone (the page asks before it offers the button).
    pub async fn unsubscribe_token_known(&self, token: &str) -> ServiceResult<bool> {
        let token = token.trim();
        if token.is_empty() || token.len() > 64 {
            return Ok(false);
        }
        Ok(notify_pref::Entity::find()
            .filter(notify_pref::Column::UnsubscribeToken.eq(token))
            .one(self.read())
            .await?
            .is_some())
    }

    /// The stop link of a message: the person behind `token` gets no more messages (they
    /// still see notifications on the site). Idempotent; `false` for an unknown token.
    pub async fn unsubscribe(&self, token: &str) -> ServiceResult<bool> {
        let token = token.trim();
        if token.is_empty() || token.len() > 64 {
            return Ok(false);
        }
        let txn = self.begin_write().await?;
        let Some(before) = notify_pref::Entity::find()
            .filter(notify_pref::Column::UnsubscribeToken.eq(token))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        if before.channel != Channel::None {
            let mut a: notify_pref::ActiveModel = before.clone().into();
            a.channel = Set(Channel::None);
            a.updated_at = Set(self.now());
            let row = a.update(&txn).await?;
            if let Some(acc) = account::Entity::find_by_id(row.account_id)
                .one(&txn)
                .await?
            {
                // An unsubscribe link is followed by no one signed in.
                audit::record(
                    &txn,
                    Change {
                        chain: GLOBAL_CHAIN,
                        at: self.now(),
                        actor: None,
                        action: "notify.unsubscribe",
                        entity: "account",
                        entity_id: acc.id,
                        before: Some(snapshot(&before)),
                        after: Some(snapshot(&row)),
                    },
                )
                .await?;
            }
        }
        txn.commit().await?;
        Ok(true)
    }
}

pub(crate) async fn pref_of<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> ServiceResult<Option<notify_pref::Model>> {
    Ok(notify_pref::Entity::find()
        .filter(notify_pref::Column::AccountId.eq(account_id))
        .one(db)
        .await?)
}

/// The pref row of an account, created with the default channel when it has none, so every
/// message has a stop link from its first send.
pub(crate) async fn ensure_pref<C: ConnectionTrait>(
    db: &C,
    acc: &account::Model,
    now: i64,
) -> ServiceResult<notify_pref::Model> {
    if let Some(p) = pref_of(db, acc.id).await? {
        return Ok(p);
    }
    let row = notify_pref::ActiveModel {
        account_id: Set(acc.id),
        channel: Set(default_channel(acc.phone.as_deref())),
        email: Set(None),
        lang: Set(Lang::Zh),
        unsubscribe_token: Set(random_hex(20)),
        updated_at: Set(now),
        ..Default::default()
    };
    notify_pref::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(notify_pref::Column::AccountId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    pref_of(db, acc.id).await?.ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!("notify_pref of {} vanished", acc.id))
    })
}

fn view(acc: &account::Model, pref: Option<&notify_pref::Model>) -> NotifyPrefsView {
    let phone = acc.phone.as_deref().and_then(|p| Phone::parse(p).ok());
    NotifyPrefsView {
        channel: pref
            .map(|p| p.channel)
            .unwrap_or_else(|| default_channel(acc.phone.as_deref())),
        email: pref.and_then(|p| p.email.clone()),
        phone: phone.map(|p| p.masked()),
        lang: pref
            .map(|p| p.lang.tag().to_string())
            .unwrap_or_else(|| Lang::Zh.tag().into()),
    }
}

/// What an audit record keeps of a preference: whether an e-mail address is set, not the address.
fn snapshot(p: &notify_pref::Model) -> serde_json::Value {
    serde_json::json!({ "channel": p.channel, "email": p.email.is_some(), "lang": p.lang })
}
