//! ken
