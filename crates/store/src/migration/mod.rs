//! Schema migrations. The same migrations run on SQLite and PostgreSQL; each has a `down`
//! that the tests run, so a release can always be rolled back one step.

use sea_orm_migration::prelude::*;

mod by_city;
mod m0001_registry;
mod m0002_roster_import;
mod m0003_decisions;
mod m0004_elections;
mod m0005_ratings;
mod m0006_elevators;
mod m0007_proposal_files;
mod m0008_funds;
mod m0009_elevator_operation;
mod m0010_requests;
mod m0011_volunteers;
mod m0012_standards;
mod m0013_meeting_version;
mod m0014_developer_unsold;
mod m0015_people;
mod m0016_ballot_authority;
mod m0017_share_fractions;
mod m0018_account_limits;
mod m0021_delivery;
mod m0022_audit_state;
mod m0023_election_ballot_authority;
mod m0025_agenda_indexes;
mod m0028_paperwork;
mod m0029_recent_write;
pub(crate) mod m0031_compound_summary;
mod m0032_household_place_key;
mod m0033_dashboard_rollups;
mod m0035_household_list_order;
mod m0036_region_grid;
mod m0037_audit_by_city;
mod m0038_ballots_and_requests_by_city;
mod m0039_requests_and_ledger_by_city;
mod m0040_person_name_tail;
mod m0041_households_by_city;
mod m0042_household_owner_names;
mod m0043_household_index_diet;
mod m0044_api_token_one_hash_index;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_registry::Migration),
            Box::new(m0002_roster_import::Migration),
            Box::new(m0003_decisions::Migration),
            Box::new(m0004_elections::Migration),
            Box::new(m0005_ratings::Migration),
            Box::new(m0006_elevators::Migration),
            Box::new(m0007_proposal_files::Migration),
            Box::new(m0008_funds::Migration),
            Box::new(m0009_elevator_operation::Migration),
            Box::new(m0010_requests::Migration),
            Box::new(m0011_volunteers::Migration),
            Box::new(m0012_standards::Migration),
            Box::new(m0013_meeting_version::Migration),
            Box::new(m0014_developer_unsold::Migration),
            Box::new(m0015_people::Migration),
            Box::new(m0016_ballot_authority::Migration),
            Box::new(m0017_share_fractions::Migration),
            Box::new(m0018_account_limits::Migration),
            Box::new(m0021_delivery::Migration),
            Box::new(m0022_audit_state::Migration),
            Box::new(m0023_election_ballot_authority::Migration),
            Box::new(m0025_agenda_indexes::Migration),
            Box::new(m0028_paperwork::Migration),
            Box::new(m0029_recent_write::Migration),
            Box::new(m0031_compound_summary::Migration),
            Box::new(m0032_household_place_key::Migration),
            Box::new(m0033_dashboard_rollups::Migration),
            Box::new(m0035_household_list_order::Migration),
            Box::new(m0036_region_grid::Migration),
            Box::new(m0037_audit_by_city::Migration),
            Box::new(m0038_ballots_and_requests_by_city::Migration),
            Box::new(m0039_requests_and_ledger_by_city::Migration),
            Box::new(m0040_person_name_tail::Migration),
            Box::new(m0041_households_by_city::Migration),
            Box::new(m0042_household_owner_names::Migration),
            Box::new(m0043_household_index_diet::Migration),
            Box::new(m0044_api_token_one_hash_index::Migration),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::Migrator;
    use sea_orm_migration::MigratorTrait;

    /// Migrations run in the order listed, and a database remembers them by name: a number
    /// listed out of order would run before an older one on a new database and after it on an
    /// existing one, and the two would not agree.
    #[test]
    fn migrations_are_listed_in_strictly_increasing_order() {
        let numbers: Vec<u32> = Migrator::migrations()
            .iter()
            .map(|m| {
                let name = m.name().to_string();
                let digits = name
                    .strip_prefix('m')
                    .and_then(|rest| rest.get(..4))
                    .unwrap_or_else(|| panic!("{name} is named mNNNN_what"));
                digits
                    .parse()
                    .unwrap_or_else(|_| panic!("{name} is named mNNNN_what"))
            })
            .collect();
        assert!(numbers.len() > 20);
        for pair in numbers.windows(2) {
            assert!(
                pair[0] < pair[1],
                "m{:04} is listed after m{:04}",
                pair[1],
                pair[0]
            );
        }
    }
}
