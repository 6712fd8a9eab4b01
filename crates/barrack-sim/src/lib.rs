//! A local, faithful emulator of the Barrack API.
