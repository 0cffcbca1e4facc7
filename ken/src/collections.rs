//! Persistent collections (in progress).
