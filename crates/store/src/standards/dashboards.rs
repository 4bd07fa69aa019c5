//! Dashboards (filled in below).
