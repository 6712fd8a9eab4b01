//! The allocator: mimalloc. glibc's malloc spent ~40% of an offline plan of 100k resources
//! in malloc, free and chunk consolidation (docs/performance.md, B1).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
