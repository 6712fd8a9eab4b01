//! Garrison's KDL v2 language: text to a typed, validated model.
