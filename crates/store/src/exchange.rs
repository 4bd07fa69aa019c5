//! Import and export. Placeholder.
