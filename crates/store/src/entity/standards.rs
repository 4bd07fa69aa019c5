//! Rows of the governance-standards tables (migration m0012). Plain rows, as in `entity`.

pub mod standard_scheme {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A city's checklist and star-rating scheme, as JSON.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "standard_scheme")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub city_id: i64,
        #[sea_orm(column_type = "Text")]
        pub checklist: String,
        #[sea_orm(column_type = "Text")]
        pub rating: String,
        pub updated_by: i64,
        pub updated_at: i64,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod assessment {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A compound assessed against its city's checklist for a period, with what it derived.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "assessment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub period: String,
        pub city_id: i64,
        pub district_id: i64,
        pub subdistrict_id: i64,
        pub community_id: i64,
        #[sea_orm(column_type = "Text")]
        pub marks: String,
        #[sea_orm(column_type = "Text")]
        pub letters: String,
        pub met: i32,
        pub partly: i32,
        pub not_met: i32,
        pub six_have: i32,
        pub three_no: bool,
        pub latest: bool,
        pub assessor_id: i64,
        pub assessor_name: String,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod star_rating {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A compound's star rating for a period: the survey, the parts, the exact score.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "star_rating")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub period: String,
        pub city_id: i64,
        pub district_id: i64,
        pub subdistrict_id: i64,
        pub community_id: i64,
        pub households: i64,
        pub responses: i64,
        pub satisfied: i64,
        pub satisfaction_centi: i64,
        pub management_centi: i64,
        pub overall_centi: i64,
        pub score_num: i64,
        pub score_den: i64,
        pub score_centi: i64,
        pub stars: i32,
        #[sea_orm(column_type = "Text")]
        pub vetoes: String,
        pub vetoed: bool,
        pub reward: i64,
        pub latest: bool,
        pub rated_by: i64,
        pub rated_by_name: String,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod compound_plan {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A compound's plan (一小区一策): problems, budget by channel in fen, progress counts.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "compound_plan")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub city_id: i64,
        pub district_id: i64,
        pub subdistrict_id: i64,
        pub community_id: i64,
        #[sea_orm(column_type = "Text")]
        pub problems: String,
        pub responsible: String,
        pub households_benefited: i64,
        pub budget_government_reward: i64,
        pub budget_residents: i64,
        pub budget_support_unit: i64,
        pub budget_charity: i64,
        pub budget_public_income: i64,
        pub items_total: i32,
        pub items_done: i32,
        pub created_by: i64,
        pub created_at: i64,
        pub updated_at: i64,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod plan_item {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// One renovation item of a plan: kind, quantity in the kind's unit, done or not.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "plan_item")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub plan_id: i64,
        pub kind: linli_domain::standards::RenovationKind,
        pub description: String,
        pub quantity: i64,
        pub done: bool,
        pub done_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
