//! The account's limits: GPU stock per model and region, balance, and the per-account caps
//! on firewalls and ssh keys. The defaults are the contract's; benchmarks raise them to hold
//! 100k resources (`--gpu-stock`, `--max-firewalls`, `--max-ssh-keys`, `--balance`).

use barrack_wire::wire;

/// GPUs of each model in each region at seed time, by default.
const DEFAULT_GPU_STOCK: u32 = 64;
/// Balance at seed time, USD, by default.
const DEFAULT_BALANCE: f64 = 10_000.0;

/// What a fresh (or reset) account may hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// GPUs of each model in each region (the stock `GET /gpu/stocks` lists).
    pub gpu_stock: u32,
    /// The account's balance, USD.
    pub balance: f64,
    /// Firewalls per account (a create beyond it is a 400 `limit reached`).
    pub firewalls: usize,
    /// Ssh keys per account (every key is in every region).
    pub ssh_keys: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            gpu_stock: DEFAULT_GPU_STOCK,
            balance: DEFAULT_BALANCE,
            firewalls: wire::MAX_FIREWALLS,
            ssh_keys: wire::MAX_SSH_KEYS,
        }
    }
}
