//! Open data (filled in below).
