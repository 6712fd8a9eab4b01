//! Contract delays of each life-cycle step, in seconds at `time_scale` 1.0.
//!
//! The emulator (`barrack-sim`) multiplies each by its `time_scale`; 0.0 makes every step
//! instant (settled on the next request). They are also the expected duration of each step
//! (the benchmarks' critical-path baseline reads them).

pub const INSTANCE_CREATING: f64 = 10.0;
pub const INSTANCE_BUILD: f64 = 20.0;
pub const INSTANCE_STOPPING: f64 = 10.0;
pub const INSTANCE_STARTING: f64 = 10.0;
pub const INSTANCE_REBOOTING: f64 = 15.0;
pub const INSTANCE_HIBERNATING: f64 = 20.0;
pub const INSTANCE_RESTORING: f64 = 20.0;
pub const INSTANCE_DELETING: f64 = 10.0;
pub const VOLUME_CREATING: f64 = 5.0;
pub const FIREWALL_CREATING: f64 = 5.0;
pub const FIREWALL_ATTACHING: f64 = 10.0;
pub const SNAPSHOT_CREATING: f64 = 30.0;
pub const IMAGE_CREATING: f64 = 30.0;
