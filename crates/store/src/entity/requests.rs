//! Rows of the grid and service-request tables (migration m0010). Plain rows, as in `entity`.

pub mod grid {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A grid (网格) or, with a parent, a micro-grid of a compound.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "grid")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub parent_id: Option<i64>,
        pub name: String,
        pub note: String,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod grid_member {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A person serving a grid: grid worker, party member, building head or volunteer.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "grid_member")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub grid_id: i64,
        pub account_id: i64,
        pub role: linli_domain::requests::GridRole,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod grid_household {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A household's grid: each household in exactly one.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "grid_household")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub household_id: i64,
        /// The household's city: its key names the household's partition on PostgreSQL.
        #[serde(skip)]
        pub city_id: i64,
        pub grid_id: i64,
        pub compound_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod request_category {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A kind of request with its deadline and default route, as data.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "request_category")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name_zh: String,
        pub name_en: String,
        pub deadline_unit: linli_domain::requests::DeadlineUnit,
        pub deadline_amount: i32,
        pub route: linli_domain::requests::Route,
        pub auto_close_days: i32,
        pub sort: i32,
        pub active: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod service_request {
    use linli_domain::requests::{Channel, RequestStatus, Route};
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A service request with its place (and every level above it), status and timings.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "service_request")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub city_id: i64,
        pub district_id: i64,
        pub subdistrict_id: i64,
        pub community_id: i64,
        pub compound_id: i64,
        pub building_id: Option<i64>,
        pub unit_id: Option<i64>,
        pub household_id: Option<i64>,
        pub grid_id: Option<i64>,
        pub place: String,
        pub category_id: i64,
        #[sea_orm(column_type = "Text")]
        pub description: String,
        pub reporter_id: i64,
        pub on_behalf_of: String,
        pub contact_phone: String,
        pub channel: Channel,
        pub status: RequestStatus,
        pub route: Route,
        pub assignee_id: Option<i64>,
        pub public: bool,
        pub created_at: i64,
        pub month: String,
        pub due_at: i64,
        pub met_at: Option<i64>,
        pub first_response_at: Option<i64>,
        pub resolved_at: Option<i64>,
        pub closed_at: Option<i64>,
        pub escalated_at: Option<i64>,
        pub rating: Option<i32>,
        pub rating_comment: String,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod request_event {
    use linli_domain::requests::{RequestStatus, RequestStep};
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// One step of a request: who, when, from and to which status, to whom.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "request_event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub request_id: i64,
        pub from_status: Option<RequestStatus>,
        pub to_status: RequestStatus,
        pub step: RequestStep,
        pub actor_id: Option<i64>,
        pub actor_name: String,
        pub assignee_id: Option<i64>,
        pub note: String,
        pub at: i64,
        /// The city of its compound: on PostgreSQL the table is partitioned by it.
        pub city_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod request_photo {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "request_photo")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The request's city (requests are partitioned by city).
        pub city_id: i64,
        pub request_id: i64,
        pub attachment_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod holiday {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// A day off on a weekday, or (`workday`) a weekend day worked in exchange.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "holiday")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub day: String,
        pub name: String,
        pub workday: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
