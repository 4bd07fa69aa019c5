//! Loading the demo world (`linli-demo`) into the database. Placeholder until the generator lands.
