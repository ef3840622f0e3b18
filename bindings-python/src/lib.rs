//! Python bindings (placeholder; being written).
