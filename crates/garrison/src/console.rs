//! The console: the one way the CLI writes to stdout (data) and stderr (progress, errors).
//!
//! It decides colour once per stream, and every write ignores a closed or failing stream:
//! `garrison plan 2>&1 | head -c 10` neither panics nor aborts. What cannot be written is
//! dropped; the command finishes (an apply is never cut short by a closed pipe) and exits
//! with its usual code. The macros `out!`, `outln!`, `err!` and `errln!` take the console
//! first: `errln!(console, "Removed the lock held by {holder}.")`.

use std::ffi::OsString;
use std::fmt;
use std::io::{IsTerminal, Write};

/// Where the CLI writes, and whether each stream gets colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Console {
    out: Stream,
    err: Stream,
    /// stdin is a terminal: a question can be asked.
    ask: bool,
}

/// One of the two streams as the console sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Stream {
    /// Escape sequences for colour are written.
    color: bool,
    /// The stream is a terminal (a live status line may redraw itself).
    terminal: bool,
}

/// What decides colour, besides the terminal: flags and the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ColorEnv {
    /// `--no-color`.
    pub(crate) no_color_flag: bool,
    /// `NO_COLOR` (no-color.org: set and not empty disables colour).
    pub(crate) no_color: Option<OsString>,
    /// `CLICOLOR` (`0` disables colour on a terminal).
    pub(crate) clicolor: Option<OsString>,
    /// `CLICOLOR_FORCE` (set and not `0` enables colour even when not a terminal).
    pub(crate) clicolor_force: Option<OsString>,
}

impl ColorEnv {
    /// The process environment, with the `--no-color` flag.
    pub(crate) fn from_process(no_color_flag: bool) -> ColorEnv {
        ColorEnv {
            no_color_flag,
            no_color: std::env::var_os("NO_COLOR"),
            clicolor: std::env::var_os("CLICOLOR"),
            clicolor_force: std::env::var_os("CLICOLOR_FORCE"),
        }
    }

    /// Whether a stream gets colour. The order: `--no-color`, then `NO_COLOR`, then
    /// `CLICOLOR_FORCE`, then `CLICOLOR=0`, then whether it is a terminal.
    pub(crate) fn color(&self, terminal: bool) -> bool {
        let set = |v: &Option<OsString>| v.as_ref().is_some_and(|v| !v.is_empty());
        let zero = |v: &Option<OsString>| v.as_ref().is_some_and(|v| v == "0");
        if self.no_color_flag || set(&self.no_color) {
            return false;
        }
        if set(&self.clicolor_force) && !zero(&self.clicolor_force) {
            return true;
        }
        !zero(&self.clicolor) && terminal
    }
}

impl Console {
    /// The console of this process: `--no-color`, the environment and the terminals.
    pub(crate) fn new(no_color_flag: bool) -> Console {
        Console {
            ask: std::io::stdin().is_terminal(),
            ..Console::with(
                &ColorEnv::from_process(no_color_flag),
                std::io::stdout().is_terminal(),
                std::io::stderr().is_terminal(),
            )
        }
    }

    /// A console for these colour settings and terminals (stdin not one).
    pub(crate) fn with(env: &ColorEnv, out_terminal: bool, err_terminal: bool) -> Console {
        let stream = |terminal| Stream {
            color: env.color(terminal),
            terminal,
        };
        Console {
            out: stream(out_terminal),
            err: stream(err_terminal),
            ask: false,
        }
    }

    /// A question can be asked: stdin is a terminal (else a command that needs a yes
    /// refuses, naming the flag that answers it).
    pub(crate) fn can_ask(&self) -> bool {
        self.ask
    }

    /// Colour on stdout (the plan's text rendering).
    pub(crate) fn out_color(&self) -> bool {
        self.out.color
    }

    /// Colour on stderr (progress marks, diagnostics).
    pub(crate) fn err_color(&self) -> bool {
        self.err.color
    }

    /// A live status line on stderr: it redraws itself with escape sequences, so it needs a
    /// terminal that takes colour (each operation's start is printed instead).
    pub(crate) fn err_live(&self) -> bool {
        self.err.color && self.err.terminal
    }

    /// Writes to stdout and flushes; a closed or failing stdout is ignored.
    pub(crate) fn write_out(&self, args: fmt::Arguments<'_>) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_fmt(args);
        let _ = out.flush();
    }

    /// Writes to stderr and flushes; a closed or failing stderr is ignored.
    pub(crate) fn write_err(&self, args: fmt::Arguments<'_>) {
        write_stderr(args);
    }
}

/// Writes to stderr ignoring failures, for the panic hook (which has no console: it may
/// run before one exists, and a panic while panicking would abort).
pub(crate) fn write_stderr(args: fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args);
    let _ = err.flush();
}

/// Writes to stdout through a [`Console`].
macro_rules! out {
    ($console:expr, $($arg:tt)*) => {
        $console.write_out(format_args!($($arg)*))
    };
}

/// Writes a line to stdout through a [`Console`].
macro_rules! outln {
    ($console:expr) => {
        $console.write_out(format_args!("\n"))
    };
    ($console:expr, $($arg:tt)*) => {
        $console.write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes to stderr through a [`Console`].
macro_rules! err {
    ($console:expr, $($arg:tt)*) => {
        $console.write_err(format_args!($($arg)*))
    };
}

/// Writes a line to stderr through a [`Console`].
macro_rules! errln {
    ($console:expr) => {
        $console.write_err(format_args!("\n"))
    };
    ($console:expr, $($arg:tt)*) => {
        $console.write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(
        flag: bool,
        no_color: Option<&str>,
        clicolor: Option<&str>,
        force: Option<&str>,
    ) -> ColorEnv {
        ColorEnv {
            no_color_flag: flag,
            no_color: no_color.map(OsString::from),
            clicolor: clicolor.map(OsString::from),
            clicolor_force: force.map(OsString::from),
        }
    }

    /// Colour: `--no-color` and `NO_COLOR` win, `CLICOLOR_FORCE` colours a pipe,
    /// `CLICOLOR=0` turns a terminal plain, and otherwise a terminal decides.
    #[test]
    fn colour_follows_flags_environment_and_terminal() {
        for (env, terminal, want) in [
            (env(false, None, None, None), true, true),
            (env(false, None, None, None), false, false),
            (env(true, None, None, Some("1")), true, false),
            (env(false, Some("1"), None, Some("1")), true, false),
            (env(false, Some(""), None, None), true, true),
            (env(false, None, None, Some("1")), false, true),
            (env(false, None, None, Some("0")), false, false),
            (env(false, None, None, Some("")), false, false),
            (env(false, None, Some("0"), None), true, false),
            (env(false, None, Some("1"), None), true, true),
            (env(false, None, Some("0"), Some("1")), false, true),
        ] {
            assert_eq!(env.color(terminal), want, "{env:?} terminal={terminal}");
        }
    }

    /// The live line needs a terminal, even when colour is forced on a pipe.
    #[test]
    fn a_forced_colour_pipe_gets_no_live_line() {
        let forced = env(false, None, None, Some("1"));
        let piped = Console::with(&forced, false, false);
        assert!(piped.err_color() && !piped.err_live());
        let terminal = Console::with(&forced, true, true);
        assert!(terminal.err_live() && terminal.out_color());
        let plain = Console::with(&env(true, None, None, None), true, true);
        assert!(!plain.err_live() && !plain.out_color());
    }
}
