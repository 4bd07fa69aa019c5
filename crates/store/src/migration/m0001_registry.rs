//! The registry, accounts, sessions and the audit trail.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_registry"
    }
}

pub(super) fn t(name: &str) -> Alias {
    Alias::new(name)
}

pub(super) fn fk(table: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(t(table), t(col))
        .to(t(to), t("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

pub(super) fn index(table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(format!("ix_{table}_{}", cols.join("_")))
        .table(t(table));
    for c in cols {
        i.col(t(c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 17] = [
    "region",
    "compound",
    "sub_compound",
    "building",
    "unit",
    "person",
    "household",
    "ownership",
    "residency",
    "account",
    "role_grant",
    "session",
    "api_token",
    "login_attempt",
    "invite",
    "audit",
    "audit_head",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables: Vec<TableCreateStatement> = vec![
            Table::create()
                .table(t("region"))
                .col(big_pk_auto(t("id")))
                .col(string_len(t("kind"), 16))
                .col(string_len(t("name"), 100))
                .col(big_integer_null(t("parent_id")))
                .foreign_key(&mut fk("region", "parent_id", "region"))
                .to_owned(),
            Table::create()
                .table(t("compound"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("community_id")))
                .col(big_integer(t("subdistrict_id")))
                .col(big_integer(t("district_id")))
                .col(big_integer(t("city_id")))
                .col(string_len(t("name"), 100))
                .col(string_len_null(t("address"), 200))
                .col(integer_null(t("year_built")))
                .col(string_len(t("management_mode"), 16))
                .col(boolean(t("three_no")))
                .col(integer(t("six_have")))
                .col(integer(t("version")))
                .col(big_integer(t("created_at")))
                .col(big_integer(t("updated_at")))
                .foreign_key(&mut fk("compound", "community_id", "region"))
                .to_owned(),
            Table::create()
                .table(t("sub_compound"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(string_len(t("name"), 100))
                .foreign_key(&mut fk("sub_compound", "compound_id", "compound"))
                .to_owned(),
            Table::create()
                .table(t("building"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(big_integer_null(t("sub_compound_id")))
                .col(string_len(t("name"), 100))
                .col(integer_null(t("floors")))
                .foreign_key(&mut fk("building", "compound_id", "compound"))
                .foreign_key(&mut fk("building", "sub_compound_id", "sub_compound"))
                .to_owned(),
            Table::create()
                .table(t("unit"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("building_id")))
                .col(big_integer(t("compound_id")))
                .col(string_len(t("name"), 100))
                .foreign_key(&mut fk("unit", "building_id", "building"))
                .foreign_key(&mut fk("unit", "compound_id", "compound"))
                .to_owned(),
            Table::create()
                .table(t("person"))
                .col(big_pk_auto(t("id")))
                .col(string_len(t("name"), 40))
                .col(string_len_null(t("phone"), 16))
                .col(big_integer(t("created_at")))
                .to_owned(),
            Table::create()
                .table(t("household"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("unit_id")))
                .col(big_integer(t("building_id")))
                .col(big_integer(t("compound_id")))
                .col(integer(t("floor")))
                .col(string_len(t("room"), 16))
                .col(big_integer(t("area_centi")))
                .col(string_len(t("area_source"), 16))
                .col(big_integer_null(t("designated_voter_id")))
                .col(integer(t("version")))
                .col(big_integer(t("created_at")))
                .col(big_integer(t("updated_at")))
                .foreign_key(&mut fk("household", "unit_id", "unit"))
                .foreign_key(&mut fk("household", "building_id", "building"))
                .foreign_key(&mut fk("household", "compound_id", "compound"))
                .foreign_key(&mut fk("household", "designated_voter_id", "person"))
                .to_owned(),
            Table::create()
                .table(t("ownership"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("household_id")))
                .col(big_integer(t("person_id")))
                .col(integer(t("share_bp")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("ownership", "household_id", "household"))
                .foreign_key(&mut fk("ownership", "person_id", "person"))
                .to_owned(),
            Table::create()
                .table(t("residency"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("household_id")))
                .col(big_integer(t("person_id")))
                .col(string_len(t("kind"), 16))
                .col(date(t("moved_in")))
                .col(date_null(t("moved_out")))
                .foreign_key(&mut fk("residency", "household_id", "household"))
                .foreign_key(&mut fk("residency", "person_id", "person"))
                .to_owned(),
            Table::create()
                .table(t("account"))
                .col(big_pk_auto(t("id")))
                .col(string_len_uniq(t("username"), 40))
                .col(string_len_null(t("phone"), 16))
                .col(string_len(t("password_hash"), 200))
                .col(string_len(t("display_name"), 40))
                .col(big_integer_null(t("person_id")))
                .col(boolean(t("disabled")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("account", "person_id", "person"))
                .to_owned(),
            Table::create()
                .table(t("role_grant"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("account_id")))
                .col(string_len(t("role"), 32))
                .col(string_len(t("node_kind"), 16))
                .col(big_integer(t("node_id")))
                .col(string_len(t("path"), 300))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("role_grant", "account_id", "account"))
                .to_owned(),
            Table::create()
                .table(t("session"))
                .col(string_len(t("id"), 64).primary_key())
                .col(big_integer(t("account_id")))
                .col(big_integer(t("created_at")))
                .col(big_integer(t("expires_at")))
                .foreign_key(&mut fk("session", "account_id", "account"))
                .to_owned(),
            Table::create()
                .table(t("api_token"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("account_id")))
                .col(string_len(t("name"), 60))
                .col(string_len_uniq(t("token_hash"), 64))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("api_token", "account_id", "account"))
                .to_owned(),
            Table::create()
                .table(t("login_attempt"))
                .col(string_len(t("key"), 100).primary_key())
                .col(big_integer(t("window_start")))
                .col(integer(t("count")))
                .to_owned(),
            Table::create()
                .table(t("invite"))
                .col(string_len(t("code"), 16).primary_key())
                .col(big_integer(t("household_id")))
                .col(string_len(t("role"), 32))
                .col(big_integer(t("issued_by")))
                .col(big_integer(t("created_at")))
                .col(big_integer(t("expires_at")))
                .col(big_integer_null(t("used_by")))
                .col(big_integer_null(t("used_at")))
                .foreign_key(&mut fk("invite", "household_id", "household"))
                .to_owned(),
            Table::create()
                .table(t("audit"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("chain")))
                .col(big_integer(t("seq")))
                .col(string_len(t("at"), 40))
                .col(big_integer_null(t("actor_id")))
                .col(string_len(t("action"), 60))
                .col(string_len(t("entity"), 30))
                .col(big_integer(t("entity_id")))
                .col(text(t("before")))
                .col(text(t("after")))
                .col(string_len(t("prev_hash"), 64))
                .col(string_len(t("hash"), 64))
                .to_owned(),
            Table::create()
                .table(t("audit_head"))
                .col(big_integer(t("chain")).primary_key())
                .col(big_integer(t("seq")))
                .col(string_len(t("hash"), 64))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        for (table, cols, unique) in [
            ("region", &["parent_id"][..], false),
            ("compound", &["community_id"][..], false),
            ("compound", &["subdistrict_id"][..], false),
            ("compound", &["district_id"][..], false),
            ("compound", &["city_id"][..], false),
            ("compound", &["name"][..], false),
            ("sub_compound", &["compound_id"][..], false),
            ("building", &["compound_id", "name"][..], true),
            ("unit", &["building_id", "name"][..], true),
            ("unit", &["compound_id"][..], false),
            ("household", &["unit_id", "room"][..], true),
            ("household", &["compound_id", "id"][..], false),
            ("household", &["building_id"][..], false),
            ("household", &["room"][..], false),
            ("person", &["phone"][..], false),
            ("person", &["name"][..], false),
            ("ownership", &["household_id", "person_id"][..], true),
            ("ownership", &["person_id"][..], false),
            ("residency", &["household_id"][..], false),
            ("residency", &["person_id"][..], false),
            ("account", &["phone"][..], false),
            ("account", &["person_id"][..], false),
            ("role_grant", &["account_id"][..], false),
            ("session", &["expires_at"][..], false),
            ("invite", &["household_id"][..], false),
            ("audit", &["chain", "seq"][..], true),
            ("audit", &["entity", "entity_id"][..], false),
        ] {
            m.create_index(index(table, cols, unique)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            if *table == "region" {
                // SQLite empties a table row by row when dropping it, and the RESTRICT of
                // region → parent region refuses to remove a city before its districts.
                let unlink = Query::update()
                    .table(t("region"))
                    .value(t("parent_id"), Option::<i64>::None)
                    .to_owned();
                m.exec_stmt(unlink).await?;
            }
            m.drop_table(Table::drop().table(t(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
