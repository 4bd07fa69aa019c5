//! Rows of the volunteer tables (migration m0011). Plain rows, as in `entity`.

pub mod volunteer_station {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A volunteer station of a compound (志愿服务站).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "volunteer_station")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub name: String,
        pub place: String,
        pub checkin_early: i32,
        pub active: bool,
        pub created_by: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod volunteer_shift {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A weekly shift of a station: weekday 1–7, minutes after midnight.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "volunteer_shift")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub station_id: i64,
        pub compound_id: i64,
        pub weekday: i32,
        pub start_min: i32,
        pub end_min: i32,
        pub capacity: i32,
        pub active: bool,
        pub bookings: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod volunteer_signup {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A person's turn: a shift on a day (`active` or `withdrawn`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "volunteer_signup")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub shift_id: i64,
        pub station_id: i64,
        pub compound_id: i64,
        pub on_day: String,
        pub start_min: i32,
        pub end_min: i32,
        pub account_id: i64,
        pub name: String,
        pub unit_id: Option<i64>,
        pub status: linli_domain::volunteers::SignupStatus,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod volunteer_checkin {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A check-in on a turn, with the minutes it earns.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "volunteer_checkin")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub signup_id: i64,
        pub account_id: i64,
        pub minutes: i32,
        pub at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod volunteer_swap {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A request to exchange two turns.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "volunteer_swap")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub station_id: i64,
        pub from_signup_id: i64,
        pub to_signup_id: i64,
        pub requested_by: i64,
        pub counterpart_id: i64,
        pub status: linli_domain::volunteers::SwapStatus,
        pub decided_by: Option<i64>,
        pub created_at: i64,
        pub decided_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
