//! Printing that never panics: `println!`, `print!`, `eprintln!` and `eprint!` are redefined
//! here (textual scope shadows std's macros in every module of the binary) to write and
//! ignore errors, so a closed pipe (`garrison plan 2>&1 | head -c 10`) neither panics nor
//! aborts. Output that cannot be written is dropped; the command finishes (an apply is
//! never cut short by a closed pipe) and exits with its usual code.

/// `println!` that ignores a closed or failing stdout.
#[allow(unused_macros)]
macro_rules! println {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that ignores a closed or failing stdout.
#[allow(unused_macros)]
macro_rules! print {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = write!(out, $($arg)*);
        let _ = out.flush();
    }};
}

/// `eprintln!` that ignores a closed or failing stderr.
#[allow(unused_macros)]
macro_rules! eprintln {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprint!` that ignores a closed or failing stderr.
#[allow(unused_macros)]
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, $($arg)*);
        let _ = err.flush();
    }};
}
