//! The owners a household list shows, kept on the household (`owner_names`, `owner_phone`;
//! `registry/owner_names.rs` says why and who keeps them), filled here from the ownerships.

use super::m0001_registry::t;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0042_household_owner_names"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("household"))
                .add_column(text(t("owner_names")).default(""))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("household"))
                .add_column(text_null(t("owner_phone")))
                .to_owned(),
        )
        .await?;
        // Written out as it was when this migration was made, not taken from the store's
        // code, which may change after it.
        m.get_connection()
            .execute_unprepared(
                "UPDATE household SET \
                 owner_names = COALESCE((SELECT string_agg(p.name, '、' ORDER BY o.id) \
                    FROM ownership o JOIN person p ON p.id = o.person_id \
                    WHERE o.household_id = household.id), ''), \
                 owner_phone = (SELECT p.phone FROM ownership o JOIN person p ON p.id = o.person_id \
                    WHERE o.household_id = household.id ORDER BY o.id LIMIT 1) \
                 WHERE EXISTS (SELECT 1 FROM ownership o WHERE o.household_id = household.id)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["owner_phone", "owner_names"] {
            m.alter_table(
                Table::alter()
                    .table(t("household"))
                    .drop_column(t(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
