//! Every size and depth limit of the language in one place (documented in
//! docs/language.md, "Limits"). They keep hostile configs from exhausting the stack or the
//! memory: each is far above what a real config needs.

/// The deepest nesting of `{ }` blocks (and of `/* */` comments) in a config file.
/// Recursive parsers and formatters never see deeper input.
pub const MAX_NESTING: usize = 64;

/// The largest file `(file)"..."` reads: 1 MiB.
pub const FILE_MAX_BYTES: usize = 1 << 20;

/// The largest config file (`*.kdl`): 64 MiB.
pub const CONFIG_FILE_MAX_BYTES: usize = 64 << 20;

/// The largest value an expression may evaluate to (a string's bytes, or a list's or map's
/// total size): 1 MiB.
pub const VALUE_MAX_BYTES: usize = 1 << 20;

/// The deepest list/map nesting of an evaluated value (state documents are read back with
/// a recursion limit of 128).
pub const VALUE_MAX_DEPTH: usize = 32;

/// The deepest chain of references being evaluated at once (a local using a local using a
/// local..., or a resource attribute using another's).
pub const MAX_EVAL_DEPTH: usize = 64;

/// The total size of values produced by references and templates while loading one config:
/// 128 MiB. Bounds fan-out (one large local used many times) as well as doubling.
pub const EVAL_WORK_MAX_BYTES: usize = 128 << 20;

/// The deepest chain of modules calling modules (`module` inside a module's directory).
pub const MODULE_MAX_DEPTH: usize = 16;

/// The most module instances one config may expand to, across every level of nesting.
pub const MODULE_MAX_INSTANCES: usize = 4096;

/// Human form of a byte count for messages: `1 MiB`, `16 KiB`, `300 bytes`.
pub(crate) fn show_bytes(n: usize) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}
