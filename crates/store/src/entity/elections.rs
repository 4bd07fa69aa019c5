//! Rows of the election tables (migration m0004). Plain rows, as in `entity`.

pub mod election {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "election")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        /// `committee`, `building_head` or `unit_head`.
        pub kind: linli_domain::decision::ElectionKind,
        pub seats: i32,
        /// The `ElectionResult` stored when the vote closed.
        pub result: Option<String>,
        pub roles_granted_at: Option<i64>,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod candidate {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "candidate")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub name: String,
        pub account_id: Option<i64>,
        pub person_id: Option<i64>,
        /// `self`, `residents` or `party_branch`.
        pub nominated_by: linli_domain::decision::Nomination,
        pub statement: String,
        pub recorded_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod election_ballot {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "election_ballot")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub voter_key: String,
        pub candidate_ids: String,
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
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod election_ballot_event {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "election_ballot_event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub proposal_id: i64,
        pub voter_key: String,
        pub candidate_ids: String,
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
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
