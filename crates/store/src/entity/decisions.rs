//! Rows of the collective-decision tables (migration m0003). Plain rows, as in `entity`.

pub mod attachment {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "attachment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub purpose: linli_domain::files::Purpose,
        pub file_name: String,
        pub content_type: String,
        pub size: i64,
        pub sha256: String,
        #[serde(skip)]
        pub content: Vec<u8>,
        pub uploaded_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod proposal {
    use linli_domain::decision::ProposalStage;
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "proposal")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub scope_kind: linli_domain::decision::Scope,
        pub scope_id: i64,
        pub title: String,
        pub body: String,
        pub matter: linli_domain::decision::MatterClass,
        pub preset: linli_domain::decision::Preset,
        pub rule: String,
        pub stage: ProposalStage,
        pub proposer_id: i64,
        pub proposer_name: String,
        pub notice_days: i32,
        pub voting_opened_at: Option<i64>,
        pub voting_deadline: Option<i64>,
        pub closed_at: Option<i64>,
        pub result: String,
        pub support_count: i32,
        pub created_at: i64,
        pub updated_at: i64,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod proposal_support {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "proposal_support")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub account_id: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod proposal_comment {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "proposal_comment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub parent_id: Option<i64>,
        pub account_id: i64,
        pub author_name: String,
        pub body: String,
        pub official: bool,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod elector {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elector")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub voter_key: String,
        pub person_id: Option<i64>,
        pub name: String,
        pub area_centi: i64,
        pub heads: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod elector_household {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elector_household")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub household_id: i64,
        pub voter_key: String,
        pub building_id: i64,
        pub unit_id: i64,
        pub floor: i32,
        pub label: String,
        pub area_centi: i64,
        pub owners: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ballot {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "ballot")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub voter_key: String,
        pub choice: linli_domain::decision::Choice,
        pub method: linli_domain::decision::CastMethod,
        pub recorded_by: i64,
        pub recorder_name: String,
        pub evidence_id: Option<i64>,
        pub witness: Option<String>,
        pub note: Option<String>,
        pub cast_at: i64,
        pub revision: i32,
        /// Who cast it: the voter, or the proxy holding their authorisation.
        pub cast_by: String,
        pub cast_by_person_id: Option<i64>,
        /// `own`, `proxy` or `developer_letter` (`Authority`).
        pub authority: linli_domain::decision::Authority,
        /// The city of its compound: on PostgreSQL the table is partitioned by it.
        pub city_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ballot_event {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "ballot_event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub voter_key: String,
        pub revision: i32,
        pub choice: linli_domain::decision::Choice,
        pub method: linli_domain::decision::CastMethod,
        pub recorded_by: i64,
        pub recorder_name: String,
        pub evidence_id: Option<i64>,
        pub witness: Option<String>,
        pub note: Option<String>,
        pub cast_at: i64,
        /// Who cast it: the voter, or the proxy holding their authorisation.
        pub cast_by: String,
        pub cast_by_person_id: Option<i64>,
        /// `own`, `proxy` or `developer_letter` (`Authority`).
        pub authority: linli_domain::decision::Authority,
        /// The city of its compound: on PostgreSQL the table is partitioned by it.
        pub city_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod knock_visit {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "knock_visit")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub household_id: i64,
        pub assignee_id: Option<i64>,
        pub assignee_name: Option<String>,
        pub outcome: Option<linli_domain::decision::VisitOutcome>,
        pub note: Option<String>,
        pub recorded_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod objection {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "objection")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub household_id: i64,
        pub concern: linli_domain::decision::Concern,
        pub body: String,
        pub answer: Option<String>,
        pub compensation: Option<String>,
        pub resolved: bool,
        pub recorded_by: i64,
        pub created_at: i64,
        pub updated_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod affected_consent {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "affected_consent")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub household_id: i64,
        pub consented: bool,
        pub evidence_id: Option<i64>,
        pub recorded_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod meeting {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "meeting")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub title: String,
        pub held_on: String,
        pub place: Option<String>,
        pub attendance: String,
        pub minutes: String,
        pub created_by: i64,
        pub created_at: i64,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod meeting_item {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "meeting_item")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub proposal_id: i64,
        pub outcome: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod proposal_action {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "proposal_action")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub title: String,
        pub responsible: String,
        pub due_on: Option<String>,
        pub done: bool,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod evaluation {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "evaluation")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub account_id: i64,
        pub rating: i32,
        pub comment: String,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod notification {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "notification")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub kind: String,
        pub title: String,
        pub link: String,
        pub created_at: i64,
        pub read_at: Option<i64>,
        pub sent_at: Option<i64>,
        /// pending | sent | dead | skipped — see `crate::delivery`.
        pub delivery: linli_domain::notify::Delivery,
        pub attempts: i32,
        pub next_attempt_at: Option<i64>,
        pub channel: Option<linli_domain::notify::Channel>,
        pub last_error: Option<String>,
        pub idempotency_key: Option<String>,
        pub topic: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod proposal_file {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "proposal_file")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub attachment_id: i64,
        pub title: String,
        pub kind: linli_domain::decision::ProposalFileKind,
        pub text_version: Option<i32>,
        pub added_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
