//! Rows of the civility-rating tables (migration m0005). Plain rows, as in `entity`.

pub mod rating_rubric {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// One version of a compound's rubric; `body` is the rubric as JSON.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "rating_rubric")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub version: i32,
        pub from_month: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub proposal_id: Option<i64>,
        pub created_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod rating_panel {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A scorer of a compound's panel, for one of the four parties.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "rating_panel")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub account_id: i64,
        pub party: linli_domain::rating::Party,
        pub name: String,
        pub home_unit_id: Option<i64>,
        pub active: bool,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod rating_month {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A month of a compound's rating: `open`, then `closed`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "rating_month")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub month: String,
        pub rubric_id: i64,
        pub status: linli_domain::rating::MonthStatus,
        pub close_reason: Option<String>,
        pub closed_at: Option<i64>,
        pub closed_by: Option<i64>,
        #[sea_orm(column_type = "Text")]
        pub result: String,
        pub version: i32,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod rating_sheet {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// One scorer's sheet for one unit and month.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "rating_sheet")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub month_id: i64,
        pub unit_id: i64,
        pub panel_id: i64,
        pub scorer_id: i64,
        pub scorer_name: String,
        pub party: linli_domain::rating::Party,
        pub note: String,
        pub submitted_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod rating_mark {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// One tap on a sheet: a deduction, bonus or veto item, with its note and photo.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "rating_mark")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub sheet_id: i64,
        pub month_id: i64,
        pub unit_id: i64,
        pub item_code: String,
        pub kind: linli_domain::rating::MarkKind,
        pub points: i64,
        pub note: String,
        pub evidence_id: Option<i64>,
        pub reversed: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod rating_appeal {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A unit's appeal against one deduction: `pending`, `kept` or `reversed`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "rating_appeal")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub month_id: i64,
        pub mark_id: i64,
        pub unit_id: i64,
        pub reason: String,
        pub filed_by: i64,
        pub filer_name: String,
        pub filed_at: i64,
        pub status: linli_domain::rating::AppealStatus,
        pub decision_reason: Option<String>,
        pub decided_by: Option<i64>,
        pub decided_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
