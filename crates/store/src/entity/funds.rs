//! Rows of the fund tables (migration m0008). Plain rows, as in `entity`.

pub mod fund_account {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// An account of a compound, a project, or a building's maintenance fund.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "fund_account")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub kind: linli_domain::funds::AccountKind,
        pub project_id: Option<i64>,
        pub building_id: Option<i64>,
        pub name: String,
        pub initial_deposit: i64,
        pub top_up_bp: i64,
        pub created_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod fund_entry {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// One line of the append-only ledger; `amount` is signed (income +, expense −).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "fund_entry")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The account's compound's city, which the ledger is partitioned by.
        pub city_id: i64,
        pub account_id: i64,
        pub household_id: Option<i64>,
        pub direction: linli_domain::funds::Direction,
        pub category: String,
        pub amount: i64,
        pub occurred_on: String,
        pub note: String,
        pub receipt_attachment_id: Option<i64>,
        pub proposal_id: Option<i64>,
        pub emergency: Option<linli_domain::funds::EmergencyKind>,
        pub top_up: bool,
        pub corrects_entry_id: Option<i64>,
        pub payment_id: Option<i64>,
        pub recorded_by: i64,
        pub recorded_by_name: String,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod fund_share {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A household's part of a maintenance spending (negative, like the entry).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "fund_share")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The entry's city (the ledger is partitioned by city).
        pub city_id: i64,
        pub entry_id: i64,
        pub account_id: i64,
        pub household_id: i64,
        pub amount: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod fund_statement {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A posted statement: its figures frozen as JSON when it was posted.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "fund_statement")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub period_from: String,
        pub period_to: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub posted_by: i64,
        pub posted_by_name: String,
        pub posted_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
