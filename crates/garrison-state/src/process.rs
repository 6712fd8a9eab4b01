//! Host name and process liveness, for stale-lock detection (no unsafe, no libc).

/// Whether a process exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Liveness {
    /// It exists (or might: we could not tell).
    Alive,
    /// It certainly does not exist, or is a zombie.
    Dead,
    /// We cannot tell on this platform.
    Unknown,
}

/// This host's name, from the kernel, `/etc/hostname` or `$HOSTNAME`; `unknown` otherwise.
pub(crate) fn hostname() -> String {
    let candidates = [
        std::fs::read_to_string("/proc/sys/kernel/hostname").ok(),
        std::fs::read_to_string("/etc/hostname").ok(),
        std::env::var("HOSTNAME").ok(),
        std::env::var("COMPUTERNAME").ok(),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Is process `pid` alive? Linux reads `/proc/<pid>/stat`; elsewhere the answer is
/// [`Liveness::Unknown`], so locks are never taken over there.
pub(crate) fn liveness(pid: u32) -> Liveness {
    if cfg!(target_os = "linux") {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => {
                // `pid (comm) S ...`: the state follows the last `)`.
                let state = stat
                    .rfind(')')
                    .and_then(|i| stat[i + 1..].split_whitespace().next());
                match state {
                    Some("Z") | Some("X") | Some("x") => Liveness::Dead,
                    _ => Liveness::Alive,
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Liveness::Dead,
            Err(_) => Liveness::Alive,
        }
    } else {
        Liveness::Unknown
    }
}
