//! Files of a proposal: plans and photos, and the texts a vote adopts (the owners' rules, the
//! committee's charter), numbered per title so that "业主公约 v3" is the one adopted last.

use super::{Loaded, require_view};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{attachment, proposal, proposal_file};
use crate::error::{ServiceError, ServiceResult};
use crate::files::Purpose;
use linli_domain::authz::Action;
use linli_domain::decision::ProposalStage;
use linli_domain::registry::Text;
use linli_domain::{FieldError, Invalid};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

pub use linli_domain::decision::ProposalFileKind;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalFileView {
    pub id: i64,
    /// Download at `/files/{attachment_id}`.
    pub attachment_id: i64,
    pub title: String,
    pub kind: ProposalFileKind,
    pub text_version: Option<i32>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

impl Store {
    /// Attaches a file to a proposal while it is being written or deliberated: its proposer or
    /// those who run the decision. A text to adopt gets the next version number of its title
    /// in the compound.
    pub async fn attach_to_proposal(
        &self,
        actor: &Actor,
        id: i64,
        kind: &str,
        title: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> ServiceResult<ProposalFileView> {
        let p = self.load_proposal(id).await?;
        if !(p.row.proposer_id == actor.account_id || actor.can(Action::ManageDecision, &p.path)) {
            return Err(ServiceError::Forbidden);
        }
        p.at_stage(&[ProposalStage::Draft, ProposalStage::Deliberation])?;
        let mut e = Vec::new();
        let kind =
            crate::registry::field(&mut e, "kind", ProposalFileKind::parse_or_attachment(kind));
        let title = crate::registry::field(&mut e, "title", Text::parse(title, 200));
        let (Some(kind), Some(title), true) = (kind, title, e.is_empty()) else {
            return Err(ServiceError::Invalid(e));
        };
        let info = self
            .save_file(actor, p.compound.id, Purpose::Attachment, file_name, bytes)
            .await?;
        let version = match kind {
            ProposalFileKind::Attachment => None,
            ProposalFileKind::AdoptedText => {
                Some(self.next_text_version(&p, title.as_str()).await?)
            }
        };
        let txn = self.begin_write().await?;
        let fid = proposal_file::Entity::insert(proposal_file::ActiveModel {
            proposal_id: Set(id),
            attachment_id: Set(info.id),
            title: Set(title.as_str().to_string()),
            kind: Set(kind),
            text_version: Set(version),
            added_by: Set(actor.account_id),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let after = serde_json::json!({ "file_id": fid, "attachment_id": info.id, "title": title.as_str(), "kind": kind.as_str(), "text_version": version });
        Change::by(actor, p.compound.id, "proposal.attach", "proposal", id)
            .after(after)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(ProposalFileView {
            id: fid,
            attachment_id: info.id,
            title: title.into_string(),
            kind,
            text_version: version,
            file_name: info.file_name,
            content_type: info.content_type,
            size: info.size,
        })
    }

    /// The versions already given to a title in this compound, plus one.
    async fn next_text_version(&self, p: &Loaded, title: &str) -> ServiceResult<i32> {
        let proposals: Vec<i64> = proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .filter(proposal::Column::CompoundId.eq(p.compound.id))
            .into_tuple()
            .all(self.read())
            .await?;
        let n = proposal_file::Entity::find()
            .filter(proposal_file::Column::ProposalId.is_in(proposals))
            .filter(proposal_file::Column::Kind.eq(ProposalFileKind::AdoptedText.as_str()))
            .filter(proposal_file::Column::Title.eq(title))
            .count(self.read())
            .await?;
        i32::try_from(n + 1).map_err(|_| {
            ServiceError::from(FieldError::new(
                "title",
                Invalid::OutOfRange {
                    min: 1,
                    max: i64::from(i32::MAX),
                },
            ))
        })
    }

    /// The files of a proposal, oldest first.
    pub async fn proposal_files(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<Vec<ProposalFileView>> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        let files = proposal_file::Entity::find()
            .filter(proposal_file::Column::ProposalId.eq(id))
            .order_by_asc(proposal_file::Column::Id)
            .all(self.read())
            .await?;
        // Names and sizes only: the contents stay in the database until downloaded.
        let meta: std::collections::HashMap<i64, (String, String, i64)> =
            attachment::Entity::find()
                .select_only()
                .column(attachment::Column::Id)
                .column(attachment::Column::FileName)
                .column(attachment::Column::ContentType)
                .column(attachment::Column::Size)
                .filter(attachment::Column::Id.is_in(files.iter().map(|f| f.attachment_id)))
                .into_tuple::<(i64, String, String, i64)>()
                .all(self.read())
                .await?
                .into_iter()
                .map(|(id, n, c, z)| (id, (n, c, z)))
                .collect();
        let out = files
            .into_iter()
            .map(|f| {
                let (file_name, content_type, size) =
                    meta.get(&f.attachment_id).cloned().unwrap_or_default();
                ProposalFileView {
                    id: f.id,
                    attachment_id: f.attachment_id,
                    title: f.title,
                    kind: f.kind,
                    text_version: f.text_version,
                    file_name,
                    content_type,
                    size,
                }
            })
            .collect();
        Ok(out)
    }
}
