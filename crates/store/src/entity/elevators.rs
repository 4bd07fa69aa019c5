//! Rows of the elevator-retrofit tables (migration m0006). Plain rows, as in `entity`.

pub mod elevator_project {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// One unit's retrofit project. Money in fen; `coefficients` is the table as JSON.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elevator_project")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub building_id: i64,
        pub unit_id: i64,
        pub stage: linli_domain::elevator::ElevatorStage,
        pub stage_since: i64,
        pub proposal_id: Option<i64>,
        pub responsible: String,
        pub installer: String,
        pub total_cost: Option<i64>,
        pub pipelines_cost: i64,
        pub subsidy_preset: linli_domain::elevator::SubsidyPreset,
        pub subsidy_custom: i64,
        pub subsidy: i64,
        #[sea_orm(column_type = "Text")]
        pub coefficients: String,
        /// `floors` or `equal_per_flat` (`linli_domain::elevator::ShareMode`).
        pub share_mode: linli_domain::elevator::ShareMode,
        pub notice_days: i32,
        pub shares_fixed_at: Option<i64>,
        pub created_by: i64,
        pub created_at: i64,
        pub version: i32,
        /// The day the shares are due ("2026-12-31"), printed on the bills.
        pub pay_by: Option<String>,
        /// Where and when the committee takes payments and signed forms back.
        pub office: String,
        /// How to pay by transfer (the account), printed on the bills.
        pub pay_how: String,
        /// Whom to ask, with a phone number.
        pub contact: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod elevator_stage_log {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A project entering a stage: when, who, and why.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elevator_stage_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub from_stage: Option<linli_domain::elevator::ElevatorStage>,
        pub to_stage: linli_domain::elevator::ElevatorStage,
        #[sea_orm(column_type = "Text")]
        pub note: String,
        pub by_id: i64,
        pub by_name: String,
        pub at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod elevator_document {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A document of a project (plan, permit, contract, …), the file itself in `attachment`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elevator_document")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub kind: linli_domain::elevator::DocKind,
        pub attachment_id: i64,
        pub title: String,
        pub uploaded_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod elevator_share {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A household's fixed share of a project, in fen. Keyed by household, not person: a
    /// buyer takes over what the seller has not paid.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elevator_share")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub household_id: i64,
        /// The household's city: its key names the household's partition on PostgreSQL.
        #[serde(skip)]
        pub city_id: i64,
        pub floor: i32,
        pub room: String,
        /// The exact part of the whole shared by the household's group (its floor, or the
        /// whole unit when split equally per flat): `coefficient_num / coefficient_den`.
        pub coefficient_num: i64,
        pub coefficient_den: i64,
        pub on_floor: i32,
        pub amount: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod elevator_payment {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A payment by a household towards its share, as recorded with its receipt.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elevator_payment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub household_id: i64,
        /// The household's city: its key names the household's partition on PostgreSQL.
        #[serde(skip)]
        pub city_id: i64,
        pub amount: i64,
        pub method: linli_domain::elevator::PayMethod,
        pub receipt_no: String,
        pub paid_on: String,
        pub recorded_by: i64,
        pub recorded_by_name: String,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
