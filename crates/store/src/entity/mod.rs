//! SeaORM entities, one module per table. Plain rows: the rules live in `linli-domain`,
//! and the services in this crate turn rows into domain types.

mod decisions;
mod delivery;
mod elections;
mod elevator_operation;
mod elevators;
mod funds;
mod ratings;
mod requests;
mod standards;
mod volunteers;
pub use decisions::*;
pub use delivery::*;
pub use elections::*;
pub use elevator_operation::*;
pub use elevators::*;
pub use funds::*;
pub use ratings::*;
pub use requests::*;
pub use standards::*;
pub use volunteers::*;

pub mod region {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "region")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: linli_domain::place::NodeKind,
        pub name: String,
        pub parent_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod compound {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "compound")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub community_id: i64,
        pub subdistrict_id: i64,
        pub district_id: i64,
        pub city_id: i64,
        pub name: String,
        pub address: Option<String>,
        pub year_built: Option<i32>,
        pub management_mode: linli_domain::registry::ManagementMode,
        pub three_no: bool,
        pub six_have: i32,
        pub version: i32,
        pub created_at: i64,
        pub updated_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sub_compound {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "sub_compound")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod building {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "building")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub sub_compound_id: Option<i64>,
        pub name: String,
        pub floors: Option<i32>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod unit {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "unit")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub building_id: i64,
        pub compound_id: i64,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod person {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "person")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        /// The contact phone: the first mobile number known.
        pub phone: Option<String>,
        pub created_at: i64,
        /// 身份证后四位, to tell two people of one name apart.
        pub id_last4: Option<String>,
        /// Every number known, " / " between them.
        pub phones: Option<String>,
        /// Set when this record was merged into another one (the same person).
        pub merged_into: Option<i64>,
        /// Set when a committee anonymised the person after they left (name and phone replaced).
        pub anonymised_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod person_merge {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "person_merge")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kept_id: i64,
        pub merged_id: i64,
        pub moved: String,
        pub account_id: Option<i64>,
        pub merged_at: i64,
        pub split_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod household {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "household")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub unit_id: i64,
        pub building_id: i64,
        pub compound_id: i64,
        /// The compound's city: the partition the row lives in on PostgreSQL.
        #[serde(skip)]
        pub city_id: i64,
        pub floor: i32,
        pub room: String,
        pub area_centi: i64,
        pub area_source: linli_domain::AreaSource,
        pub designated_voter_id: Option<i64>,
        /// 开发建设单位未售出: still the developer's; all such flats count as one owner.
        pub developer_unsold: bool,
        pub version: i32,
        pub created_at: i64,
        pub updated_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ownership {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "ownership")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub household_id: i64,
        /// The household's city: its key names the household's partition on PostgreSQL.
        #[serde(skip)]
        pub city_id: i64,
        pub person_id: i64,
        pub share_bp: i32,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod residency {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "residency")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub household_id: i64,
        /// The household's city: its key names the household's partition on PostgreSQL.
        #[serde(skip)]
        pub city_id: i64,
        pub person_id: i64,
        pub kind: linli_domain::registry::ResidentKind,
        pub moved_in: TimeDate,
        pub moved_out: Option<TimeDate>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod account {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "account")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub username: String,
        pub phone: Option<String>,
        pub password_hash: String,
        pub display_name: String,
        pub person_id: Option<i64>,
        pub disabled: bool,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod role_grant {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "role_grant")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub role: linli_domain::authz::Role,
        pub node_kind: linli_domain::place::NodeKind,
        pub node_id: i64,
        /// The path from the top of the hierarchy to the place, `city:1/…/household:8`,
        /// kept so that checking a request needs no walk up the tree.
        pub path: String,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub account_id: i64,
        pub created_at: i64,
        pub expires_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "api_token")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub name: String,
        pub token_hash: String,
        pub created_at: i64,
        pub expires_at: i64,
        /// Updated at most once an hour, so using a token rarely writes.
        pub last_used_at: Option<i64>,
        pub revoked_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod login_attempt {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "login_attempt")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub window_start: i64,
        pub count: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod invite {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "invite")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub household_id: i64,
        /// The household's city: its key names the household's partition on PostgreSQL.
        #[serde(skip)]
        pub city_id: i64,
        pub role: linli_domain::authz::Role,
        pub issued_by: i64,
        pub created_at: i64,
        pub expires_at: i64,
        pub used_by: Option<i64>,
        pub used_at: Option<i64>,
        /// The owner or resident the code was issued for: the claiming account is linked to them.
        pub person_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "audit")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub chain: i64,
        pub seq: i64,
        pub at: String,
        pub actor_id: Option<i64>,
        pub action: String,
        pub entity: String,
        pub entity_id: i64,
        pub before: String,
        pub after: String,
        pub prev_hash: String,
        pub hash: String,
        /// The hash of the changed row's state after the change, or empty (see `audit::state`).
        pub state_hash: String,
        /// The city of the chain's compound (0 for the global chain): on PostgreSQL the
        /// table is partitioned by it.
        pub city_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_head {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub chain: i64,
        pub seq: i64,
        pub hash: String,
        /// The city of the chain's compound (0 for the global chain), which every record
        /// appended to the chain carries.
        pub city_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod roster_import {
    use sea_orm::entity::prelude::*;
    use serde::Serialize;

    /// An uploaded roster waiting for confirmation: the parsed rows and the preview shown.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
    #[sea_orm(table_name = "roster_import")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub compound_id: i64,
        pub account_id: Option<i64>,
        pub file_name: String,
        /// `pending`, then `applied` (`applying` while an interrupted confirmation's claims
        /// were not yet made).
        pub status: linli_domain::registry::ImportStatus,
        /// JSON array of the parsed rows.
        #[sea_orm(column_type = "Text")]
        pub rows: String,
        /// JSON of the preview.
        #[sea_orm(column_type = "Text")]
        pub preview: String,
        /// JSON of what was written, once applied.
        #[sea_orm(column_type = "Text", nullable)]
        pub result: Option<String>,
        pub created_at: i64,
        pub applied_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
