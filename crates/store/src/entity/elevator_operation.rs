//! Rows of the elevator running-cost tables (migration m0009). Plain rows, as in `entity`.

pub mod elevator_operation_split {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// How a project shares its running costs; no row means equally.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elevator_operation_split")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub split: linli_domain::elevator::SplitMode,
        pub proposal_id: Option<i64>,
        pub note: String,
        pub set_by: i64,
        pub set_by_name: String,
        pub set_at: i64,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod elevator_operation_cost {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// One month's cost of one kind for a project, in fen.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elevator_operation_cost")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub compound_id: i64,
        pub month: String,
        pub kind: linli_domain::elevator::CostKind,
        pub amount: i64,
        pub split: linli_domain::elevator::SplitMode,
        pub note: String,
        pub recorded_by: i64,
        pub recorded_by_name: String,
        pub recorded_at: i64,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod elevator_operation_share {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A household's part of one month's cost, in fen.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "elevator_operation_share")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub cost_id: i64,
        pub project_id: i64,
        pub household_id: i64,
        /// The household's city: its key names the household's partition on PostgreSQL.
        #[serde(skip)]
        pub city_id: i64,
        pub month: String,
        pub floor: i32,
        pub room: String,
        pub amount: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
