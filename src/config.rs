//! The config file.
